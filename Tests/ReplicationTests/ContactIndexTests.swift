import Foundation
import VFLog
import VFTestSupport
@testable import VFPeer
import XCTest

/// The contact index reads what the log gained since it last read, and only that.
final class ContactIndexTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var log: LogStore!
    private var peers: PeerStore!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("vf-contact-index")
        log = try LogStore(path: directory.path + "/log.sqlite")
        peers = try PeerStore(path: directory.path + "/peers.sqlite")
    }

    override func tearDown() { directory.remove() }

    private func follows(_ author: FeedID) throws -> Set<FeedID> {
        try peers.contacts(me: author).follows[author] ?? []
    }

    private func contact(_ feed: FeedID, following: Bool = true) -> [UInt8] {
        ContactPayload(contact: feed, following: following, blocking: false).json
    }

    func testContactsAddedAfterAnIndexAreFoundByTheNext() throws {
        let me = SigningKey(), x = SigningKey().feed, y = SigningKey().feed
        try log.append(contact(x), key: me)
        XCTAssertTrue(try peers.indexContacts(from: log))
        XCTAssertEqual(try follows(me.feed), [x])
        XCTAssertFalse(try peers.indexContacts(from: log), "nothing new")

        // Another feed's entries arrive, then ours move on: both are read, nothing twice.
        var other = FeedBuilder()
        other.append(String(decoding: contact(y), as: UTF8.self))
        _ = try log.ingest(other.entries)
        try log.append(contact(x, following: false), key: me)
        try log.append(contact(y), key: me)
        XCTAssertTrue(try peers.indexContacts(from: log))
        XCTAssertEqual(try follows(me.feed), [y])
        XCTAssertEqual(try follows(other.key.feed), [y])
    }

    /// A log with fewer rows than were indexed was replaced: the index reads it all again,
    /// then goes on from its rows.
    func testALogReplacedByASmallerOneIsReadAgain() throws {
        let me = SigningKey(), x = SigningKey().feed
        for _ in 0..<3 { try log.append(contact(x), key: me) }
        try peers.indexContacts(from: log)
        log = nil
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory.path + "/log.sqlite" + suffix) }
        log = try LogStore(path: directory.path + "/log.sqlite")
        let you = SigningKey(), y = SigningKey().feed
        try log.append(contact(y), key: you)
        XCTAssertTrue(try peers.indexContacts(from: log))
        XCTAssertEqual(try follows(you.feed), [y])
        try log.append(contact(x), key: you)
        XCTAssertTrue(try peers.indexContacts(from: log))
        XCTAssertEqual(try follows(you.feed), [x, y])
    }
}
