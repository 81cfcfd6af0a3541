import Foundation
import VFAPI
import VFGraphStore
import VFLog
import VFPeer
import XCTest

/// Every GET endpoint, after a produce and a transfer published through the API.
final class ReadEndpointTests: XCTestCase {
    var node: APITestNode!
    var produce: [String: Any] = [:]
    var transfer: [String: Any] = [:]
    var wheat = ""
    var received = ""
    var growing = ""
    let other = SigningKeyFactory.otherFeed()

    override func setUp() async throws {
        node = try await APITestNode()
        let profile = try await node.publish(["@type": "Person", "@id": node.me, "name": "Farm"])
        XCTAssertEqual(profile.status, 201, profile.text)
        growing = try await node.publishProcess("growing")
        let p = try await node.publish(node.producePayload(outputOf: growing))
        XCTAssertEqual(p.status, 201, p.text)
        produce = p.object
        wheat = try XCTUnwrap(produce["createdResource"] as? String)
        let t = try await node.publish(node.transferPayload(of: wheat, to: other, "4"))
        XCTAssertEqual(t.status, 201, t.text)
        transfer = t.object
        received = try XCTUnwrap(transfer["createdResource"] as? String)
    }

    override func tearDown() async throws { await node.stop() }

    /// An entry whose payload this node forgot: `payload` null, `forgotten` true, and the
    /// transfer of the resource it created pending, saying why.
    func testAForgottenPayloadIsShownAsForgottenAndItsDependentAsPendingWithTheReason() async throws {
        let id = try XCTUnwrap(produce["id"] as? String)
        let before = try await node.client.get("/api/entries/\(id)")
        XCTAssertEqual(before.object["forgotten"] as? Bool, false, before.text)
        _ = try XCTUnwrap(try node.log.forget(try EntryID(parsing: id)))
        try GraphStore(path: node.home.path + "/graph.sqlite").rebuild(from: node.log)
        let entry = try await node.client.get("/api/entries/\(id)")
        XCTAssertEqual(entry.status, 200, entry.text)
        XCTAssertEqual(entry.object["forgotten"] as? Bool, true, entry.text)
        XCTAssertTrue(entry.object["payload"] is NSNull, entry.text)
        XCTAssertTrue(entry.object["status"] is NSNull, "not in the graph any more: \(entry.text)")
        let dependent = try await node.client.get("/api/entries/\(try XCTUnwrap(transfer["id"] as? String))")
        XCTAssertEqual(dependent.object["status"] as? String, "pending", dependent.text)
        XCTAssertEqual(dependent.object["reason"] as? String,
                       "resourceInventoriedAs refers to resource \(wheat), created by \(id), whose payload this node forgot (vf forget)")
        XCTAssertEqual(dependent.object["forgotten"] as? Bool, false)
    }

    func testNodeAndFeeds() async throws {
        let info = try await node.client.get("/api/node")
        XCTAssertEqual(info.status, 200, info.text)
        XCTAssertEqual(info.object["id"] as? String, node.me)
        XCTAssertEqual(info.object["network"] as? String, "default")
        XCTAssertTrue(info.object["peerAddress"] is NSNull)

        let feeds = try await node.client.get("/api/feeds")
        XCTAssertEqual(feeds.status, 200, feeds.text)
        XCTAssertEqual(feeds.items.count, 1)
        XCTAssertTrue(feeds.object["next"] is NSNull, feeds.text)
        let mine = try XCTUnwrap(feeds.items.first)
        XCTAssertEqual(mine["author"] as? String, node.me)
        XCTAssertEqual(mine["sequence"] as? Int, 4)
        XCTAssertEqual(mine["name"] as? String, "Farm")
        XCTAssertEqual(mine["forked"] as? Bool, false)
        XCTAssertEqual(mine["self"] as? Bool, true)
    }

