import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFTestSupport
import XCTest

/// `vf resources`, `vf processes` and `vf agents` print a listing as JSON (`--json`), as JSON
/// lines (`--jsonl`) or as text, a part of it with `--limit` and `--after`; the parts put
/// together are the whole listing.
final class ListingCommandLineTests: XCTestCase {
    private var home = TemporaryDirectory?.none

    /// Runs `vf` on this test's home, which it makes first; fails the test when `vf` fails.
    @discardableResult
    private func vf(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> VFProcess.Result {
        if home == nil {
            let made = try TemporaryDirectory("vf-listing-cli")
            addTeardownBlock { made.remove() }
            home = made
        }
        let result = try VFProcess.run(arguments + ["--home", home!.path + "/home"])
        XCTAssertEqual(result.status, 0, "vf \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    private func objects(_ jsonLines: String) throws -> [[String: Any]] {
        try jsonLines.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    private func ids(_ jsonLines: String, _ key: String = "id") throws -> [String] {
        try objects(jsonLines).map { try XCTUnwrap($0[key] as? String) }
    }

    /// Publishes seven resources, three processes and a profile.
    @discardableResult
    private func populate() throws -> String {
        let me = try vf(["init"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var lines = [#"{"@type":"Person","@id":"\#(me)","name":"Miller \"Sam\""}"#]
        for n in 1 ... 7 {
            lines.append(#"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","resourceQuantity":{"hasNumericalValue":"\#(n)","hasUnit":"kg"},"newInventoriedResource":{"name":"crate \#(n)"}}"#)
        }
        for name in ["growing", "milling", "baking"] { lines.append(#"{"@type":"Process","name":"\#(name)"}"#) }
        let file = home!.path + "/lines.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try vf(["publish", "--lines", file])
        return me
    }

    func testJSONLinesLimitAndAfterPrintTheListingInParts() throws {
        try populate()
        let array = try vf(["resources", "--json"]).stdout
        let whole = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(array.utf8)) as? [[String: Any]])
        XCTAssertEqual(whole.count, 7)
        let lines = try vf(["resources", "--jsonl"]).stdout
        XCTAssertEqual(lines.split(separator: "\n").count, 7)
        XCTAssertTrue(lines.hasSuffix("}\n"))
        XCTAssertEqual(try ids(lines), whole.map { $0["id"] as! String }, "the same rows as --json, in the same order")
        XCTAssertEqual(whole.map { $0["name"] as? String }, (1 ... 7).map { "crate \($0)" }, "in the order this node first held them")
        // Each line is exactly the bytes of the array's item.
        XCTAssertEqual("[" + lines.split(separator: "\n").joined(separator: ",") + "]\n", array)

        // Three at a time, each part going on after the last id the one before printed.
        var parts: [String] = []
        var after: String?
        var hints: [String] = []
        repeat {
            let part = try vf(["resources", "--jsonl", "--limit", "3"] + (after.map { ["--after", $0] } ?? []))
            parts += try ids(part.stdout)
            hints.append(part.stderr)
            let printed = try ids(part.stdout)
            XCTAssertLessThanOrEqual(printed.count, 3)
            after = printed.count == 3 ? printed.last : nil
        } while after != nil && parts.count < 20
        XCTAssertEqual(parts, try ids(lines))
        XCTAssertTrue(hints[0].contains("--after \(parts[2])"), "a cut listing says where to go on: \(hints[0])")
        XCTAssertFalse(hints.last!.contains("--after"), "the last part says nothing more: \(hints.last!)")

        // --json with a limit is a JSON array of that part.
        let firstTwo = try vf(["resources", "--json", "--limit", "2"]).stdout
        let two = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(firstTwo.utf8)) as? [[String: Any]])
        XCTAssertEqual(two.map { $0["id"] as! String }, Array(parts.prefix(2)))
        let beyond = try vf(["resources", "--json", "--after", parts.last!]).stdout
        XCTAssertEqual(beyond, "[]\n")

        // Text: one resource a line, from the same place.
        let text = try vf(["resources", "--limit", "2", "--after", parts[1]]).stdout
        let textLines = text.split(separator: "\n")
        XCTAssertEqual(textLines.count, 2)
        XCTAssertTrue(textLines[0].hasPrefix(parts[2]) && textLines[1].hasPrefix(parts[3]), text)
        XCTAssertEqual(try vf(["resources", "--after", parts.last!]).stdout, "", "nothing after the last")
    }

    func testProcessesAndAgentsListInParts() throws {
        let me = try populate()
        let processes = try vf(["processes", "--jsonl"]).stdout
        XCTAssertEqual(try objects(processes).map { $0["name"] as? String }.count, 3)
        let first = try ids(try vf(["processes", "--jsonl", "--limit", "1"]).stdout)
        let rest = try ids(try vf(["processes", "--jsonl", "--after", first[0]]).stdout)
        XCTAssertEqual(first + rest, try ids(processes))
        let text = try vf(["processes", "--limit", "1", "--after", first[0]]).stdout
        XCTAssertTrue(text.hasPrefix(rest[0]), text)

        let agents = try objects(try vf(["agents", "--jsonl"]).stdout)
        XCTAssertEqual(agents.map { $0["id"] as? String }, [me])
        XCTAssertEqual(agents.first?["name"] as? String, "Miller \"Sam\"")
        XCTAssertEqual(try vf(["agents", "--jsonl", "--after", me]).stdout, "")
    }

    func testAListedProcessCarriesItsFirstHundredInputsAndVfProcessAllOfThem() throws {
        let me = try populate()
        let growing = try XCTUnwrap(try objects(try vf(["processes", "--jsonl"]).stdout).first { $0["name"] as? String == "growing" }?["id"] as? String)
        let work = (1 ... 101).map {
            #"{"@type":"EconomicEvent","action":"work","provider":"\#(me)","receiver":"\#(me)","effortQuantity":{"hasNumericalValue":"\#($0)","hasUnit":"hour"},"inputOf":"\#(growing)"}"#
        }
        let file = home!.path + "/work.jsonl"
        try work.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try vf(["publish", "--lines", file])

        let listed = try XCTUnwrap(try objects(try vf(["processes", "--jsonl"]).stdout).first { $0["id"] as? String == growing })
        XCTAssertEqual((listed["inputs"] as? [String])?.count, 100)
        XCTAssertEqual(listed["moreInputs"] as? Bool, true)
        XCTAssertEqual(listed["moreOutputs"] as? Bool, false)
        let text = try vf(["processes"]).stdout
        XCTAssertTrue(text.contains("  … more: vf process \(growing)"), text)
        XCTAssertEqual(text.components(separatedBy: "\n  in   ").count - 1, 100, "the listing shows the first hundred")

        let whole = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try vf(["process", growing, "--json"]).stdout.utf8)) as? [String: Any])
        let events = try XCTUnwrap(whole["events"] as? [[String: Any]])
        XCTAssertEqual(events.count, 101)
        XCTAssertEqual(events.compactMap { ($0["effortQuantity"] as? [String: Any])?["hasNumericalValue"] as? String }, (1 ... 101).map { "\($0)" },
                       "in the order they were recorded")
        XCTAssertEqual(Array(events.prefix(100).compactMap { $0["id"] as? String }), listed["inputs"] as? [String])
        XCTAssertEqual((whole["process"] as? [String: Any])?["id"] as? String, growing)
        XCTAssertEqual(try vf(["process", growing]).stdout.components(separatedBy: "\n  in   ").count - 1, 101)

        for (id, reason) in [("%" + String(repeating: "A", count: 43) + "=.vf1", "no process"), ("nonsense", "entry id")] {
            let refused = try VFProcess.run(["process", id, "--home", home!.path + "/home"])
            XCTAssertNotEqual(refused.status, 0)
            XCTAssertTrue(refused.stderr.contains(reason), refused.stderr)
        }
    }

    func testBadListingOptionsAreRefused() throws {
        try populate()
        for (arguments, reason) in [(["resources", "--json", "--jsonl"], "not both"), (["resources", "--limit", "0"], "at least 1"),
                                    (["resources", "--after", "nonsense"], "a resource id"),
                                    (["agents", "--after", "%abc.vf1res"], "an agent id"),
                                    (["processes", "--after", "@nonsense"], "an entry id")] {
            let result = try VFProcess.run(arguments + ["--home", home!.path + "/home"])
            XCTAssertNotEqual(result.status, 0, "vf \(arguments.joined(separator: " "))")
            XCTAssertTrue(result.stderr.contains(reason), "vf \(arguments.joined(separator: " ")): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
    }
}
