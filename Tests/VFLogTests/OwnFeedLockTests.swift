import Foundation
import XCTest
@testable import VFLog

/// The mark beside the secret key and the lock it decides, as pure values, then on a real home:
/// the node never signs its own feed at or below what it once signed.
final class OwnFeedLockTests: XCTestCase {
    private let feed = SigningKey(seed: Array(repeating: 7, count: 32)).feed
    private let a = EntryID(hash: Sodium.blake2b256([1]))
    private let b = EntryID(hash: Sodium.blake2b256([2]))

    func testDecisionTable() {
        let fresh = FeedMark(feed: feed)
        XCTAssertEqual(OwnFeedLock.decide(mark: fresh, heldSequence: 0, idAtMark: nil), .unlocked)
        XCTAssertEqual(OwnFeedLock.decide(mark: fresh, heldSequence: 9, idAtMark: nil), .unlocked, "the log may be ahead of the mark")
        let at5 = FeedMark(feed: feed, sequence: 5, id: a)
        XCTAssertEqual(OwnFeedLock.decide(mark: at5, heldSequence: 5, idAtMark: a), .unlocked)
        XCTAssertEqual(OwnFeedLock.decide(mark: at5, heldSequence: 7, idAtMark: a), .unlocked)
        XCTAssertEqual(OwnFeedLock.decide(mark: at5, heldSequence: 4, idAtMark: nil), .locked(.behindMark(held: 4, mark: 5)))
        XCTAssertEqual(OwnFeedLock.decide(mark: at5, heldSequence: 0, idAtMark: nil), .locked(.behindMark(held: 0, mark: 5)))
        XCTAssertEqual(OwnFeedLock.decide(mark: at5, heldSequence: 5, idAtMark: b),
                       .locked(.otherEntryAtMark(sequence: 5, held: b, mark: a)))
        let restored = FeedMark(feed: feed, sequence: 5, id: a, restored: true)
        XCTAssertEqual(OwnFeedLock.decide(mark: restored, heldSequence: 5, idAtMark: a), .locked(.restored(held: 5)))
        // A log that lost entries is the graver reason, even for a restored identity.
        XCTAssertEqual(OwnFeedLock.decide(mark: restored, heldSequence: 2, idAtMark: nil), .locked(.behindMark(held: 2, mark: 5)))
    }

    func testConfirmation() {
        let restored = FeedMark(feed: feed, sequence: 5, id: a, restored: true)
        XCTAssertEqual(OwnFeedLock.confirmed(restored, peerHolds: 50, held: 50, heldID: b, idAtMark: a), FeedMark(feed: feed, sequence: 50, id: b))
        XCTAssertNil(OwnFeedLock.confirmed(restored, peerHolds: 50, held: 49, heldID: b, idAtMark: a), "holds less than the peer")
        XCTAssertNil(OwnFeedLock.confirmed(restored, peerHolds: 0, held: 5, heldID: a, idAtMark: a), "a peer holding nothing proves nothing")
        XCTAssertNil(OwnFeedLock.confirmed(restored, peerHolds: 3, held: 4, heldID: b, idAtMark: nil), "holds less than the mark")
        XCTAssertEqual(OwnFeedLock.confirmed(FeedMark(feed: feed, restored: true), peerHolds: 2, held: 2, heldID: b, idAtMark: nil),
                       FeedMark(feed: feed, sequence: 2, id: b))
    }

    func testMarkText() throws {
        for mark in [FeedMark(feed: feed), FeedMark(feed: feed, sequence: 2500, id: a), FeedMark(feed: feed, sequence: 3, id: b, restored: true)] {
            XCTAssertEqual(try FeedMark(parsing: Array(mark.text.utf8)), mark)
        }
        func refused(_ text: String) -> String? {
            do { _ = try FeedMark(parsing: Array(text.utf8)); return nil } catch { return "\(error)" }
        }
        let head = "feed: \(feed)\n"
        XCTAssertEqual(refused(head + "sequence: 5\n"), "malformed: sequence 5 without an id")
        XCTAssertEqual(refused(head + "sequence: 0\nid: \(a)\n"), "malformed: an id with sequence 0")
        XCTAssertEqual(refused(head + "sequence: 05\nid: \(a)\n"), "malformed: missing or invalid sequence")
        XCTAssertEqual(refused(head + "sequence: 9223372036854775808\nid: \(a)\n"), "malformed: missing or invalid sequence")
        XCTAssertEqual(refused(head + "sequence: 1\nsequence: 2\n"), "malformed: field sequence given twice")
        XCTAssertEqual(refused(head + "sequence: 0\nrestored: no\n"), "malformed: restored is no, expected yes")
        XCTAssertEqual(refused("sequence: 0\n"), "malformed: missing or invalid feed")
        XCTAssertEqual(refused(head + "sequence: 0\n" + String(repeating: "#", count: 2000)), "malformed: over 1024 bytes")
    }

