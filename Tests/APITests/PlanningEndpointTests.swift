import Foundation
import VFAPI
import VFProof
import VFLog
import XCTest

/// The planning listings over the API: what is open, how far each commitment has come, who
/// has signed each agreement; a page at a time.
final class PlanningEndpointTests: XCTestCase {
    var node: APITestNode!

    override func setUp() async throws { node = try await APITestNode() }
    override func tearDown() async throws { await node.stop() }

    private func id(_ response: RawHTTPClient.Response, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        XCTAssertEqual(response.status, 201, response.text, file: file, line: line)
        return try XCTUnwrap(response.object["id"] as? String, file: file, line: line)
    }

    func testNeedsCommitmentsAgreementsAndPlans() async throws {
        let me = node.me
        let mill = try id(try await node.publish(["@type": "Organization", "name": "the mill"]))
        let plan = try id(try await node.publish(["@type": "Plan", "name": "spring milling"]))
        let need = try id(try await node.publish(["@type": "Intent", "action": "transfer", "receiver": mill, "plannedWithin": plan,
                                                  "resourceQuantity": ["hasNumericalValue": "400", "hasUnit": "kg"]]))
        let offer = try id(try await node.publish(["@type": "Intent", "action": "transfer", "provider": me,
                                                   "resourceQuantity": ["hasNumericalValue": "50", "hasUnit": "kg"], "finished": true]))
        let commitment = try id(try await node.publish(["@type": "Commitment", "action": "transfer", "provider": me, "receiver": mill,
                                                        "resourceQuantity": ["hasNumericalValue": "400", "hasUnit": "kg"],
                                                        "satisfies": [need], "plannedWithin": plan]))
        let agreement = try id(try await node.publish(["@type": "Agreement", "name": "wheat", "stipulates": [commitment]]))

        let needs = try await node.client.get("/api/needs")
        XCTAssertEqual(needs.status, 200, needs.text)
        XCTAssertEqual(needs.items.map { $0["id"] as? String }, [need])
        XCTAssertEqual(needs.items.first?["promised"] as? String, "400")
        XCTAssertTrue(needs.object["next"] is NSNull)
        let offers = try await node.client.get("/api/offers")
        XCTAssertEqual(offers.items.count, 0, "the only offer is finished: \(offer)")

        let commitments = try await node.client.get("/api/commitments?open=true")
        XCTAssertEqual(commitments.items.map { $0["id"] as? String }, [commitment])
        XCTAssertEqual(commitments.items.first?["done"] as? String, "0")
        XCTAssertEqual(commitments.items.first?["finished"] as? Bool, false)

        let agreements = try await node.client.get("/api/agreements")
        XCTAssertEqual(agreements.items.first?["id"] as? String, agreement)
        XCTAssertEqual(agreements.items.first?["inForce"] as? Bool, true, "this node answers for both parties")

        let plans = try await node.client.get("/api/plans")
        XCTAssertEqual(plans.items.first?["id"] as? String, plan)
        XCTAssertEqual(Set((plans.items.first?["members"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }), [need, commitment])
        XCTAssertEqual(plans.items.first?["finished"] as? Int, 0)

        let claims = try await node.client.get("/api/claims")
        XCTAssertEqual(claims.status, 200, claims.text)
        XCTAssertEqual(claims.items.count, 0)

        // One at a time: two intents, one kept, paged past.
        let page = try await node.client.get("/api/commitments?limit=1")
        XCTAssertEqual(page.items.count, 1)
        XCTAssertTrue(page.object["next"] is NSNull)

        for bad in ["/api/commitments?open=maybe", "/api/needs?after=nope", "/api/offers?q=wheat"] {
            let refused = try await node.client.get(bad)
            XCTAssertEqual(refused.status, 400, "\(bad): \(refused.text)")
        }

        // A process of the plan, with a commitment to produce 10 kg of flour, fulfilled.
        let milling = try id(try await node.publish(["@type": "Process", "name": "milling", "plannedWithin": plan]))
        let flour = try id(try await node.publish(["@type": "Commitment", "action": "produce", "provider": me, "receiver": me,
                                                   "outputOf": milling, "resourceQuantity": ["hasNumericalValue": "10", "hasUnit": "kg"]]))
        let refusedProcess = try await node.publish(["@type": "Process", "name": "baking", "plannedWithin": need])
        XCTAssertEqual(refusedProcess.status, 422, refusedProcess.text)
        XCTAssertTrue(refusedProcess.text.contains("plannedWithin refers to \(need), which is an Intent, not a Plan"), refusedProcess.text)
        var planned = try await node.client.get("/api/plans")
        var process = try XCTUnwrap((planned.items.first?["processes"] as? [[String: Any]])?.first)
        XCTAssertEqual(process["id"] as? String, milling)
        XCTAssertEqual((process["outputs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [flour])
        XCTAssertEqual((process["inputs"] as? [[String: Any]])?.count, 0)
        XCTAssertEqual(process["finished"] as? Bool, false)
        _ = try id(try await node.publish(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "outputOf": milling,
                                           "resourceQuantity": ["hasNumericalValue": "10", "hasUnit": "kg"],
                                           "newInventoriedResource": ["name": "flour"], "fulfills": flour]))
        planned = try await node.client.get("/api/plans")
        process = try XCTUnwrap((planned.items.first?["processes"] as? [[String: Any]])?.first)
        XCTAssertEqual(process["finished"] as? Bool, true)
        XCTAssertEqual((process["outputs"] as? [[String: Any]])?.first?["done"] as? String, "10")

        // The commitments that promise the need.
        let promising = try await node.client.get("/api/progress/\(pathSegment(need))/commitments")
        XCTAssertEqual(promising.items.compactMap { $0["id"] as? String }, [commitment], promising.text)
        let notAnIntent = try await node.client.get("/api/progress/\(pathSegment(commitment))/commitments")
        XCTAssertEqual(notAnIntent.status, 404, notAnIntent.text)

        // The plan's members and processes, a page at a time.
        let members = try await node.client.get("/api/plans/\(pathSegment(plan))/members?limit=1")
        XCTAssertEqual(members.status, 200, members.text)
        XCTAssertEqual(members.items.count, 1)
        let rest = try await node.client.get("/api/plans/\(pathSegment(plan))/members?after=\(try XCTUnwrap(members.object["next"] as? String))")
        let paged: [String] = (members.items + rest.items).compactMap { $0["id"] as? String }
        let expected: [EntryID] = try [need, commitment].map { try EntryID(parsing: $0) }.sorted()
        XCTAssertEqual(paged, expected.map(\.description), "each once, in id order")
        XCTAssertTrue(rest.object["next"] is NSNull, rest.text)
        let processes = try await node.client.get("/api/plans/\(pathSegment(plan))/processes")
        XCTAssertEqual(processes.items.compactMap { $0["id"] as? String }, [milling])
        XCTAssertEqual(processes.items.first?["finished"] as? Bool, true)
        // Plans and a plan's processes hold lists of lists: a page of them holds at most 10.
        let ten = try await node.client.get("/api/plans?limit=10")
        XCTAssertEqual(ten.status, 200)
        for (path, status) in [("/api/plans/\(pathSegment(milling))/members", 404), ("/api/plans/nope/processes", 400),
                               ("/api/plans?limit=11", 400), ("/api/plans/\(pathSegment(plan))/processes?limit=11", 400)] {
            let refused = try await node.client.get(path)
            XCTAssertEqual(refused.status, status, "\(path): \(refused.text)")
        }

        // A process's planned flows.
        let plannedOutputs = try await node.client.get("/api/processes/\(pathSegment(milling))/planned-outputs")
        XCTAssertEqual(plannedOutputs.items.compactMap { $0["id"] as? String }, [flour], plannedOutputs.text)
        let plannedInputs = try await node.client.get("/api/processes/\(pathSegment(milling))/planned-inputs")
        XCTAssertEqual(plannedInputs.status, 200, plannedInputs.text)
        XCTAssertEqual(plannedInputs.items.count, 0)
        let notAProcess = try await node.client.get("/api/processes/\(pathSegment(plan))/planned-inputs")
        XCTAssertEqual(notAProcess.status, 404, notAProcess.text)

        // One flow, with the events that count for it, a page at a time.
        let one = try await node.client.get("/api/progress/\(pathSegment(flour))?limit=1")
        XCTAssertEqual(one.status, 200, one.text)
        XCTAssertEqual((one.object["progress"] as? [String: Any])?["done"] as? String, "10")
        XCTAssertEqual((one.object["events"] as? [[String: Any]])?.compactMap { $0["action"] as? String }, ["produce"])
        XCTAssertTrue(one.object["next"] is NSNull, one.text)
        let more = try id(try await node.publish(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "outputOf": milling,
                                                  "resourceQuantity": ["hasNumericalValue": "2", "hasUnit": "kg"],
                                                  "newInventoriedResource": ["name": "more flour"], "fulfills": flour]))
        let first = try await node.client.get("/api/progress/\(pathSegment(flour))?limit=1")
        let next = try XCTUnwrap(first.object["next"] as? String, first.text)
        let second = try await node.client.get("/api/progress/\(pathSegment(flour))?limit=1&after=\(next)")
        XCTAssertEqual((second.object["events"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [more])
        XCTAssertEqual((second.object["progress"] as? [String: Any])?["done"] as? String, "12")
        XCTAssertTrue(second.object["next"] is NSNull, second.text)
        for (path, status) in [("/api/progress/\(pathSegment(plan))", 404), ("/api/progress/nope", 400),
                               ("/api/progress/\(pathSegment(flour))?after=zz", 400)] {
            let refused = try await node.client.get(path)
            XCTAssertEqual(refused.status, status, "\(path): \(refused.text)")
        }
    }
}

/// `GET /api/proof/{id}`: the file `vf prove` writes, which holds when checked.
final class ProofEndpointTests: XCTestCase {
    func testAProofOfAResourceIsServedAndHolds() async throws {
        let node = try await APITestNode()
        let me = node.me
        let produced = try await node.publish(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
                                               "resourceQuantity": ["hasNumericalValue": "10", "hasUnit": "kg"],
                                               "newInventoriedResource": ["name": "flour"]])
        XCTAssertEqual(produced.status, 201, produced.text)
        let resource = try XCTUnwrap((produced.object["createdResource"] as? String) ?? (produced.object["event"] as? [String: Any])?["createdResource"] as? String,
                                     produced.text)
        let answer = try await node.client.get("/api/proof/" + (resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? resource))
        XCTAssertEqual(answer.status, 200, answer.text)
        let proof = try ProofFile.decode(answer.body)
        XCTAssertEqual(ProofCheck.check(proof).failures, [])
        XCTAssertEqual(proof.resources.first?.onhandQuantity.description, "10")
        let unknown = try await node.client.get("/api/proof/%25" + String(repeating: "A", count: 43) + "%3D.vf1res")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        await node.stop()
    }
}
