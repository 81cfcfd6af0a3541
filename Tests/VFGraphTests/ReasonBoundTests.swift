import Foundation
import GRDB
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A reason quotes at most 1,000 bytes of what a payload says, so an entry whose author makes
/// a value 60 KB long does not store 60 KB for itself and again for every event failing through it.
final class ReasonBoundTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-reasons").path }

    func testAReasonKeepsItsFirstBytesWholeCharactersOnlyAndIsCutOnce() {
        XCTAssertEqual(ReasonError("short").reason, "short")
        let exact = String(repeating: "a", count: 1000)
        XCTAssertEqual(ReasonError(exact).reason, exact)
        let long = ReasonError("a" + String(repeating: "é", count: 1000)).reason
        let suffix = "… (2001 bytes in all)"
        XCTAssertEqual(long, "a" + String(repeating: "é", count: (1000 - suffix.utf8.count - 1) / 2) + suffix, "é is 2 bytes")
        XCTAssertLessThanOrEqual(long.utf8.count, 1000)
        XCTAssertEqual(ReasonError.bounded(long), long, "cut again, it is as it was: it still names the whole size")
        let thumbs = ReasonError.bounded(String(repeating: "👍🏽", count: 300))
        XCTAssertTrue(thumbs.hasSuffix("👍🏽… (2400 bytes in all)"), String(thumbs.suffix(30)))
        XCTAssertLessThanOrEqual(thumbs.utf8.count, 1000)
    }

    func testAnUnknownActionOfSixtyKilobytesStoresAShortReasonForItAndWhatFailsThroughIt() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let action = String(repeating: "x", count: 60_000)
        let bad = try net.event(action, provider: "farm", ["resourceQuantity": qty("1", "kg")])
        var dependents: [EntryID] = []
        for _ in 0..<5 {
            dependents.append(try net.event("produce", provider: "farm", ["resourceQuantity": qty("1", "kg"), "corrects": ref(bad)]))
        }
        try assertShortReasons(net, [(bad, "unknown action \"xxx")] + dependents.map { ($0, "corrects") })
        let reason = try XCTUnwrap(GraphStore(path: directory + "/graph.sqlite").reader(log: net.source).status(of: bad)?.reason)
        XCTAssertTrue(reason.hasSuffix("bytes in all)") && reason.contains("(6"), "names the payload's size, not a cut one's: \(reason.suffix(30))")
    }

    /// A resource counted in a unit 60 KB long: each event naming it in another unit is invalid
    /// with a reason that quotes at most 1,000 bytes of it, in the tables as in a rebuild.
    func testAUnitOfSixtyKilobytesIsQuotedShort() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let unit = String(repeating: "u", count: 60_000)
        let stock = try net.raise("farm", "10", unit, name: "stock")
        var lowered: [EntryID] = []
        for _ in 0..<5 {
            lowered.append(try net.event("lower", provider: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(stock)]))
        }
        try assertShortReasons(net, lowered.map { ($0, "resourceQuantity is in kg but") })
    }

    /// The tables kept up to date with `net` give each event a reason starting as its pair says,
    /// no stored reason or root is over 1,000 bytes, and a rebuild gives the same rows.
    private func assertShortReasons(_ net: SignedNetwork, _ expected: [(EntryID, String)], file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        for (id, start) in expected {
            let reason = try XCTUnwrap(reader.status(of: id)?.reason, file: file, line: line)
            XCTAssertTrue(reason.hasPrefix(start), String(reason.prefix(80)), file: file, line: line)
        }
        try store.read { db in
            let longest = try Int.fetchOne(db, sql: """
                SELECT max(length(CAST(reason AS BLOB))) FROM (SELECT reason FROM event UNION ALL SELECT root FROM event UNION ALL SELECT reason FROM rejected)
                """) ?? 0
            XCTAssertLessThanOrEqual(longest, ReasonError.maximumBytes, file: file, line: line)
        }
        try assertMatchesRebuild(store, net.source, file: file, line: line)
    }

    /// Migration v11 derives everything again only when a stored reason is longer than a bound
    /// one can be (as an older build stored it), or is an ambiguous combine's.
    func testMigrationV11DerivesAgainOnlyWhereAReasonCouldDiffer() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let bad = try net.event("unheard of", provider: "farm", ["resourceQuantity": qty("1", "kg")])
        try net.event("produce", provider: "farm", ["resourceQuantity": qty("1", "kg"), "corrects": ref(bad)])
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let before = try store.tableContents()
        func reopenAtV10(_ change: String?) throws -> GraphStore {
            let queue = try DatabaseQueue(path: store.path)
            try queue.write { db in
                if let change { try db.execute(sql: change) }
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v11%'")
            }
            try queue.close()
            return try GraphStore(path: store.path)
        }
        XCTAssertEqual(try reopenAtV10(nil).cursors().isEmpty, false, "short reasons: nothing derived again")
        let long = "'" + String(repeating: "y", count: 1001) + "'"
        let migrated = try reopenAtV10("UPDATE rejected SET reason = \(long)")
        XCTAssertEqual(try migrated.cursors(), [:], "a long reason: the tables are emptied")
        try migrated.update(from: net.source)
        assertSameTables(try migrated.tableContents(), before, "derived again")
    }
}
