import Foundation
import VFAPI
import VFGraph
import VFGraphStore
import VFLog
import VFTestSupport
import XCTest

/// The listing endpoints page: `{"items": [...], "next": cursor-or-null}`, `limit` from 1 to
/// 1,000, `after` the id of the last item of the page before; pages neither repeat nor skip an
/// item while new ones arrive; resources and agents can be searched by name.
final class ListingEndpointTests: XCTestCase {
    var node: APITestNode!

    override func setUp() async throws {
        node = try await APITestNode()
    }

    override func tearDown() async throws { await node.stop() }

    /// Publishes a produce creating a resource called `name`; returns the resource's id.
    @discardableResult
    private func produce(_ name: String) async throws -> String {
        var payload = node.producePayload()
        payload["newInventoriedResource"] = ["name": name]
        let response = try await node.publish(payload)
        XCTAssertEqual(response.status, 201, response.text)
        return try XCTUnwrap(response.object["createdResource"] as? String, response.text)
    }

    /// Every page of `path` (which has no query yet) with `query`, following `next` to the end.
    private func allPages(_ path: String, _ query: String, maximumPages: Int = 100) async throws -> (items: [[String: Any]], pages: Int) {
        var items: [[String: Any]] = []
        var after: String?
        for page in 1 ... maximumPages {
            let response = try await node.client.get(path + "?" + query + (after.map { "&after=" + pathSegment($0) } ?? ""))
            XCTAssertEqual(response.status, 200, response.text)
            items += response.items
            guard let next = response.next else {
                XCTAssertTrue(response.object["next"] is NSNull, "the last page says next: null: \(response.text)")
                return (items, page)
            }
            after = next
        }
        XCTFail("\(path)?\(query) did not end within \(maximumPages) pages")
        return (items, maximumPages)
    }

    func testLimitAndCursorAreCheckedAndRefusedWithAReason() async throws {
        try await produce("wheat")
        for path in ["/api/resources", "/api/processes", "/api/agents", "/api/specifications", "/api/feeds"] {
            for bad in ["limit=0", "limit=1001", "limit=-1", "limit=ten", "limit=", "after=nonsense", "after=%25" + String(repeating: "A", count: 43)] {
                let response = try await node.client.get(path + "?" + bad)
                XCTAssertEqual(response.status, 400, "\(path)?\(bad): \(response.text)")
                XCTAssertTrue(response.error.contains(bad.hasPrefix("limit") ? "limit must be a whole number from 1 to 1000" : "after must be"),
                              "\(path)?\(bad): \(response.error)")
            }
            let largest = try await node.client.get(path + "?limit=1000")
            XCTAssertEqual(largest.status, 200, "\(path)?limit=1000: \(largest.text)")
            XCTAssertEqual(largest.items.count, path == "/api/specifications" || path == "/api/processes" ? 0 : 1, "\(path): \(largest.text)")
        }
        // A well-formed cursor this node has no number for is refused, not an empty last page.
        let unnumbered = [(path: "/api/resources", id: ResourceID(createdBy: EntryID(hash: Hash32(bytes: [UInt8](repeating: 9, count: 32))!)).description),
                          (path: "/api/processes", id: EntryID(hash: Hash32(bytes: [UInt8](repeating: 9, count: 32))!).description)]
        for (path, id) in unnumbered {
            let response = try await node.client.get(path + "?after=" + pathSegment(id))
            XCTAssertEqual(response.status, 400, response.text)
            XCTAssertTrue(response.error.contains("start from the first page"), response.error)
        }
        // A cursor of another kind of id: a resource listing goes by resource ids only.
        let entryID = try XCTUnwrap(try node.log.feeds().first?.id.description)
        let wrongKind = try await node.client.get("/api/resources?after=\(pathSegment(entryID))")
        XCTAssertEqual(wrongKind.status, 400, wrongKind.text)
        XCTAssertTrue(wrongKind.error.contains("a resource id"), wrongKind.error)
        for path in ["/api/processes", "/api/specifications", "/api/feeds"] {
            let search = try await node.client.get(path + "?q=wheat")
            XCTAssertEqual(search.status, 400, "\(path) does not search: \(search.text)")
        }
        let long = try await node.client.get("/api/resources?q=" + String(repeating: "w", count: 201))
        XCTAssertEqual(long.status, 400, long.text)
    }

    func testPagesVisitEveryResourceOnceInTheOrderTheNodeHeldThemAndTheLastSaysNull() async throws {
        var ids: [String] = []
        for n in 1 ... 12 { ids.append(try await produce("crate \(n)")) }
        // Resources list in the order the node first held them (their numbers, v16): here, as produced.

        let (items, pages) = try await allPages("/api/resources", "limit=5")
        XCTAssertEqual(items.compactMap { $0["id"] as? String }, ids, "every resource once, in the order they were produced")
        XCTAssertEqual(pages, 3)

        // A limit that ends exactly on the last resource: its page already says null.
        let whole = try await node.client.get("/api/resources?limit=12")
        XCTAssertEqual(whole.items.count, 12)
        XCTAssertTrue(whole.object["next"] is NSNull, whole.text)
        let allButOne = try await node.client.get("/api/resources?limit=11")
        XCTAssertEqual(allButOne.next, ids[10])
        let last = try await node.client.get("/api/resources?after=\(pathSegment(ids[10]))")
        XCTAssertEqual(last.items.compactMap { $0["id"] as? String }, [ids[11]])
        XCTAssertTrue(last.object["next"] is NSNull, last.text)
        // The default page is 100.
        let first = try await node.client.get("/api/resources")
        XCTAssertEqual(first.items.count, 12)
        // A cursor pasted as printed (its + and / and = not encoded) reads the same.
        let raw = try await node.client.get("/api/resources?limit=1&after=\(ids[10])")
        XCTAssertEqual(raw.items.compactMap { $0["id"] as? String }, [ids[11]], raw.text)
    }

