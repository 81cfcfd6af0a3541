import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFTestSupport
import XCTest

/// Every graph command prints the same whether it answers from graph.sqlite (the tables are
/// current) or derives the graph from the log (graph.sqlite deleted before each run).
final class TablesAnswerCommandsTests: XCTestCase {
    private var home = ""

    override func setUpWithError() throws {
        home = NSTemporaryDirectory() + "vf-tables-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    @discardableResult
    private func vf(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try VFProcess.run(arguments + ["--home", home])
        XCTAssertEqual(result.status, 0, "vf \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result.stdout
    }

    private func publish(_ json: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(vf(["publish", "--json", json]).utf8)) as! [String: Any]
    }

    private func removeGraphStore() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home + "/graph.sqlite" + suffix) }
    }

    func testCommandsPrintTheSameFromTheTablesAsFromTheLog() throws {
        let me = try vf(["init"]).trimmingCharacters(in: .whitespacesAndNewlines)
        func event(_ action: String, _ fields: String) -> String {
            #"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(me)","receiver":"\#(me)",\#(fields)}"#
        }
        try vf(["publish", #"{"@type":"Person","@id":"\#(me)","name":"Miller Sam"}"#])
        let spec = try publish(#"{"@type":"ResourceSpecification","name":"grain","defaultUnitOfResource":"kg"}"#)["id"] as! String
        let growing = try publish(#"{"@type":"Process","name":"growing"}"#)["id"] as! String
        let harvest = try publish(event("produce", #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"outputOf":"\#(growing)","hasPointInTime":"2029-01-01T00:00:00Z","newInventoriedResource":{"name":"wheat","conformsTo":"\#(spec)"}"#))
        let wheat = harvest["createdResource"] as! String
        let milling = try publish(#"{"@type":"Process","name":"milling"}"#)["id"] as! String
        _ = try publish(event("consume", #""resourceQuantity":{"hasNumericalValue":"40","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)","inputOf":"\#(milling)""#))
        _ = try publish(event("work", #""effortQuantity":{"hasNumericalValue":"2.5","hasUnit":"hour"},"inputOf":"\#(milling)""#))
        let flour = try publish(event("produce", #""resourceQuantity":{"hasNumericalValue":"30.25","hasUnit":"kg"},"outputOf":"\#(milling)","newInventoriedResource":{"name":"flour"}"#))["createdResource"] as! String
        try vf(["publish", #"{"note":"not ValueFlows"}"#])
        // vf publish left the tables current: the ValueFlows payloads by writing their rows,
        // the note by moving the cursor past it.
        XCTAssertTrue(try GraphStore(home: NodeHome(path: home)).isCurrent(with: NodeHome(path: home).openStore()))
        let jsonld = home + "/graph.jsonld"

        let commands: [[String]] = [
            ["resources"], ["resources", "--json"], ["resource", flour], ["resource", wheat, "--json"],
            ["trace", flour], ["trace", flour, "--json"], ["track", wheat], ["track", harvest["id"] as! String, "--json"],
            ["processes"], ["processes", "--json"], ["agents"], ["agents", "--json"], ["log", "--json"],
            ["export", "--format", "jsonld", "--out", jsonld],
        ]
        func outputs() throws -> [String] {
            try commands.map { command in
                let printed = try vf(command)
                return command.first == "export" ? try String(contentsOfFile: jsonld, encoding: .utf8) : printed
            }
        }

        try vf(["graph", "rebuild"])
        let fromTables = try outputs()
        var derived = [String]()
        for command in commands {
            removeGraphStore()
            let printed = try vf(command)
            derived.append(command.first == "export" ? try String(contentsOfFile: jsonld, encoding: .utf8) : printed)
        }
        for (index, command) in commands.enumerated() {
            XCTAssertEqual(fromTables[index], derived[index], "vf \(command.joined(separator: " "))")
            XCTAssertFalse(fromTables[index].isEmpty, "vf \(command.joined(separator: " ")) printed something")
        }
        XCTAssertTrue(fromTables[1].contains("30.25"), fromTables[1])
        XCTAssertTrue(fromTables[5].contains(harvest["id"] as! String), "the flour traces back to the harvest")
        XCTAssertEqual(fromTables[12].components(separatedBy: "\"status\":\"applied\"").count - 1, 8,
                       "vf log --json: eight ValueFlows entries, all applied: \(fromTables[12])")
    }
}
