import Foundation
import VFTestSupport
import XCTest

/// Issue 13's report: `raise 10` then `transfer 25` left −15 silently. Publishing refuses an
/// event that takes a resource of the publisher's below zero, unless told to record it anyway,
/// and the graph marks a negative resource wherever it is shown.
final class NegativeBalanceCommandLineTests: CommandLineTestCase {
    func testTakingOutMoreThanWasPutInIsRefusedUnlessAllowedAndThenMarked() throws {
        let home = directory + "/farm"
        let me = try vf(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let other = "@" + Data(repeating: 7, count: 32).base64EncodedString() + ".ed25519"
        func event(_ action: String, _ receiver: String, _ fields: String) -> String {
            #"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(me)","receiver":"\#(receiver)",\#(fields)}"#
        }
        let raised = try vf(["publish", "--home", home, "--json",
                             event("raise", me, #""resourceQuantity":{"hasNumericalValue":"10","hasUnit":"kg"},"newInventoriedResource":{"name":"wheat"}"#)])
        let wheat = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(raised.stdout.utf8)) as? [String: Any])?["createdResource"] as? String)
        let transfer = event("transfer", other, #""resourceQuantity":{"hasNumericalValue":"25","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)","newInventoriedResource":{"name":"theirs"}"#)

        let refused = try VFProcess.run(["publish", "--home", home, transfer])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("below zero: accounting -15 kg, onhand -15 kg"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing appended"), refused.stderr)
        // The same through --lines: the line is named, the one before it stays.
        let lines = directory + "/lines.jsonl"
        try [event("consume", me, #""resourceQuantity":{"hasNumericalValue":"4","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#), transfer]
            .joined(separator: "\n").write(toFile: lines, atomically: true, encoding: .utf8)
        let refusedLine = try VFProcess.run(["publish", "--home", home, "--lines", lines])
        XCTAssertEqual(refusedLine.status, 1)
        XCTAssertTrue(refusedLine.stderr.contains("line 2: refused: it would leave resource \(wheat) (wheat) below zero"), refusedLine.stderr)
        let before = try resource(wheat, home)
        XCTAssertEqual(before["negative"] as? Bool, false)
        XCTAssertEqual((before["accountingQuantity"] as? [String: Any])?["hasNumericalValue"] as? String, "6")

        try vf(["publish", "--home", home, "--allow-negative", transfer])
        let after = try resource(wheat, home)
        XCTAssertEqual(after["negative"] as? Bool, true)
        XCTAssertEqual((after["onhandQuantity"] as? [String: Any])?["hasNumericalValue"] as? String, "-19")
        XCTAssertTrue(try vf(["resource", wheat, "--home", home]).stdout.contains("NEGATIVE"))
    }

    private func resource(_ id: String, _ home: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try vf(["resource", id, "--home", home, "--json"]).stdout.utf8))
        return try XCTUnwrap((object as? [String: Any])?["resource"] as? [String: Any])
    }
}
