import Foundation
import VFLog
import VFTestSupport
import VFWorkload
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// When deriving the whole graph in memory would not fit in the memory available, the graph is
/// derived in steps, as updates of a bounded number of entries each: the same rows.
final class RebuildInStepsTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-steps").path }

    func testInMemoryWhenTheEstimateTakesAtMostHalfOfWhatIsAvailable() {
        XCTAssertTrue(RebuildMemory.fitsInMemory(entries: 1_000_000, available: 7_000_000_000))
        XCTAssertFalse(RebuildMemory.fitsInMemory(entries: 1_000_000, available: 6_999_999_998))
        XCTAssertTrue(RebuildMemory.fitsInMemory(entries: 1_000_000, available: nil), "the system does not say")
        // Past 2^30 entries a derivation's 32-bit places could overflow: never in memory.
        XCTAssertTrue(RebuildMemory.fitsInMemory(entries: 1 << 30, available: nil))
        XCTAssertFalse(RebuildMemory.fitsInMemory(entries: (1 << 30) + 1, available: nil))
        XCTAssertFalse(RebuildMemory.fitsInMemory(entries: (1 << 30) + 1, available: .max))
        XCTAssertFalse(RebuildMemory.fitsInMemory(entries: .max, available: .max), "an estimate past Int.max does not fit")
        XCTAssertEqual(RebuildMemory.parseMemAvailable("MemTotal:       2048 kB\nMemAvailable:    1024 kB\nBuffers: 1 kB\n"), 1_048_576)
        for text in ["MemAvailable: 12 MB", "MemAvailable: x kB", "", "MemFree: 1 kB", "MemAvailable: 99999999999999999999 kB",
                     "MemAvailable: 9007199254740993 kB"] {
            XCTAssertNil(RebuildMemory.parseMemAvailable(text), text)
        }
        XCTAssertEqual(ProcKilobytes.bytes(of: "VmHWM", in: "VmPeak:\t  9000 kB\nVmHWM:\t    4096 kB\nVmRSS:\t  2048 kB\n"), 4_194_304)
        XCTAssertEqual(ProcKilobytes.bytes(of: "VmHWM", in: "VmHWM:\t123456789 kB\n"), 126_419_751_936)
    }

    /// Chains across feeds with back-dated events, so steps see events wait for entries a
    /// later step brings, and fold earlier than ones already folded.
    private func log() throws -> LogStore {
        var workload = ChainWorkload(feeds: 4, steps: 8, seed: 9)
        let log = try LogStore(path: directory + "/log.sqlite")
        for feed in workload.generate(events: 1_200) { _ = try log.ingest(feed) }
        XCTAssertGreaterThan(workload.backDated, 50)
        return log
    }

    func testARebuildInStepsGivesTheRowsOfARebuildInMemory() throws {
        let log = try log()
        let inMemory = try GraphStore(path: directory + "/memory.sqlite")
        try inMemory.rebuild(from: log, mode: .inMemory)
        XCTAssertEqual(inMemory.lastRebuild?.steps, 0)
        let inSteps = try GraphStore(path: directory + "/steps.sqlite")
        inSteps.entriesPerStep = 97
        // Over tables that hold something already: a rebuild starts from nothing.
        try inSteps.rebuild(from: log, mode: .inMemory)
        let changes = try inSteps.rebuild(from: log, mode: .inSteps)
        XCTAssertGreaterThan(inSteps.lastRebuild?.steps ?? 0, 10)
        assertSameTables(try inSteps.tableContents(), try inMemory.tableContents())
        XCTAssertEqual(changes.events.count, try inMemory.graph(from: log).events.count, "every event was derived again")
    }

    /// Past the most entries a derivation in memory may number, a rebuild asked to derive in
    /// memory, and an update that would rebuild, go on in steps: the same rows.
    func testPastTheMostEntriesInMemoryARebuildGoesOnInStepsWhateverWasAsked() throws {
        try assertUpdateAndRebuildGoOnInSteps(asking: .inMemory, limited: { $0.mostEntriesInMemory = 100 }) { store in
            XCTAssertGreaterThan(store.lastRebuild?.steps ?? 0, 1, "the update that rebuilt went on in steps")
        }
    }

    func testWithLittleMemoryAnUpdateAndARebuildGoOnInSteps() throws {
        // Empty tables would be rebuilt in memory; with too little memory, they are updated in steps.
        try assertUpdateAndRebuildGoOnInSteps(asking: nil, limited: { $0.availableMemory = { 1_000_000 } }) { store in
            XCTAssertNotNil(store.lastUpdateWork, "updated, not rebuilt in memory")
            XCTAssertNil(store.lastRebuild)
        }
    }

    /// A store `limited` so that it cannot derive in memory: an update from empty tables (then
    /// `afterUpdate` checks how it went) and a rebuild asked for `mode` both go on in steps and
    /// give the rows of a rebuild in memory.
    private func assertUpdateAndRebuildGoOnInSteps(asking mode: GraphStore.RebuildMode?, limited: (GraphStore) -> Void,
                                                   afterUpdate: (GraphStore) -> Void, line: UInt = #line) throws {
        let log = try log()
        let reference = try GraphStore(path: directory + "/reference.sqlite")
        try reference.rebuild(from: log, mode: .inMemory)
        XCTAssertEqual(reference.lastRebuild?.steps, 0, line: line)
        let store = try GraphStore(path: directory + "/graph.sqlite")
        limited(store)
        store.entriesPerStep = 211
        try store.update(from: log)
        afterUpdate(store)
        assertSameTables(try store.tableContents(), try reference.tableContents(), "update", line: line)
        try store.rebuild(from: log, mode: mode)
        XCTAssertGreaterThan(store.lastRebuild?.steps ?? 0, 1, "the rebuild went on in steps", line: line)
        assertSameTables(try store.tableContents(), try reference.tableContents(), "rebuild", line: line)
    }
}
