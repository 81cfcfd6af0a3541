import Foundation
import VFTestSupport
import XCTest

/// The supply chain end to end through the `vf` command, with two homes that share entries
/// only through bundles: the farm produces wheat and transfers it to the mill; the mill
/// consumes it and produces flour; tracing the flour at the mill reaches the farm's harvest.
final class SupplyChainCommandLineTests: CommandLineTestCase {
    private func json(_ result: VFProcess.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func event(_ action: String, _ provider: String, _ receiver: String, _ fields: String) -> String {
        #"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(provider)","receiver":"\#(receiver)",\#(fields)}"#
    }

    private func resourceID(named name: String, home: String) throws -> String {
        let resources = try json(vf("resources", "--home", home, "--json")) as! [[String: Any]]
        guard let id = resources.first(where: { $0["name"] as? String == name })?["id"] as? String else {
            throw XCTSkip("no resource named \(name) in \(home): \(resources)")
        }
        return id
    }

    func testPublishRefusesInvalidValueFlowsAndAcceptsOtherJSON() throws {
        let home = directory + "/a"
        let me = try vf("init", "--home", home).line
        let teleport = try VFProcess.run(["publish", "--home", home, event("teleport", me, me, #""note":"x""#)])
        XCTAssertEqual(teleport.status, 1)
        XCTAssertTrue(teleport.stderr.contains(#"unknown action "teleport""#), teleport.stderr)
        let unknown = try VFProcess.run(["publish", "--home", home, event("consume", me, me,
            #""resourceInventoriedAs":"%AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.vf1res""#)])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("which is not known"), unknown.stderr)
        try vf("publish", "--home", home, #"{"@type":"vf:Contact","name":"a friend"}"#)
        try vf("publish", "--home", home, #"{"any":"json"}"#)

        let lines = directory + "/lines.jsonl"
        try [#"{"@type":"Process","name":"p"}"#, #"{"n":2}"#, event("work", me, me, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"}"#),
             #"{"n":4}"#].joined(separator: "\n").write(toFile: lines, atomically: true, encoding: .utf8)
        let refused = try VFProcess.run(["publish", "--home", home, "--lines", lines])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("line 3: refused: work takes effortQuantity only"), refused.stderr)
        let log = try json(vf("log", "--home", home, "--json")) as! [[String: Any]]
        XCTAssertEqual(log.count, 4, "two single payloads and the two lines before the refused one")
    }

    func testPublishRefusesAQuantityInAnotherUnitThanItsSpecification() throws {
        let home = directory + "/a"
        let me = try vf("init", "--home", home).line
        let spec = try vf("publish", "--home", home, #"{"@type":"ResourceSpecification","name":"wheat","defaultUnitOfResource":"kg"}"#).line
        let grams = try VFProcess.run(["publish", "--home", home, event("produce", me, me,
            #""resourceQuantity":{"hasNumericalValue":"500","hasUnit":"g"},"newInventoriedResource":{"name":"wheat","conformsTo":"\#(spec)"}"#)])
        XCTAssertEqual(grams.status, 1)
        XCTAssertTrue(grams.stderr.contains("refused: resourceQuantity is in g but specification \(spec) (newInventoriedResource.conformsTo) counts in kg"), grams.stderr)
        let log = try json(vf("log", "--home", home, "--json")) as! [[String: Any]]
        XCTAssertEqual(log.count, 1, "only the specification")
    }

    func testFlourTracesBackToTheFarmsHarvestAcrossTwoHomes() throws {
        let farmHome = directory + "/farm", millHome = directory + "/mill"
        let farm = try vf("init", "--home", farmHome).line
        let mill = try vf("init", "--home", millHome).line

        // The farm grows wheat and sells 400 kg of it to the mill.
        let growing = try vf("publish", "--home", farmHome, #"{"@type":"Process","name":"growing"}"#).line
        let published = try json(vf("publish", "--home", farmHome, "--json", event("produce", farm, farm,
            #""resourceQuantity":{"hasNumericalValue":"1000","hasUnit":"kg"},"outputOf":"\#(growing)","newInventoriedResource":{"name":"wheat"}"#))) as! [String: Any]
        let harvest = try XCTUnwrap(published["id"] as? String)
        let wheat = try resourceID(named: "wheat", home: farmHome)
        XCTAssertEqual(published["createdResource"] as? String, wheat)
        try vf("publish", "--home", farmHome, event("transfer", farm, mill,
            #""resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)","newInventoriedResource":{"name":"mill wheat"}"#))

        // The entries travel in a bundle.
        let bundle = directory + "/farm.bundle"
        try vf("export", "--home", farmHome, "--out", bundle)
        try vf("import", "--home", millHome, bundle)
        let millWheat = try resourceID(named: "mill wheat", home: millHome)

        // The mill grinds it.
        let milling = try vf("publish", "--home", millHome, #"{"@type":"Process","name":"milling"}"#).line
        try vf("publish", "--home", millHome, event("consume", mill, mill,
            #""resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"},"resourceInventoriedAs":"\#(millWheat)","inputOf":"\#(milling)""#))
        let produceFlour = try vf("publish", "--home", millHome, event("produce", mill, mill,
            #""resourceQuantity":{"hasNumericalValue":"300.25","hasUnit":"kg"},"outputOf":"\#(milling)","newInventoriedResource":{"name":"flour"}"#)).line
        let flour = try resourceID(named: "flour", home: millHome)

        // Every ValueFlows entry the mill holds is applied.
        let log = try json(vf("log", "--home", millHome, "--json")) as! [[String: Any]]
        XCTAssertEqual(log.count, 6)
        XCTAssertEqual(log.compactMap { $0["status"] as? String }, Array(repeating: "applied", count: 6))

        // The flour's own state and the event that made it.
        let shown = try json(vf("resource", "--home", millHome, flour, "--json")) as! [String: Any]
        let resource = shown["resource"] as! [String: Any]
        XCTAssertEqual((resource["onhandQuantity"] as? [String: Any])?["hasNumericalValue"] as? String, "300.25")
        XCTAssertEqual((shown["events"] as! [[String: Any]]).map { $0["id"] as? String }, [produceFlour])

        // Trace: flour ← produce ← milling ← consume ← mill wheat ← transfer ← wheat ← harvest, signed by the farm.
        let trace = try json(vf("trace", "--home", millHome, flour, "--json")) as! [[String: Any]]
        let harvestStep = try XCTUnwrap(trace.first { $0["entryId"] as? String == harvest }, "\(trace)")
        XCTAssertEqual(harvestStep["author"] as? String, farm)
        XCTAssertEqual(harvestStep["sequence"] as? Int, 2)
        XCTAssertEqual(harvestStep["signatureVerified"] as? Bool, true)
        XCTAssertEqual(harvestStep["action"] as? String, "produce")
        XCTAssertTrue(trace.contains { $0["id"] as? String == growing }, "the trace reaches the farm's process")
        XCTAssertTrue(trace.contains { $0["type"] as? String == "event" && $0["author"] as? String == mill })

        // Track: the farm's wheat went into the flour.
        let track = try json(vf("track", "--home", millHome, wheat, "--json")) as! [[String: Any]]
        XCTAssertTrue(track.contains { $0["id"] as? String == flour }, "\(track)")

        // Listings, a rebuild that changes nothing, and the JSON-LD export.
        let processes = try json(vf("processes", "--home", millHome, "--json")) as! [[String: Any]]
        XCTAssertEqual(Set(processes.compactMap { $0["name"] as? String }), ["growing", "milling"])
        let agents = try json(vf("agents", "--home", millHome, "--json")) as! [[String: Any]]
        XCTAssertEqual(Set(agents.compactMap { $0["id"] as? String }), [farm, mill])
        let before = try vf("resources", "--home", millHome, "--json").stdout
        try vf("graph", "rebuild", "--home", millHome)
        XCTAssertEqual(try vf("resources", "--home", millHome, "--json").stdout, before)
        let exported = directory + "/graph.jsonld"
        try vf("export", "--home", millHome, "--format", "jsonld", "--out", exported)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: exported))) as! [String: Any]
        let nodes = document["@graph"] as! [[String: Any]]
        XCTAssertEqual(nodes.filter { $0["@type"] as? String == "EconomicEvent" }.count, 4)
        XCTAssertTrue(nodes.contains { $0["@id"] as? String == flour })
    }
}

private extension VFProcess.Result {
    var line: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
}
