import Foundation
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The changed-rows writer: entries replicated in shuffled batches, with feeds that arrive late
/// and re-fold the graph, and two stores taking turns on one file (a running node and a
/// command line), always leave tables equal to a rebuild from the log alone, and each update
/// reports exactly the objects that changed.
final class ChangedRowsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-changedrows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// What changed between two graphs, computed from the graphs themselves. Without
    /// `breadcrumbs` an event whose breadcrumb alone changed is left out: a store that did not
    /// know the old graph compares rows, and the rows hold no breadcrumbs (GraphChanges).
    private func expectedChanges(from old: EconomicGraph, to new: EconomicGraph, breadcrumbs: Bool = true) -> GraphChanges {
        func differing<K: Hashable, V: Equatable>(_ a: [K: V], _ b: [K: V]) -> Set<K> {
            Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }
        }
        var changes = GraphChanges()
        changes.resources = differing(old.resources, new.resources)
        func withoutBreadcrumbs(_ events: [EntryID: GraphEvent]) -> [EntryID: GraphEvent] {
            events.mapValues { var e = $0; e.previousEvent = nil; return e }
        }
        changes.events = breadcrumbs ? differing(old.events, new.events) : differing(withoutBreadcrumbs(old.events), withoutBreadcrumbs(new.events))
        changes.processes = differing(old.processes, new.processes)
        changes.specifications = differing(old.specifications, new.specifications)
        changes.agents = differing(old.agents, new.agents)
        changes.rejected = differing(old.rejected, new.rejected)
        return changes
    }

    /// Every object that changed is reported (an update may report more: a rebuild reports all).
    private func assertCovers(_ changes: GraphChanges, _ expected: GraphChanges, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(expected.resources.isSubset(of: changes.resources), "\(context): resources", file: file, line: line)
        XCTAssertTrue(expected.events.isSubset(of: changes.events), "\(context): events \(expected.events.subtracting(changes.events))", file: file, line: line)
        XCTAssertTrue(expected.processes.isSubset(of: changes.processes), "\(context): processes", file: file, line: line)
        XCTAssertTrue(expected.specifications.isSubset(of: changes.specifications), "\(context): specifications", file: file, line: line)
        XCTAssertTrue(expected.agents.isSubset(of: changes.agents), "\(context): agents \(expected.agents.subtracting(changes.agents))", file: file, line: line)
        XCTAssertTrue(expected.rejected.isSubset(of: changes.rejected), "\(context): rejected", file: file, line: line)
    }

    private func withoutCursors(_ changes: GraphChanges) -> GraphChanges {
        var copy = changes
        copy.cursors = [:]
        return copy
    }

    func testShuffledBatchesLeaveTheTablesEqualToARebuildAndReportWhatChanged() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let feeds = try net.feeds()
        let all = feeds.flatMap { $0 }.map { GraphEntry($0, verified: true) }
        let reference = Derivation.derive(all)
        XCTAssertGreaterThan(reference.appliedOrder.count, 12)
        XCTAssertTrue(reference.events.values.contains { if case .unauthorized = $0.status { true } else { false } })
        XCTAssertTrue(reference.events.values.contains { if case .pending = $0.status { true } else { false } })
        XCTAssertEqual(reference.agents.values.first { $0.profile?.name?.hasPrefix("Farmer") == true }?.profile?.name, "Farmer Jo Smith")

        var refolds = 0
        for seed in 1...8 as ClosedRange<UInt64> {
            var rng = SplitMix64(seed: seed)
            let run = directory + "/run\(seed)"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            let log = try LogStore(path: run + "/log.sqlite")
            let node = try GraphStore(path: run + "/graph.sqlite")
            // What the node store last saw, if anything, and what the tables held before each update:
            // an update reports changes since the former, or since the latter when it saw nothing.
            var nodeSaw: EconomicGraph?
            var tablesHeld = EconomicGraph()
            var held = [GraphEntry]()
            for (index, batch) in shuffledBatches(feeds, maximum: 4, using: &rng).enumerated() {
                XCTAssertEqual(try log.ingest(batch).stored.count, batch.count)
                held += batch.map { GraphEntry($0, verified: true) }
                let expected = Derivation.derive(held)
                let context = "seed \(seed), batch \(index)"
                if Bool.random(using: &rng) {
                    // The long-lived store: it diffs against the rows it wrote last, unless
                    // another store moved the cursors since.
                    let rebuildsBefore = node.derivations
                    let changes = try node.update(from: log)
                    assertCovers(changes, expectedChanges(from: tablesHeld, to: expected, breadcrumbs: false), context)
                    if nodeSaw != nil, nodeSaw != tablesHeld { XCTAssertFalse(changes.cursors.isEmpty, "\(context): another process wrote") }
                    XCTAssertEqual(try node.graph(from: log), expected, context)
                    if node.derivations > rebuildsBefore { refolds += 1 }
                    nodeSaw = expected
                } else {
                    // A command line process: a fresh store, diffing against the rows it reads back.
                    let process = try GraphStore(path: run + "/graph.sqlite")
                    let changes = try process.update(from: log)
                    XCTAssertEqual(try process.graph(from: log), expected, context)
                    XCTAssertFalse(changes.cursors.isEmpty, context)
                    assertCovers(changes, expectedChanges(from: tablesHeld, to: expected, breadcrumbs: false), context)
                }
                tablesHeld = expected
                let rebuilt = try GraphStore(path: run + "/rebuilt-\(index).sqlite")
                let everything = try rebuilt.rebuild(from: log)
                assertSameTables(try node.tableContents(), try rebuilt.tableContents(), context)
                XCTAssertEqual(withoutCursors(everything), expectedChanges(from: EconomicGraph(), to: expected), context)
                // And what the tables hold reads back as the derived graph, with no derivation.
                let reader = try GraphStore(path: run + "/graph.sqlite")
                XCTAssertEqual(try reader.graph(from: log), expected, context)
                XCTAssertEqual(reader.derivations, 0, context)
                try? FileManager.default.removeItem(atPath: run + "/rebuilt-\(index).sqlite")
            }
            XCTAssertEqual(try GraphStore(path: run + "/graph.sqlite").graph(from: log), reference, "seed \(seed)")
        }
        XCTAssertGreaterThan(refolds, 0)
    }

    func testAnUpdateWritesOnlyTheRowsThatChanged() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let flour = try net.raise("mill", "10", "kg", name: "flour")
        let bread = try net.raise("bakery", "5", "each", name: "bread")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        let before = try store.tableContents()

        // One more mill event: the flour and that event change, the bread row is untouched.
        let consume = try net.event("consume", provider: "mill", ["resourceQuantity": qty("2", "kg"), "resourceInventoriedAs": ref(flour)])
        _ = try log.ingest(try net.source.entries(author: net.key("mill").feed))
        let changes = try store.update(from: log)
        XCTAssertEqual(changes.resources, [flour])
        XCTAssertEqual(changes.events, [consume])
        XCTAssertEqual(changes.cursors, [net.key("mill").feed: 2])
        XCTAssertTrue(changes.processes.isEmpty && changes.agents.isEmpty && changes.rejected.isEmpty)
        XCTAssertEqual(try store.resources().first { $0.id == flour }?.onhandQuantity, dec("8"))

        let after = try store.tableContents()
        XCTAssertEqual(after["event"]!.count, before["event"]!.count + 1)
        XCTAssertEqual(Set(after["event"]!).subtracting(before["event"]!).count, 1, "only the new event row")
        let breadRow = before["resource"]!.first { $0.contains("bread") }
        XCTAssertNotNil(breadRow)
        XCTAssertTrue(after["resource"]!.contains(breadRow!), "bread \(bread) is as it was")

        // Entries that are not ValueFlows move the cursor only.
        try net.post("bakery", ["note": "hello"])
        _ = try log.ingest(try net.source.entries(author: net.key("bakery").feed))
        let quiet = try store.update(from: log)
        XCTAssertTrue(quiet.isEmpty)
        XCTAssertEqual(quiet.cursors, [net.key("bakery").feed: 2])
    }

    func testAVersion1StoreIsDroppedAndRecomputed() throws {
        let sqlite = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: sqlite) else { throw XCTSkip("no sqlite3 command to write a v1 store with") }
        let path = directory + "/graph.sqlite"
        let v1 = Process()
        v1.executableURL = URL(fileURLWithPath: sqlite)
        // A v1 store as it shipped, claiming a cursor and a resource that v2 must not trust.
        v1.arguments = [path, """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1');
            CREATE TABLE cursor (feed TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
            CREATE TABLE resource (id TEXT PRIMARY KEY, name TEXT, accountingQuantity TEXT NOT NULL, onhandQuantity TEXT NOT NULL, createdBy TEXT NOT NULL);
            CREATE TABLE event (id TEXT PRIMARY KEY, author TEXT NOT NULL);
            CREATE INDEX event_by_author ON event (author);
            INSERT INTO cursor VALUES ('@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.ed25519', 9);
            INSERT INTO resource VALUES ('%x.vf1res', 'ghost', '1', '1', '%y.vf1');
            """]
        try v1.run()
        v1.waitUntilExit()
        XCTAssertEqual(v1.terminationStatus, 0)

        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let flour = try net.raise("mill", "10", "kg", name: "flour")
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        let store = try GraphStore(path: path)
        XCTAssertEqual(try store.cursors(), [:], "v2 starts empty")
        XCTAssertFalse(try store.isCurrent(with: log))
        try store.update(from: log)
        XCTAssertEqual(try store.resources().map(\.id), [flour])
        XCTAssertTrue(try store.isCurrent(with: log))
    }
}