    func testEntriesOfAFeedPageByPage() async throws {
        let feed = pathSegment(node.me)
        let first = try await node.client.get("/api/feeds/\(feed)/entries?from=1&limit=2")
        XCTAssertEqual(first.status, 200, first.text)
        let entries = try XCTUnwrap(first.object["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["sequence"] as? Int }, [1, 2])
        XCTAssertEqual(first.object["next"] as? Int, 3)
        XCTAssertEqual(entries[1]["id"] as? String, growing)
        XCTAssertEqual(entries[1]["status"] as? String, "applied")
        XCTAssertTrue(entries[1]["createdResource"] is NSNull)
        XCTAssertEqual(entries[1]["previous"] as? String, entries[0]["id"] as? String)
        XCTAssertTrue(entries[0]["previous"] is NSNull)
        for key in ["id", "author", "sequence", "timestamp", "previous", "payload", "signatureVerified", "status", "reason", "createdResource", "forgotten"] {
            XCTAssertNotNil(entries[1][key], "entry has \(key)")
        }
        let last = try await node.client.get("/api/feeds/\(feed)/entries?from=3")
        let lastEntries = try XCTUnwrap(last.object["entries"] as? [[String: Any]])
        XCTAssertEqual(lastEntries.map { $0["sequence"] as? Int }, [3, 4])
        XCTAssertEqual(lastEntries[0]["createdResource"] as? String, wheat)
        XCTAssertTrue(last.object["next"] is NSNull, last.text)
        // The id may also come unencoded, as it is printed.
        let raw = try await node.client.get("/api/feeds/\(node.me)/entries")
        XCTAssertEqual((raw.object["entries"] as? [[String: Any]])?.count, 4, raw.text)

        let badLimit = try await node.client.get("/api/feeds/\(feed)/entries?limit=501")
        XCTAssertEqual(badLimit.status, 400, badLimit.text)
        let notAFeed = try await node.client.get("/api/feeds/nonsense/entries")
        XCTAssertEqual(notAFeed.status, 400, notAFeed.text)
        let unknown = try await node.client.get("/api/feeds/\(pathSegment(other))/entries")
        XCTAssertEqual(unknown.status, 404, unknown.text)
    }

    func testOneEntryWithItsSignatureChecked() async throws {
        let id = try XCTUnwrap(transfer["id"] as? String)
        let entry = try await node.client.get("/api/entries/\(pathSegment(id))")
        XCTAssertEqual(entry.status, 200, entry.text)
        XCTAssertEqual(entry.object["id"] as? String, id)
        XCTAssertEqual(entry.object["signatureVerified"] as? Bool, true)
        XCTAssertEqual(entry.object["status"] as? String, "applied")
        XCTAssertTrue(entry.object["reason"] is NSNull)
        XCTAssertEqual(entry.object["sequence"] as? Int, 4)
        let missing = try await node.client.get("/api/entries/\(pathSegment("%" + String(repeating: "A", count: 43) + "=.vf1"))")
        XCTAssertEqual(missing.status, 404, missing.text)
        let malformed = try await node.client.get("/api/entries/xyz")
        XCTAssertEqual(malformed.status, 400, malformed.text)
    }

    func testOneProcessWithItsInputsAndOutputsAPageAtATime() async throws {
        let process = try await node.publishProcess("threshing")
        var published: [String] = []
        for n in 0 ..< 3 {
            let work = try await node.publish(["@type": "EconomicEvent", "action": "work", "provider": node.me, "receiver": node.me,
                                               "effortQuantity": APITestNode.quantity("\(n + 1)", "hour"), "inputOf": process])
            XCTAssertEqual(work.status, 201, work.text)
            let produce = try await node.publish(["@type": "EconomicEvent", "action": "produce", "provider": node.me, "receiver": node.me,
                                                  "resourceQuantity": APITestNode.quantity("1", "kg"), "outputOf": process,
                                                  "newInventoriedResource": ["name": "sack \(n)"]])
            XCTAssertEqual(produce.status, 201, produce.text)
            published += [try XCTUnwrap(work.object["id"] as? String), try XCTUnwrap(produce.object["id"] as? String)]
        }
        var paged: [String] = []
        var after: String?
        repeat {
            let page = try await node.client.get("/api/processes/\(pathSegment(process))?limit=4" + (after.map { "&after=\($0)" } ?? ""))
            XCTAssertEqual(page.status, 200, page.text)
            let shown = try XCTUnwrap(page.object["process"] as? [String: Any])
            XCTAssertEqual(shown["id"] as? String, process)
            XCTAssertEqual((shown["inputs"] as? [String])?.count, 3)
            XCTAssertEqual(shown["moreInputs"] as? Bool, false)
            XCTAssertEqual(shown["moreOutputs"] as? Bool, false)
            let items = try XCTUnwrap(page.object["events"] as? [[String: Any]])
            XCTAssertLessThanOrEqual(items.count, 4)
            paged += items.compactMap { $0["id"] as? String }
            after = page.object["next"] as? String
        } while after != nil
        XCTAssertEqual(paged, published, "inputs and outputs together, in the order they were recorded")

        let listed = try await node.client.get("/api/processes")
        let item = try XCTUnwrap(listed.items.first { $0["id"] as? String == process })
        XCTAssertEqual(item["outputs"] as? [String], [published[1], published[3], published[5]])
        XCTAssertEqual(item["moreOutputs"] as? Bool, false)

        let unknown = try await node.client.get("/api/processes/\(pathSegment("%" + String(repeating: "A", count: 43) + "=.vf1"))")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        let malformed = try await node.client.get("/api/processes/nope")
        XCTAssertEqual(malformed.status, 400, malformed.text)
        let badAfter = try await node.client.get("/api/processes/\(pathSegment(process))?after=zz")
        XCTAssertEqual(badAfter.status, 400, badAfter.text)
    }

    func testResourcesAndOneResource() async throws {
        let list = try await node.client.get("/api/resources")
        XCTAssertEqual(list.status, 200, list.text)
        XCTAssertEqual(Set(list.items.compactMap { $0["id"] as? String }), [wheat, received])
        XCTAssertTrue(list.object["next"] is NSNull, list.text)
        let mine = try XCTUnwrap(list.items.first { $0["id"] as? String == wheat })
        XCTAssertEqual(mine["onhandQuantity"] as? [String: String], ["hasNumericalValue": "6", "hasUnit": "kg"])
        XCTAssertEqual(mine["name"] as? String, "wheat")

        let one = try await node.client.get("/api/resources/\(pathSegment(received))")
        XCTAssertEqual(one.status, 200, one.text)
        XCTAssertEqual((one.object["resource"] as? [String: Any])?["primaryAccountable"] as? String, other)
        let events = try XCTUnwrap(one.object["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["action"] as? String }, ["transfer"])
        XCTAssertEqual(events.first?["id"] as? String, transfer["id"] as? String)
        XCTAssertTrue(one.object["next"] is NSNull, one.text)

        // The wheat's events a page at a time: raise, consume, transfer, in causal order.
        let all = try await node.client.get("/api/resources/\(pathSegment(wheat))")
        let wheatEvents = try XCTUnwrap(all.object["events"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(wheatEvents.count, 2, all.text)
        var paged: [String] = []
        var after: String?
        repeat {
            let page = try await node.client.get("/api/resources/\(pathSegment(wheat))?limit=1" + (after.map { "&after=\($0)" } ?? ""))
            XCTAssertEqual(page.status, 200, page.text)
            let items = try XCTUnwrap(page.object["events"] as? [[String: Any]])
            XCTAssertLessThanOrEqual(items.count, 1)
            paged += items.compactMap { $0["id"] as? String }
            after = page.object["next"] as? String
            if let after { XCTAssertEqual(after, items.last?["order"] as? String, "next is the last event's order") }
        } while after != nil
        XCTAssertEqual(paged, wheatEvents.compactMap { $0["id"] as? String })
        for bad in ["zz", "abc", String(repeating: "0", count: 400)] {
            let refused = try await node.client.get("/api/resources/\(pathSegment(wheat))?after=\(bad)")
            XCTAssertEqual(refused.status, 400, "\(bad): \(refused.text)")
        }

        let unknown = try await node.client.get("/api/resources/\(pathSegment("%" + String(repeating: "B", count: 42) + "A=.vf1res"))")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        XCTAssertFalse(unknown.error.isEmpty)
        let malformed = try await node.client.get("/api/resources/nope")
        XCTAssertEqual(malformed.status, 400, malformed.text)
    }

    func testPeersComeAPageAtATimeInKeyOrder() async throws {
        var added: [String] = []
        for port in 1...5 {
            let key = SigningKey()
            try node.peers.addPeer(try MultiserverAddress(host: "127.0.0.1", port: port, feed: key.feed), source: "test")
            added.append(key.feed.description)
        }
        var seen: [String] = []
        var after: String?
        var pages = 0
        repeat {
            let query = "?limit=2" + (after.map { "&after=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
            let page = try await node.client.get("/api/peers" + query)
            XCTAssertEqual(page.status, 200, page.text)
            XCTAssertLessThanOrEqual(page.items.count, 2)
            seen += page.items.compactMap { $0["id"] as? String }
            after = page.object["next"] as? String
            pages += 1
        } while after != nil && pages < 10
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(Set(seen), Set(added))
        let keys = try seen.map { try FeedID(parsing: $0).bytes }
        XCTAssertEqual(keys, keys.sorted { $0.lexicographicallyPrecedes($1) }, "in key order")
        let bad = try await node.client.get("/api/peers?after=nope")
        XCTAssertEqual(bad.status, 400, bad.text)
    }

    func testTraceAndTrack() async throws {
        let trace = try await node.client.get("/api/trace/\(pathSegment(received))")
        XCTAssertEqual(trace.status, 200, trace.text)
        let steps = trace.array
        XCTAssertEqual(steps.first?["type"] as? String, "resource")
        XCTAssertEqual(steps.first?["id"] as? String, received)
        XCTAssertTrue(steps.first?["parent"] is NSNull)
        XCTAssertTrue(steps.contains { $0["type"] as? String == "event" && $0["id"] as? String == transfer["id"] as? String
            && $0["author"] as? String == node.me && $0["signatureVerified"] as? Bool == true })
        XCTAssertTrue(steps.contains { $0["id"] as? String == produce["id"] as? String }, "the trace reaches the produce: \(trace.text)")
        XCTAssertTrue(steps.contains { $0["type"] as? String == "process" && $0["id"] as? String == growing }, trace.text)

        let track = try await node.client.get("/api/track/\(pathSegment(try XCTUnwrap(produce["id"] as? String)))")
        XCTAssertEqual(track.status, 200, track.text)
        XCTAssertTrue(track.array.contains { $0["id"] as? String == received }, track.text)

        // A limit of exactly the steps answers them; one fewer is refused, saying how to get them.
        let exact = try await node.client.get("/api/trace/\(pathSegment(received))?limit=\(steps.count)")
        XCTAssertEqual(exact.status, 200, exact.text)
        XCTAssertEqual(exact.array.count, steps.count)
        let short = try await node.client.get("/api/trace/\(pathSegment(received))?limit=\(steps.count - 1)")
        XCTAssertEqual(short.status, 422, short.text)
        XCTAssertTrue(short.text.contains("the trace has more than \(steps.count - 1) steps"), short.text)
        for bad in ["0", "100001", "many"] {
            let refused = try await node.client.get("/api/track/\(pathSegment(received))?limit=\(bad)")
            XCTAssertEqual(refused.status, 400, "limit=\(bad): \(refused.text)")
        }

        let unknown = try await node.client.get("/api/trace/\(pathSegment("%" + String(repeating: "C", count: 42) + "A=.vf1"))")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        let malformed = try await node.client.get("/api/track/garbage")
        XCTAssertEqual(malformed.status, 400, malformed.text)
    }

    func testProcessesAgentsSpecificationsPeersAndSync() async throws {
        let spec = try await node.publish(["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        XCTAssertEqual(spec.status, 201, spec.text)

        let processes = try await node.client.get("/api/processes")
        XCTAssertEqual(processes.status, 200, processes.text)
        XCTAssertEqual(processes.items.first?["name"] as? String, "growing")
        XCTAssertEqual(processes.items.first?["id"] as? String, growing)
        XCTAssertEqual(processes.items.first?["inputs"] as? [String], [])
        XCTAssertEqual(processes.items.first?["outputs"] as? [String], [produce["id"] as! String])

        let agents = try await node.client.get("/api/agents")
        XCTAssertEqual(agents.status, 200, agents.text)
        let me = try XCTUnwrap(agents.items.first { $0["id"] as? String == node.me }, agents.text)
        XCTAssertEqual(me["name"] as? String, "Farm")
        XCTAssertEqual(me["type"] as? String, "Person")

        let specifications = try await node.client.get("/api/specifications")
        XCTAssertEqual(specifications.status, 200, specifications.text)
        XCTAssertEqual(specifications.items.count, 1)
        XCTAssertEqual(specifications.items.first?["defaultUnitOfResource"] as? String, "kg")
        XCTAssertEqual(specifications.items.first?["id"] as? String, spec.object["id"] as? String)
        XCTAssertEqual(specifications.items.first?["author"] as? String, node.me)

        let peerKey = SigningKey()
        let address = try MultiserverAddress(host: "127.0.0.1", port: 9, feed: peerKey.feed)
        try node.peers.addPeer(address, source: "test")
        try node.peers.recordFailure(peerKey.feed, "connection refused")
        let peers = try await node.client.get("/api/peers")
        XCTAssertEqual(peers.status, 200, peers.text)
        XCTAssertEqual(peers.items.count, 1)
        XCTAssertTrue(peers.object["next"] is NSNull, peers.text)
        let peer = try XCTUnwrap(peers.items.first)
        XCTAssertEqual(peer["id"] as? String, peerKey.feed.description)
        XCTAssertEqual(peer["address"] as? String, address.description)
        XCTAssertEqual(peer["connected"] as? Bool, false)
        XCTAssertTrue(peer["lastSync"] is NSNull)
        // The running node dials the peer too, and may record its own "Connection refused" first.
        let lastError = peer["lastError"] as? String
        XCTAssertTrue(lastError?.lowercased().contains("refused") == true, String(describing: lastError))

        let sync = try await node.client.get("/api/sync")
        XCTAssertEqual(sync.status, 200, sync.text)
        XCTAssertEqual(sync.object["connectedPeers"] as? Int, 0)
        XCTAssertEqual(sync.object["syncing"] as? Bool, false)
        for key in ["feedsToFetch", "entriesToFetch", "entriesFetched"] { XCTAssertEqual(sync.object[key] as? Int, 0, key) }
    }

    func testUnknownEndpointsAndMethods() async throws {
        let missing = try await node.client.get("/api/nothing")
        XCTAssertEqual(missing.status, 404)
        XCTAssertFalse(missing.error.isEmpty)
        let wrongMethod = try await node.client.request("DELETE", "/api/feeds")
        XCTAssertEqual(wrongMethod.status, 405, wrongMethod.text)
        XCTAssertEqual(wrongMethod.headers["allow"], "GET")
    }
}
