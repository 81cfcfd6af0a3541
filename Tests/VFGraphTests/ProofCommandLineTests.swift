import Foundation
import VFTestSupport
import XCTest

/// `vf prove` and `vf proof check` as a user runs them: the check needs no home, prints the
/// trace with each step's signer, and exits 1 saying what is wrong with a tampered file.
final class ProofCommandLineTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-prove-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    @discardableResult
    private func vf(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> VFProcess.Result {
        let result = try VFProcess.run(arguments)
        XCTAssertEqual(result.status, 0, "vf \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    func testAProofIsCheckedWithoutAHomeAndTamperingFailsIt() throws {
        let home = directory + "/farm"
        let me = try vf(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try vf(["publish", "--home", home, #"{"@type":"Person","@id":"\#(me)","name":"Hillside Farm"}"#])
        let growing = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try vf(["publish", "--home", home, "--json", #"{"@type":"Process","name":"growing"}"#]).stdout.utf8)) as? [String: Any])["id"] as? String
        let out = try vf(["publish", "--home", home, "--json", #"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","outputOf":"\#(growing ?? "")","resourceQuantity":{"hasNumericalValue":"1000","hasUnit":"kg"},"newInventoriedResource":{"name":"wheat"}}"#]).stdout
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let wheat = try XCTUnwrap(object["createdResource"] as? String)
        let file = directory + "/wheat.proof.json"
        XCTAssertTrue(try vf(["prove", wheat, "--out", file, "--home", home]).stdout.hasPrefix("wrote \(file)"))

        let checked = try vf(["proof", "check", file])
        XCTAssertTrue(checked.stdout.contains("signed by \(me) (Hillside Farm) #3"), checked.stdout)
        XCTAssertTrue(checked.stdout.contains("the proof holds"), checked.stdout)

        // 1000 kg claimed as 2000.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let forged = directory + "/forged.proof.json"
        try text.replacingOccurrences(of: #""accountingQuantity":"1000""#, with: #""accountingQuantity":"2000""#)
            .write(toFile: forged, atomically: true, encoding: .utf8)
        let refused = try VFProcess.run(["proof", "check", forged])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("FAILED: resource \(wheat) derives as 1000 accounting"), refused.stderr)
        let garbage = directory + "/garbage"
        try "{}".write(toFile: garbage, atomically: true, encoding: .utf8)
        let malformed = try VFProcess.run(["proof", "check", garbage])
        XCTAssertNotEqual(malformed.status, 0)
        XCTAssertTrue(malformed.stderr.contains("is not a well-formed proof"), malformed.stderr)
    }
}