    func testPagingWhileResourcesAreAppendedNeitherRepeatsNorSkipsOne() async throws {
        var before: [String] = []
        for n in 1 ... 20 { before.append(try await produce("before \(n)")) }
        // A resource is appended after each of the first five pages: each is numbered after every
        // resource held before (resources list by number), so after the cursor.
        var appended: [String] = []
        var seen: [String] = []
        var after: String?
        var pages = 0
        repeat {
            let response = try await node.client.get("/api/resources?limit=3" + (after.map { "&after=" + pathSegment($0) } ?? ""))
            XCTAssertEqual(response.status, 200, response.text)
            seen += response.items.compactMap { $0["id"] as? String }
            after = response.next
            pages += 1
            if pages <= 5 { appended.append(try await produce("during \(pages)")) }
        } while after != nil && pages < 200
        XCTAssertEqual(appended.count, 5)
        XCTAssertEqual(pages, 9, "25 resources, 3 a page")
        XCTAssertEqual(seen, before + appended, "each resource once, in the order produced, those appended while paging too")
    }

    func testResourcesAndAgentsAreSearchedByNameIgnoringCase() async throws {
        let red = try await produce("Red Wheat")
        let flour = try await produce("wheat flour")
        try await produce("Barley")
        let oil = try await produce("ÖL aus Raps")
        let profile = try await node.publish(["@type": "Organization", "@id": node.me, "name": "Hillside Farm"])
        XCTAssertEqual(profile.status, 201, profile.text)
        let neighbour = try await node.publish(["@type": "Person", "name": "Farmer Jo"])
        XCTAssertEqual(neighbour.status, 201, neighbour.text)

        let wheat = try await allPages("/api/resources", "q=WHEAT")
        XCTAssertEqual(Set(wheat.items.compactMap { $0["id"] as? String }), [red, flour])
        let oneByOne = try await allPages("/api/resources", "q=wheat&limit=1")
        XCTAssertEqual(oneByOne.items.compactMap { $0["id"] as? String }, wheat.items.compactMap { $0["id"] as? String },
                       "a search pages like a listing")
        let unicode = try await node.client.get("/api/resources?q=" + pathSegment("öl"))
        XCTAssertEqual(unicode.items.compactMap { $0["id"] as? String }, [oil], unicode.text)
        let spaced = try await node.client.get("/api/resources?q=red+wheat")
        XCTAssertEqual(spaced.items.compactMap { $0["id"] as? String }, [red], spaced.text)
        let nothing = try await node.client.get("/api/resources?q=rye")
        XCTAssertEqual(nothing.status, 200, nothing.text)
        XCTAssertTrue(nothing.items.isEmpty)
        XCTAssertTrue(nothing.object["next"] is NSNull, nothing.text)

        let farms = try await allPages("/api/agents", "q=farm")
        XCTAssertEqual(Set(farms.items.compactMap { $0["name"] as? String }), ["Hillside Farm", "Farmer Jo"])
        let hill = try await node.client.get("/api/agents?q=HILLSIDE")
        XCTAssertEqual(hill.items.compactMap { $0["id"] as? String }, [node.me], hill.text)
        let everyone = try await allPages("/api/agents", "limit=1")
        XCTAssertEqual(everyone.items.count, 2, "the node and the neighbour described by an entry")
    }

    func testProcessesSpecificationsAndFeedsPage() async throws {
        var processes: [String] = []
        for name in ["growing", "milling", "baking"] { processes.append(try await node.publishProcess(name)) }
        for name in ["wheat", "flour"] {
            let spec = try await node.publish(["@type": "ResourceSpecification", "name": name])
            XCTAssertEqual(spec.status, 201, spec.text)
        }
        let listed = try await allPages("/api/processes", "limit=2")
        XCTAssertEqual(listed.items.compactMap { $0["id"] as? String }, processes, "in the order the node first held them")
        XCTAssertEqual(listed.pages, 2)
        let specifications = try await allPages("/api/specifications", "limit=1")
        XCTAssertEqual(Set(specifications.items.compactMap { $0["name"] as? String }), ["wheat", "flour"])

        // Two more feeds, held as a peer's entries would be.
        var others: [String] = [node.me]
        for _ in 0 ..< 2 {
            var feed = FeedBuilder()
            feed.append(#"{"note":"hello"}"#)
            _ = try node.log.ingest(feed.entries)
            others.append(feed.key.feed.description)
        }
        let feeds = try await allPages("/api/feeds", "limit=2")
        XCTAssertEqual(feeds.items.compactMap { $0["author"] as? String }, others.sorted { try! FeedID(parsing: $0) < FeedID(parsing: $1) })
        XCTAssertEqual(feeds.items.filter { $0["self"] as? Bool == true }.count, 1)
        XCTAssertEqual(feeds.pages, 2)
    }
}
