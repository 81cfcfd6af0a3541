import Foundation
import VFTestSupport
import XCTest

/// The offers and needs board and the commitments, through `vf` as a user runs it: the mill
/// posts a need, the farm an offer and a commitment it then fulfils in part.
final class PlanningCommandLineTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-board-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    @discardableResult
    private func vf(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> VFProcess.Result {
        let result = try VFProcess.run(arguments)
        XCTAssertEqual(result.status, 0, "vf \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    private func publish(_ home: String, _ json: String) throws -> String {
        let out = try vf(["publish", "--home", home, "--json", json]).stdout
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        return try XCTUnwrap(object["createdResource"] as? String ?? object["id"] as? String)
    }

    private func rows(_ home: String, _ command: String) throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try vf([command, "--home", home, "--json"]).stdout.utf8)) as? [[String: Any]])
    }

    func testTheBoardShowsWhatIsOpenAndHowFarEachCommitmentHasCome() throws {
        // One home holds both sides' entries: the mill's need is posted by an agent without a
        // node of its own (a Person entry), as a group might record for a member.
        let home = directory + "/farm"
        let me = try vf(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let mill = try publish(home, #"{"@type":"Organization","name":"the mill"}"#)
        let wheat = try publish(home, #"{"@type":"EconomicEvent","action":"raise","provider":"\#(me)","receiver":"\#(me)","resourceQuantity":{"hasNumericalValue":"1000","hasUnit":"kg"},"newInventoriedResource":{"name":"wheat"}}"#)
        let need = try publish(home, #"{"@type":"Intent","action":"transfer","receiver":"\#(mill)","resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"},"name":"wheat for milling"}"#)
        let offer = try publish(home, #"{"@type":"Intent","action":"transfer","provider":"\#(me)","resourceQuantity":{"hasNumericalValue":"600","hasUnit":"kg"},"name":"wheat"}"#)
        _ = try publish(home, #"{"@type":"Proposal","purpose":"offer","publishes":"\#(offer)"}"#)
        let commitment = try publish(home, #"{"@type":"Commitment","action":"transfer","provider":"\#(me)","receiver":"\#(mill)","resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"},"satisfies":["\#(need)","\#(offer)"]}"#)

        XCTAssertEqual(try rows(home, "offers").map { $0["id"] as? String }, [offer])
        XCTAssertEqual(try rows(home, "needs").map { $0["id"] as? String }, [need])
        let needRow = try XCTUnwrap(try rows(home, "needs").first)
        XCTAssertEqual(needRow["promised"] as? String, "400")
        XCTAssertEqual(needRow["done"] as? String, "0")

        // The farm delivers 150 kg under the commitment, then the rest: the need and the
        // commitment are done, the offer stays open (600 kg offered, nothing delivered against it).
        let transfer = #"{"@type":"EconomicEvent","action":"transfer","provider":"\#(me)","receiver":"\#(mill)","resourceInventoriedAs":"\#(wheat)","newInventoriedResource":{"name":"mill wheat"},"fulfills":"\#(commitment)","satisfies":"\#(need)","resourceQuantity":{"hasNumericalValue":"AMOUNT","hasUnit":"kg"}}"#
        _ = try publish(home, transfer.replacingOccurrences(of: "AMOUNT", with: "150"))
        var committed = try XCTUnwrap(try rows(home, "commitments").first)
        XCTAssertEqual(committed["done"] as? String, "150")
        XCTAssertEqual(committed["finished"] as? Bool, false)
        XCTAssertTrue(try vf(["commitments", "--home", home]).stdout.contains("150 done, open"))
        _ = try publish(home, transfer.replacingOccurrences(of: "AMOUNT", with: "250"))
        committed = try XCTUnwrap(try rows(home, "commitments").first)
        XCTAssertEqual(committed["done"] as? String, "400")
        XCTAssertEqual(committed["finished"] as? Bool, true)
        XCTAssertEqual((committed["events"] as? [String])?.count, 2)
        // One commitment with every event that counts.
        let shown = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try vf(["progress", commitment, "--json", "--home", home]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual((shown["events"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, committed["events"] as? [String])
        XCTAssertEqual((shown["progress"] as? [String: Any])?["done"] as? String, "400")
        XCTAssertTrue(try vf(["progress", commitment, "--home", home]).stdout.contains("400 done, finished"))
        let needShown = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try vf(["progress", need, "--json", "--home", home]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual((needShown["commitments"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [commitment])
        XCTAssertTrue(try vf(["progress", need, "--home", home]).stdout.contains("  promised by \(commitment)"))
        let notPlanned = try VFProcess.run(["progress", wheat, "--home", home])
        XCTAssertNotEqual(notPlanned.status, 0, "a resource id is not an entry id")
        let notAFlow = try VFProcess.run(["progress", mill, "--home", home])
        XCTAssertTrue(notAFlow.stderr.contains("no intent, commitment or claim"), notAFlow.stderr)

        XCTAssertEqual(try rows(home, "commitments").count, 1)
        XCTAssertTrue(try vf(["commitments", "--open", "--home", home]).stdout.contains("no commitments"))
        XCTAssertEqual(try rows(home, "needs").count, 0, "the need is met")
        XCTAssertEqual(try rows(home, "offers").map { $0["id"] as? String }, [offer])

        // An agreement between this node and an agent it describes: this node answers for both
        // parties, and signed it by publishing it, so it is in force at once.
        let agreement = try publish(home, #"{"@type":"Agreement","name":"wheat","stipulates":"\#(commitment)"}"#)
        XCTAssertEqual(try rows(home, "agreements").first?["inForce"] as? Bool, true)
        let refusedAgree = try VFProcess.run(["agree", agreement, "--home", home])
        XCTAssertEqual(refusedAgree.status, 1)
        XCTAssertTrue(refusedAgree.stderr.contains("signed agreement \(agreement) already"), refusedAgree.stderr)
        let stranger = try VFProcess.run(["agree", agreement, "--home", directory + "/mill-only"])
        XCTAssertNotEqual(stranger.status, 0, "a home that does not hold the agreement cannot sign it")

        // A plan with one commitment and one process: vf plan shows them all.
        let plan = try publish(home, #"{"@type":"Plan","name":"harvest"}"#)
        let help = try publish(home, #"{"@type":"Commitment","action":"work","provider":"\#(me)","receiver":"\#(mill)","effortQuantity":{"hasNumericalValue":"8","hasUnit":"hour"},"plannedWithin":"\#(plan)"}"#)
        let threshing = try publish(home, #"{"@type":"Process","name":"threshing","plannedWithin":"\#(plan)"}"#)
        let planJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try vf(["plan", plan, "--json", "--home", home]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual((planJSON["members"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [help])
        XCTAssertEqual((planJSON["processes"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [threshing])
        XCTAssertEqual((planJSON["plan"] as? [String: Any])?["id"] as? String, plan)
        let planText = try vf(["plan", plan, "--home", home]).stdout
        XCTAssertTrue(planText.hasPrefix("\(plan)  Plan \"harvest\": 0 of 1 finished"), planText)
        XCTAssertTrue(planText.contains("  process \(threshing) \"threshing\""), planText)
        let notAPlan = try VFProcess.run(["plan", help, "--home", home])
        XCTAssertTrue(notAPlan.stderr.contains("no plan \(help)"), notAPlan.stderr)

        // A reference to something unknown is refused, and nothing is appended.
        let unknown = "%" + String(repeating: "A", count: 43) + "=.vf1"
        let refused = try VFProcess.run(["publish", "--home", home, #"{"@type":"Agreement","stipulates":["\#(unknown)"]}"#])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("stipulates refers to \(unknown), which is not known"), refused.stderr)
    }

    /// Two nodes: the farm commits to deliver to the mill and proposes the agreement; the mill,
    /// having received the farm's feed, signs it with `vf agree`; the agreement is in force.
    func testTheOtherPartySignsWithVfAgree() throws {
        let farmHome = directory + "/farm", millHome = directory + "/mill"
        let farm = try vf(["init", "--home", farmHome]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let mill = try vf(["init", "--home", millHome]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commitment = try publish(farmHome, #"{"@type":"Commitment","action":"transfer","provider":"\#(farm)","receiver":"\#(mill)","resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"}}"#)
        let agreement = try publish(farmHome, #"{"@type":"Agreement","name":"wheat for the mill","stipulates":["\#(commitment)"]}"#)
        let bundle = directory + "/farm.vfb"
        try vf(["export", "--home", farmHome, "--out", bundle])
        try vf(["import", "--home", millHome, bundle])

        var rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try vf(["agreements", "--home", millHome, "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["inForce"] as? Bool, false)
        XCTAssertEqual(rows.first?["signedBy"] as? [String], [farm])
        XCTAssertTrue(try vf(["agreements", "--home", millHome]).stdout.contains("waiting for \(mill)"))

        try vf(["agree", agreement, "--home", millHome])
        rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try vf(["agreements", "--home", millHome, "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["inForce"] as? Bool, true)
        XCTAssertEqual(Set(rows.first?["signedBy"] as? [String] ?? []), [farm, mill])
        let bakeryHome = directory + "/bakery"
        try vf(["init", "--home", bakeryHome])
        try vf(["import", "--home", bakeryHome, bundle])
        let notAParty = try VFProcess.run(["agree", agreement, "--home", bakeryHome])
        XCTAssertEqual(notAParty.status, 1)
        XCTAssertTrue(notAParty.stderr.contains("is not a provider or receiver"), notAParty.stderr)
        let again = try VFProcess.run(["agree", agreement, "--home", millHome])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("signed agreement \(agreement) already"), again.stderr)
    }

    /// The mill declines the farm's proposal with `vf withdraw`: the agreement is withdrawn for
    /// good, and neither party can sign or withdraw it again; one in force cannot be withdrawn.
    func testAPartyWithdrawsAnAgreementBeforeItIsInForce() throws {
        let farmHome = directory + "/farm", millHome = directory + "/mill"
        let farm = try vf(["init", "--home", farmHome]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let mill = try vf(["init", "--home", millHome]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commitment = try publish(farmHome, #"{"@type":"Commitment","action":"transfer","provider":"\#(farm)","receiver":"\#(mill)","resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"}}"#)
        let declined = try publish(farmHome, #"{"@type":"Agreement","name":"first offer","stipulates":["\#(commitment)"]}"#)
        let signed = try publish(farmHome, #"{"@type":"Agreement","name":"second offer","stipulates":["\#(commitment)"]}"#)
        let bundle = directory + "/farm.vfb"
        try vf(["export", "--home", farmHome, "--out", bundle])
        try vf(["import", "--home", millHome, bundle])

        try vf(["withdraw", declined, "--home", millHome])
        try vf(["agree", signed, "--home", millHome])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try vf(["agreements", "--home", millHome, "--json"]).stdout.utf8)) as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as? String ?? "", $0) })
        XCTAssertEqual(byID[declined]?["withdrawnBy"] as? String, mill)
        XCTAssertEqual(byID[declined]?["inForce"] as? Bool, false)
        XCTAssertEqual(byID[signed]?["inForce"] as? Bool, true)
        XCTAssertTrue(byID[signed]?["withdrawnBy"] is NSNull)
        XCTAssertNotNil(byID[signed]?["inForceSince"] as? String)
        XCTAssertTrue(try vf(["agreements", "--home", millHome]).stdout.contains("withdrawn by \(mill)"))

        let signWithdrawn = try VFProcess.run(["agree", declined, "--home", millHome])
        XCTAssertEqual(signWithdrawn.status, 1)
        XCTAssertTrue(signWithdrawn.stderr.contains("was withdrawn by \(mill)"), signWithdrawn.stderr)
        let again = try VFProcess.run(["withdraw", declined, "--home", millHome])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("withdrawn already"), again.stderr)
        let inForce = try VFProcess.run(["withdraw", signed, "--home", millHome])
        XCTAssertEqual(inForce.status, 1)
        XCTAssertTrue(inForce.stderr.contains("is in force"), inForce.stderr)
        let bakeryHome = directory + "/bakery"
        try vf(["init", "--home", bakeryHome])
        try vf(["import", "--home", bakeryHome, bundle])
        let stranger = try VFProcess.run(["withdraw", declined, "--home", bakeryHome])
        XCTAssertEqual(stranger.status, 1)
        XCTAssertTrue(stranger.stderr.contains("neither proposed"), stranger.stderr)
    }

    func testOfferAndNeedPublishAnIntentWithAProposal() throws {
        let home = directory + "/market"
        let me = try vf(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let out = try vf(["offer", "400", "kg", "--name", "wheat", "--in-return", "35 EUR", "--json", "--home", home]).stdout
        let offer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String])
        let offers = try rows(home, "offers")
        XCTAssertEqual(offers.map { $0["id"] as? String }, [offer["intent"]])
        XCTAssertEqual(offers.first?["provider"] as? String, me)
        XCTAssertEqual(offers.first?["name"] as? String, "wheat")
        XCTAssertEqual((offers.first?["quantity"] as? [String: String])?["hasUnit"], "kg")
        // What is asked in return is an intent with this node as receiver: a need of its own.
        XCTAssertEqual(try rows(home, "needs").map { $0["id"] as? String }, [offer["reciprocal"]])

        try vf(["need", "3", "hour", "--action", "work", "--name", "help at harvest", "--home", home])
        let needs = try rows(home, "needs")
        let help = try XCTUnwrap(needs.first { $0["name"] as? String == "help at harvest" })
        XCTAssertEqual((help["quantity"] as? [String: String])?["hasNumericalValue"], "3")
        XCTAssertEqual(help["receiver"] as? String, me)

        let bad = try VFProcess.run(["offer", "1", "kg", "--action", "teleport", "--home", home])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown action"), bad.stderr)
    }
}