    // MARK: on a home

    private func home() throws -> (NodeHome, SigningKey) {
        let home = NodeHome(path: try temporaryDirectory(self) + "/home")
        let key = try home.initialize()
        return (home, key)
    }

    func testEveryAppendMovesTheMarkAndAStoreWithoutAGuardIsFree() throws {
        let (home, key) = try home()
        let store = try home.openStore()
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read(), FeedMark(feed: key.feed))
        try store.appendBatch([Array(#"{"n":1}"#.utf8), Array(#"{"n":2}"#.utf8)], key: key)
        let last = try store.append(Array(#"{"n":3}"#.utf8), key: key)
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read(), FeedMark(feed: key.feed, sequence: 3, id: last.entry.id))
        let prepared = try store.prepareAppend([Array(#"{"n":4}"#.utf8)], key: key)
        try store.commit(prepared)
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read()?.sequence, 4)
        var info = stat()
        XCTAssertEqual(stat(home.markPath, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        // Another feed's appends neither check nor move the mark.
        try store.append(Array(#"{"n":1}"#.utf8), key: SigningKey())
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read()?.sequence, 4)
    }

    /// The attack of the issue: log.sqlite truncated to 0 bytes opens as a new, empty database.
    func testATruncatedStoreLocksTheFeed() throws {
        let (home, key) = try home()
        // Closed first (a store is closed when released): truncating a file SQLite maps is a bus error.
        do { try home.openStore().appendBatch((1...30).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key) }
        for suffix in ["", "-wal", "-shm"] { truncate(home.storePath + suffix, 0) }
        let store = try home.openStore()
        XCTAssertNil(try store.head(of: key.feed))
        XCTAssertEqual(try store.ownFeedLock(), .locked(.behindMark(held: 0, mark: 30)))
        XCTAssertThrowsError(try store.append(Array(#"{"n":31}"#.utf8), key: key)) { error in
            guard case .locked(_, .behindMark(0, 30))? = error as? AppendError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("log.sqlite holds no entry of this node's own feed but the mark beside the secret key (feed-mark) says #30"), "\(error)")
        }
        XCTAssertThrowsError(try store.prepareAppend([Array(#"{"n":31}"#.utf8)], key: key))
        XCTAssertNil(try store.head(of: key.feed), "nothing was signed")
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read()?.sequence, 30, "the mark stays where it was")
    }

    /// A writer killed between naming its entries as pending and moving the mark leaves a
    /// pending mark: settled by what the log holds, so the node is not locked either way.
    func testAnAppendCutShortLeavesAPendingMarkThatSettles() throws {
        let (home, key) = try home()
        let entries = try home.openStore().appendBatch((1...3).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        let file = FeedMarkFile(path: home.markPath)
        // The commit happened: the mark moves to the pending entry — in the reader's view; the
        // file is written only by a writer, under the log's write lock.
        let cutShort = FeedMark(feed: key.feed, sequence: 2, id: entries[1].entry.id, pending: (3, entries[2].entry.id))
        try file.write(cutShort)
        XCTAssertEqual(try home.openStore().ownFeedLock(), .unlocked)
        XCTAssertEqual(try file.read(), cutShort, "a reader writes nothing")
        XCTAssertEqual(cutShort.settled(idAtPending: entries[2].entry.id), FeedMark(feed: key.feed, sequence: 3, id: entries[2].entry.id))
        // The commit did not happen: the mark stays, without the pending entries.
        let never = try LogStore(path: home.path + "/other.sqlite").appendBatch((1...4).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        try file.write(FeedMark(feed: key.feed, sequence: 3, id: entries[2].entry.id, pending: (4, never[3].entry.id)))
        XCTAssertEqual(try home.openStore().ownFeedLock(), .unlocked)
        let fourth = try home.openStore().append(Array(#"{"n":4}"#.utf8), key: key)
        XCTAssertEqual(fourth.entry.sequence, 4)
        XCTAssertEqual(try file.read(), FeedMark(feed: key.feed, sequence: 4, id: fourth.entry.id), "the append settled it, then moved it")
        // A pending mark still locks a log that lost entries below it.
        try file.write(FeedMark(feed: key.feed, sequence: 9, id: never[3].entry.id, pending: (10, never[3].entry.id)))
        XCTAssertEqual(try home.openStore().ownFeedLock(), .locked(.behindMark(held: 4, mark: 9)))
        XCTAssertThrowsError(try FeedMark(parsing: Array("feed: \(key.feed)\nsequence: 3\nid: \(entries[2].entry.id)\npending: 2 \(entries[1].entry.id)\n".utf8)),
                             "a pending entry at or below the mark is malformed")
    }

    func testAStoreReplacedByAnotherHistoryLocks() throws {
        let (home, key) = try home()
        do { try home.openStore().append(Array(#"{"n":1}"#.utf8), key: key) }
        // The same feed's entry #1, signed elsewhere: a log with another history than the mark's.
        // Each store is released, so closed and its WAL checkpointed, before its file is moved.
        do { try LogStore(path: home.path + "/other.sqlite").append(Array(#"{"other":1}"#.utf8), key: key) }
        for suffix in ["", "-wal", "-shm"] { unlink(home.storePath + suffix) }
        try FileManager.default.copyItem(atPath: home.path + "/other.sqlite", toPath: home.storePath)
        guard case .locked(.otherEntryAtMark(1, _, _))? = try home.openStore().ownFeedLock() else { return XCTFail("not locked") }
    }

    func testRestoredHomeIsLockedUntilConfirmedOrUnlocked() throws {
        let dir = try temporaryDirectory(self)
        let key = SigningKey()
        // The feed as it really is, elsewhere: 5 entries.
        let elsewhere = try LogStore(path: dir + "/elsewhere.sqlite")
        let entries = try elsewhere.appendBatch((1...5).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        let home = NodeHome(path: dir + "/restored")
        try home.restore(key: key) { store in _ = try store.ingest(Array(entries.prefix(2))) }
        let store = try home.openStore()
        XCTAssertEqual(try store.ownFeedLock(), .locked(.restored(held: 2)))
        XCTAssertThrowsError(try store.append(Array("{}".utf8), key: key))
        XCTAssertNil(try store.confirmOwnFeed(peerHolds: 5), "holds 2 of the peer's 5")
        XCTAssertEqual(try store.ingest(Array(entries.suffix(3))).stored.count, 3)
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read(), FeedMark(feed: key.feed, sequence: 5, id: entries[4].entry.id, restored: true),
                       "received entries raise the mark; the restore still waits for a peer's word")
        XCTAssertEqual(try store.confirmOwnFeed(peerHolds: 5), FeedMark(feed: key.feed, sequence: 5, id: entries[4].entry.id))
        XCTAssertEqual(try store.ownFeedLock(), .unlocked)
        XCTAssertEqual(try store.append(Array("{}".utf8), key: key).entry.sequence, 6)

        let second = NodeHome(path: dir + "/second")
        try second.restore(key: key) { _ in }
        let secondStore = try second.openStore()
        XCTAssertThrowsError(try secondStore.append(Array("{}".utf8), key: key))
        let (before, after) = try secondStore.unlockOwnFeed()
        XCTAssertTrue(before.restored)
        XCTAssertEqual(after, FeedMark(feed: key.feed))
        XCTAssertEqual(try secondStore.append(Array("{}".utf8), key: key).entry.sequence, 1)
    }

    func testAHomeMadeBeforeMarksGetsOneFromItsLog() throws {
        let (home, key) = try home()
        let store = try home.openStore()
        let last = try store.appendBatch([Array("{}".utf8), Array("{}".utf8)], key: key)[1]
        unlink(home.markPath)
        XCTAssertEqual(try home.openStore().ownFeedLock(), .unlocked)
        XCTAssertNil(try FeedMarkFile(path: home.markPath).read(), "a reader writes no mark")
        let next = try home.openStore().append(Array("{}".utf8), key: key)
        XCTAssertEqual(next.entry.sequence, 3, "\(last.entry.sequence) then the next")
        XCTAssertEqual(try FeedMarkFile(path: home.markPath).read(), FeedMark(feed: key.feed, sequence: 3, id: next.entry.id))
    }
}
