import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A run of payloads that name no resource in common is checked by one update when that
/// changes no event held before beyond one payload's claims, and one by one otherwise; the verdicts are those of checking
/// each after the ones before it, and what is published equals a rebuild.
final class ApartRunTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-apart-runs").path }

    private struct Farm {
        let net: SignedNetwork
        let log: LogStore
        let store: GraphStore
        let lots: [ResourceID]
        let process: EntryID
        var farm: String { net.id("farm") }
    }

    /// Four lots of 10 kg raised in 2030, 1 kg of the first consumed in June, 1 kg of the third
    /// moved into the fourth in June, and a process, held by the tables.
    private func farm() throws -> Farm {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let lots = try (0..<4).map { try net.raise("farm", "10", "kg", name: "lot \($0)", at: "2030-01-0\($0 + 1)T00:00:00Z") }
        let process = try net.post("farm", ["@type": "Process", "name": "milling"])
        try net.event("consume", provider: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(lots[0]),
                                                    "hasPointInTime": "2030-06-01T00:00:00Z"])
        try net.event("move", provider: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(lots[2]),
                                                 "toResourceInventoriedAs": ref(lots[3]), "hasPointInTime": "2030-06-01T00:00:00Z"])
        let log = try LogStore(path: directory + "/log.sqlite")
        for feed in try net.feeds() { _ = try log.ingest(feed) }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: log)
        return Farm(net: net, log: log, store: store, lots: lots, process: process)
    }

    /// Stores what `f.net` signed since `farm()`, and brings the tables up to date: held now.
    private func hold(_ f: Farm) throws {
        for feed in try f.net.feeds() { _ = try f.log.ingest(feed) }
        try f.store.update(from: f.log)
    }

    /// Checks `run`, which a fold changes beyond one payload's claims, and asserts it was
    /// rolled back and each payload checked alone, with the verdicts of checking each in turn.
    private func assertRolledBack(_ f: Farm, _ run: [[UInt8]], _ verdicts: [PublishVerdict]? = nil,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let (checked, updates, expected) = try check(f, run)
        XCTAssertEqual(checked, expected, file: file, line: line)
        if let verdicts { XCTAssertEqual(checked, verdicts, file: file, line: line) }
        XCTAssertEqual(updates, 1 + run.count, "the run together, rolled back, then each alone", file: file, line: line)
    }

    private func event(_ f: Farm, _ action: String, _ fields: String, at time: String = "2031-01-01T00:00:00Z") -> [UInt8] {
        Array(#"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(f.farm)","receiver":"\#(f.farm)","hasPointInTime":"\#(time)",\#(fields)}"#.utf8)
    }

    private func consume(_ f: Farm, _ lot: Int, _ kg: String, at time: String = "2031-01-01T00:00:00Z") -> [UInt8] {
        event(f, "consume", #""resourceQuantity":{"hasNumericalValue":"\#(kg)","hasUnit":"kg"},"resourceInventoriedAs":"\#(f.lots[lot])","inputOf":"\#(f.process)""#, at: time)
    }

    private func produce(_ f: Farm, _ name: String) -> [UInt8] {
        event(f, "produce", #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"newInventoriedResource":{"name":"\#(name)"},"outputOf":"\#(f.process)""#)
    }

    /// The verdicts of the table check and how many updates it ran, with the verdicts of the
    /// check against the graph in memory, up to and including the first refusal.
    private func check(_ f: Farm, _ payloads: [[UInt8]]) throws -> (verdicts: [PublishVerdict], updates: Int, expected: [PublishVerdict]) {
        let author = f.net.key("farm").feed
        let head = try f.log.head(of: author)?.sequence ?? 0
        let expected = try verdictsInMemory(f.log, author: author, payloads)
        var result: ([PublishVerdict], Int) = ([], 0)
        try f.store.writeAndRollBack { db in
            let cursors = try GraphTableReader.cursors(db)
            var check = PublishCheck(target: TablePublishTarget(db: db, log: f.log, cursors: cursors), author: author,
                                     headSequence: head, timestamp: 1_900_000_000_000)
            let verdicts = try f.log.readingInOneTransaction { try GraphStore.check(payloads.map { ($0, nil) }, with: &check) }
            result = (verdicts, check.folding.updates)
        }
        return (result.0, result.1, expected)
    }

    /// A verdict reads the resources an event changed from what its fold left, not the tables:
    /// the two agree, for a run folded together that moves a held event, and for a correction
    /// (read from the tables: its original's resources are asked).
    func testTheResourcesAFoldLeftAreTheTables() throws {
        let f = try farm()
        let author = f.net.key("farm").feed
        let made = try XCTUnwrap(f.store.graph(from: f.log).resources[f.lots[1]]).createdBy
        let payloads = [consume(f, 0, "1", at: "2030-03-01T00:00:00Z"), produce(f, "flour"), consume(f, 1, "2"),
                        event(f, "raise", #""resourceQuantity":{"hasNumericalValue":"-1","hasUnit":"kg"},"corrects":"\#(made)""#)]
        try f.store.writeAndRollBack { db in
            var check = PublishCheck(target: TablePublishTarget(db: db, log: f.log, cursors: try GraphTableReader.cursors(db)),
                                     author: author, headSequence: try f.log.head(of: author)?.sequence ?? 0, timestamp: 1_900_000_000_000)
            let entries = payloads.compactMap { payload -> GraphEntry? in
                if case let .fold(entry) = check.screen(payload) { return entry } else { return nil }
            }
            XCTAssertEqual(entries.count, payloads.count)
            var target = check.folding
            try f.log.readingInOneTransaction { _ = try target.fold(entries) }
            for entry in entries {
                let read = try target.resourcesRead(changedBy: entry.id)
                XCTAssertFalse(read.isEmpty)
                XCTAssertEqual(try target.resources(changedBy: entry.id), read)
                XCTAssertEqual(target.resourcesLeft(changedBy: entry.id) == nil, entry == entries.last, "only the correction is read")
            }
            // The back-dated consume moved the held one in June: lot 0 holds 10 - 1 - 1 kg.
            XCTAssertEqual(try target.resources(changedBy: entries[0].id).first?.accountingQuantity, dec("8"))
        }
    }

    func testARunApartIsCheckedByOneUpdate() throws {
        let f = try farm()
        let before = try f.store.tableContents()
        let run = [consume(f, 0, "1"), produce(f, "flour 0"), consume(f, 1, "2"), produce(f, "flour 1"),
                   consume(f, 2, "3"), produce(f, "flour 2"), consume(f, 3, "4")]
        let (verdicts, updates, expected) = try check(f, run)
        XCTAssertEqual(verdicts, expected)
        XCTAssertEqual(verdicts, Array(repeating: .accepted, count: run.count))
        XCTAssertEqual(updates, 1, "seven payloads, each naming a lot none of the others names")
        assertSameTables(try f.store.tableContents(), before, "a check changes nothing")
    }

    /// Runs of two, one after another, for longer than doubling the run's bound each time could
    /// count: the bound stops at the batch's size.
    func testManyShortRunsDoNotOverflowTheirBound() throws {
        let f = try farm()
        let run = (0..<300).map { consume(f, $0 % 2, "0.01") }
        let (verdicts, updates, expected) = try check(f, run)
        XCTAssertEqual(verdicts, expected)
        XCTAssertEqual(verdicts, Array(repeating: .accepted, count: run.count))
        XCTAssertEqual(updates, 150, "each run of two by one update")
    }

    func testAResourceNamedTwiceStartsANewRunAndARefusalStopsIt() throws {
        let f = try farm()
        // The second consume of lot 0 starts a run of its own, and takes more than is left.
        let run = [consume(f, 0, "6"), consume(f, 1, "1"), consume(f, 0, "6"), consume(f, 2, "1")]
        let (verdicts, updates, expected) = try check(f, run)
        XCTAssertEqual(verdicts, expected)
        XCTAssertEqual(verdicts.count, 3)
        guard case let .refused(reason) = verdicts.last, reason.contains("would leave resource \(f.lots[0])") else {
            return XCTFail("\(verdicts)")
        }
        XCTAssertEqual(updates, 2)
    }

    func testARunThatChangesHeldEventsOfTwoPayloadsIsRolledBackAndCheckedOneByOne() throws {
        let f = try farm()
        XCTAssertEqual(try f.store.reader(log: f.log).resource(f.lots[3])?.accountingQuantity, dec("11"), "the move applied")
        let before = try f.store.tableContents()
        // Back-dated before the move from lot 2 into lot 3 in June: that one is folded again
        // after it, and it reaches lot 3, which the second payload claims.
        try assertRolledBack(f, [consume(f, 2, "1", at: "2030-03-01T00:00:00Z"), consume(f, 3, "1"), consume(f, 1, "1")])
        assertSameTables(try f.store.tableContents(), before, "a check changes nothing")
    }

    /// A held event folded again within one payload's claims does not stop the run.
    func testARunThatChangesHeldEventsOfOnePayloadEachIsCheckedByOneUpdate() throws {
        let f = try farm()
        let before = try f.store.tableContents()
        // Back-dated before the consume of lot 0 and the move out of lot 2 in June; the move
        // reaches lot 3 too, which no payload claims, so the third payload stays out of the run.
        let run = [consume(f, 0, "1", at: "2030-03-01T00:00:00Z"), consume(f, 1, "1", at: "2030-02-01T00:00:00Z")]
        let (verdicts, updates, expected) = try check(f, run)
        XCTAssertEqual(verdicts, expected)
        XCTAssertEqual(verdicts, [.accepted, .accepted])
        XCTAssertEqual(updates, 1, "lot 0's consume in June is folded again for the first payload alone")
        assertSameTables(try f.store.tableContents(), before, "a check changes nothing")
        // 9.5 kg of lot 0 in April leave 0.5 kg for its consume of 1 kg in June: refused, as alone.
        let (refused, refusedUpdates, expectedRefused) = try check(f, [consume(f, 0, "9.5", at: "2030-04-01T00:00:00Z"), consume(f, 1, "1")])
        XCTAssertEqual(refused, expectedRefused)
        XCTAssertEqual(refusedUpdates, 1)
        guard case let .refused(reason)? = refused.first, reason.contains("would leave resource \(f.lots[0])") else { return XCTFail("\(refused)") }
        // The move reaches lot 3, which no payload claims.
        try assertRolledBack(f, [consume(f, 2, "1", at: "2030-03-01T00:00:00Z"), consume(f, 1, "1")])
    }

    /// A held correction folded again changes its original's corrected quantity, which the
    /// check does not put down to one payload: the run is rolled back.
    func testARunThatFoldsAHeldCorrectionAgainIsRolledBack() throws {
        let f = try farm()
        let made = try XCTUnwrap(f.store.reader(log: f.log).resource(f.lots[1])).createdBy
        try f.net.event("raise", provider: "farm", ["resourceQuantity": qty("-1", "kg"), "corrects": .string(made.description),
                                                    "hasPointInTime": "2030-05-01T00:00:00Z"])
        try hold(f)
        XCTAssertEqual(try f.store.reader(log: f.log).resource(f.lots[1])?.accountingQuantity, dec("9"), "the correction applied")
        // Back-dated before the correction in May (after the raise it corrects).
        try assertRolledBack(f, [consume(f, 1, "1", at: "2030-03-01T00:00:00Z"), consume(f, 0, "1")], [.accepted, .accepted])
    }

    /// A held event that starts applying may change more than its resources (its agents'
    /// rows, the corrections of it): the run is rolled back.
    func testARunThatMakesAHeldEventApplyIsRolledBack() throws {
        let f = try farm()
        // The mill takes 1 kg of lot 1 in June: unauthorized, the farm answers for lot 1.
        let taken = try f.net.event("consume", provider: "mill", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(f.lots[1]),
                                                                  "hasPointInTime": "2030-06-01T00:00:00Z"])
        try hold(f)
        guard case .unauthorized? = try f.store.graph(from: f.log).status(of: taken) else { return XCTFail("the mill may not take it yet") }
        // Back-dated before it: the farm hands lot 1 over to the mill, which may then take from it.
        let handOver = Array(#"{"@type":"EconomicEvent","action":"transfer","provider":"\#(f.farm)","receiver":"\#(f.net.id("mill"))","hasPointInTime":"2030-03-01T00:00:00Z","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(f.lots[1])","toResourceInventoriedAs":"\#(f.lots[1])"}"#.utf8)
        try assertRolledBack(f, [handOver, consume(f, 0, "1")], [.accepted, .accepted])
    }

    /// After a rolled-back run, 16 payloads go one by one, then runs are tried again: a batch
    /// with one back-dated payload goes back to folding runs together.
    func testAfterARollbackRunsAreTriedAgain() throws {
        let f = try farm()
        let run = [consume(f, 2, "1", at: "2030-03-01T00:00:00Z")] + (0..<40).map { produce(f, "flour \($0)") }
        let (verdicts, updates, expected) = try check(f, run)
        XCTAssertEqual(verdicts, expected)
        XCTAssertEqual(verdicts, Array(repeating: .accepted, count: run.count))
        XCTAssertEqual(RunSchedule.firstRun, 16)
        XCTAssertEqual(RunSchedule.firstPause, 16)
        // The first 16 together, rolled back; those 16 alone; then runs of 16 and of the 9 left.
        XCTAssertEqual(updates, 1 + 16 + 1 + 1)
    }

    /// An acceptance brings an agreement into force, and so gives consent to an event in the
    /// same batch that fulfils its commitment: it is checked alone, after the event.
    func testAnAcceptanceIsNotFoldedWithTheEventsBeforeIt() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let (farm, mill) = (net.id("farm"), net.id("mill"))
        let millWheat = try net.raise("mill", "100", "kg", name: "mill wheat", at: "2030-01-01T00:00:00Z")
        let farmWheat = try net.raise("farm", "1", "kg", name: "farm wheat", at: "2030-01-01T00:00:00Z")
        let commitment = try net.post("mill", ["@type": "Commitment", "action": "transfer", "provider": .string(mill), "receiver": .string(farm),
                                               "resourceInventoriedAs": ref(millWheat), "resourceQuantity": qty("10", "kg")])
        let agreement = try net.post("mill", ["@type": "Agreement", "name": "wheat for the farm", "stipulates": ref(commitment)])
        let log = try LogStore(path: directory + "/log.sqlite")
        for feed in try net.feeds() { _ = try log.ingest(feed) }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: log)
        let f = Farm(net: net, log: log, store: store, lots: [], process: agreement)
        let take = Array(#"{"@type":"EconomicEvent","action":"transfer","provider":"\#(mill)","receiver":"\#(farm)","hasPointInTime":"2031-01-01T00:00:00Z","resourceQuantity":{"hasNumericalValue":"10","hasUnit":"kg"},"resourceInventoriedAs":"\#(millWheat)","toResourceInventoriedAs":"\#(farmWheat)","fulfills":"\#(commitment)"}"#.utf8)
        let accept = Array(#"{"@type":"Acceptance","accepts":"\#(agreement)"}"#.utf8)
        let (verdicts, _, expected) = try check(f, [take, accept])
        XCTAssertEqual(verdicts, expected)
        guard case .refused? = verdicts.first else { return XCTFail("the farm may not take the mill's wheat before it accepts: \(verdicts)") }
    }

    /// A commitment's quantity must be in its resource's unit, which an event in the same batch
    /// may give it: the two name the same resource, so they are not folded together.
    func testACommitmentIsCheckedAfterAnEventThatGivesItsResourceAUnit() throws {
        let f = try farm()
        let bin = try f.net.event("raise", provider: "farm", ["newInventoriedResource": ["name": "bin"], "hasPointInTime": "2030-02-01T00:00:00Z"])
        try hold(f)
        let binID = ResourceID(createdBy: bin)
        XCTAssertNil(try f.store.reader(log: f.log).resource(binID)?.unit, "the bin has no unit yet")
        let fill = event(f, "raise", #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"resourceInventoriedAs":"\#(binID)""#)
        let promise = Array(#"{"@type":"Commitment","action":"transfer","provider":"\#(f.farm)","receiver":"\#(f.farm)","resourceInventoriedAs":"\#(binID)","resourceQuantity":{"hasNumericalValue":"3","hasUnit":"lb"}}"#.utf8)
        let (verdicts, _, expected) = try check(f, [fill, promise])
        XCTAssertEqual(verdicts, expected)
        guard case let .refused(reason)? = verdicts.last, reason.contains("lb") else { return XCTFail("\(verdicts)") }
    }

    /// Published, the entries of runs folded together, and of one rolled back, leave the tables
    /// as a rebuild derives them.
    func testPublishedRunsMatchARebuild() throws {
        let f = try farm()
        let key = f.net.key("farm")
        var payloads: [[UInt8]] = []
        for lot in 0..<4 { payloads += [consume(f, lot, "1"), produce(f, "flour \(lot)")] }
        // Kept: lot 0's consume in June is folded again, for the first payload alone.
        payloads += [consume(f, 0, "1", at: "2030-03-01T00:00:00Z"), consume(f, 1, "1"), produce(f, "bran")]
        // Rolled back: the move from lot 2 in June reaches lot 3, which another payload names.
        payloads += [consume(f, 0, "1"), consume(f, 2, "1", at: "2030-03-01T00:00:00Z"), consume(f, 3, "1"), produce(f, "chaff")]
        XCTAssertEqual(try check(f, payloads).updates, 1 + 1 + (1 + 4), "two runs kept, then one rolled back and its four alone")
        let signer = try LogStore(path: directory + "/log.sqlite")
        let (outcome, _) = try f.store.signAndPublish(payloads, key: key, log: signer)
        XCTAssertEqual(outcome, .published)
        XCTAssertEqual(try f.log.head(of: key.feed)?.sequence, 7 + UInt64(payloads.count))
        try assertMatchesRebuild(f.store, f.log)
    }
}
