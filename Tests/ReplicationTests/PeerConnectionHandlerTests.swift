import Foundation
import Logging
import NIOCore
import NIOEmbedded
import VFLog
@testable import VFPeer
import VFTestSupport
import XCTest

/// The real ``PeerConnectionHandler`` on NIO's `EmbeddedChannel`, with a hub that keeps a real
/// store in a temporary directory and runs its store work when the test says: the adapter
/// between the channel, the session and the node, without a socket or a thread.
final class PeerConnectionHandlerTests: XCTestCase {
    private var channel: EmbeddedChannel!
    private var hub: RecordingHub!
    private var handler: PeerConnectionHandler!

    override func setUpWithError() throws {
        let dir = NSTemporaryDirectory() + "vf-handler-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        channel = EmbeddedChannel()
        hub = try RecordingHub(directory: dir, loop: channel.embeddedEventLoop)
        handler = PeerConnectionHandler(hub: hub, role: .server, oneShot: false, eventLoop: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8008)).wait()
    }

    override func tearDownWithError() throws {
        hub.runStoreWork()
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    /// Hands bytes both ways between the channel and `peer`, and runs both sides' store work,
    /// until nothing moves.
    private func exchange(with peer: inout SessionPeer) throws {
        for _ in 0..<10_000 {
            var progress = false
            if !peer.outbox.isEmpty, channel.isActive {
                try channel.writeInbound(ByteBuffer(bytes: peer.outbox))
                progress = true
            }
            peer.outbox = []
            while let out = try channel.readOutbound(as: ByteBuffer.self) {
                peer.receive(Array(out.readableBytesView), now: channel.embeddedEventLoop.now)
                progress = true
            }
            progress = peer.confirmWrites() || progress
            progress = peer.doStoreWork() || progress
            progress = hub.runStoreWork() || progress
            if !progress { return }
        }
        XCTFail("the connection never settled")
    }

    func testAClientSessionSyncsWithTheHandlerAndTheStoreVerifiesWhatItSent() throws {
        let client = SigningKey()
        try hub.log.append(ContactPayload(contact: client.feed, following: true, blocking: false).json, key: hub.key)
        try hub.log.appendBatch((0..<3).map { Array(#"{"n":\#($0)}"#.utf8) }, key: hub.key)
        var clientFeed = FeedBuilder(key: client)
        clientFeed.append()
        clientFeed.append()
        var peer = SessionPeer(.client(server: hub.key.feed, invite: nil), key: client, feeds: [client.feed: clientFeed.entries],
                               wanted: [client.feed, hub.key.feed], oneShot: true, now: channel.embeddedEventLoop.now)
        peer.take(peer.session.activate(now: channel.embeddedEventLoop.now))
        try exchange(with: &peer)

        XCTAssertEqual(peer.feeds[hub.key.feed]?.count, 4, "the node's contact entry and three events")
        XCTAssertEqual(try hub.log.head(of: client.feed)?.sequence, 2, "verified and stored by the real log")
        XCTAssertEqual(peer.closing, .finished)
        XCTAssertEqual(hub.registered, [client.feed])
        XCTAssertEqual(hub.unregistered, [nil])
        XCTAssertEqual(hub.stored.flatMap(\.stored).map(\.sequence), [1, 2])
        XCTAssertFalse(channel.isActive, "the handler closed the channel after the goodbye")
        let summary = try summary()
        XCTAssertNil(summary.error)
        XCTAssertTrue(summary.caughtUp)
        XCTAssertEqual(summary.peer, client.feed)
        XCTAssertEqual([summary.sent, summary.stored], [4, 2])
        XCTAssertEqual(summary.bytesIn, peer.session.bytesOut)
        XCTAssertEqual(summary.bytesOut, peer.session.bytesIn)
    }

    func testReadingPausesUntilTheStoreHasTakenTheEntries() throws {
        let mallory = SigningKey()
        try hub.log.append(ContactPayload(contact: mallory.feed, following: true, blocking: false).json, key: hub.key)
        var client = try handshake(as: mallory)
        var feed = FeedBuilder(key: mallory)
        for _ in 0..<5000 { feed.append() }
        try channel.writeInbound(ByteBuffer(bytes: client.seal([.hello(version: SyncFrame.protocolVersion),
                                                                .clock(full: true, final: true, base: .zero, changes: [])])))
        XCTAssertNil(try autoRead())
        for chunk in stride(from: 0, to: feed.entries.count, by: 500) {
            try channel.writeInbound(ByteBuffer(bytes: client.seal(feed.entries[chunk..<chunk + 500].map {
                .entry(encoded: $0.entry.encoded, payload: $0.payload)
            })))
        }
        XCTAssertEqual(try autoRead(), false, "over 4,096 entries wait for the store")
        hub.runStoreWork()
        XCTAssertEqual(try autoRead(), true, "the store took them")
        XCTAssertEqual(try hub.log.head(of: mallory.feed)?.sequence, 5000)
        XCTAssertTrue(channel.isActive)
    }

    func testAMalformedFrameClosesTheChannelWithItsReason() throws {
        var client = try handshake(as: SigningKey())
        try channel.writeInbound(ByteBuffer(bytes: client.seal(plaintext: FrameDecoder.frame([0xEE]))))
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(try summary().error, "malformed frame: unknown frame type 238")
        XCTAssertEqual(hub.unregistered, ["malformed frame: unknown frame type 238"])
        XCTAssertEqual(hub.strangersDropped, 1, "a stranger's drop is counted, not logged")
    }

    func testAHandshakeThatDoesNotEndInTimeIsClosedByTheHandlersTimer() throws {
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        XCTAssertTrue(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(try summary().error, "handshake did not complete within 10 s")
    }

    /// A scripted client past the handshake with the handler, whose sync has begun.
    private func handshake(as key: SigningKey) throws -> ScriptedClient {
        let client = try ScriptedClient(server: hub.key.feed, key: key) { bytes in
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            var reply: [UInt8] = []
            while let out = try channel.readOutbound(as: ByteBuffer.self) { reply += Array(out.readableBytesView) }
            return reply
        }
        hub.runStoreWork()
        return client
    }

    /// The handler's summary, which must be answered by now.
    private func summary() throws -> SyncSummary {
        var summary: SyncSummary?
        handler.result.futureResult.assumeIsolated().whenSuccess { summary = $0 }
        return try XCTUnwrap(summary, "the handler answered")
    }

    private func autoRead() throws -> Bool? {
        channel.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }
}

/// A hub for one handler on an `EmbeddedChannel`: a real store in a temporary directory, and
/// store work that waits until the test runs it, on the test's thread.
private final class RecordingHub: PeerHub {
    let key = SigningKey()
    let identity: SigningKeyPair
    let networkKey = NetworkKey.default
    let configuration = Node.Configuration()
    let logger: Logger
    let forkedFeeds: Set<FeedID> = []
    let log: LogStore
    private let replicator: Replicator
    private let loop: EmbeddedEventLoop
    private var work: [() -> Void] = []
    private(set) var registered: [FeedID] = []
    private(set) var unregistered: [String?] = []
    private(set) var stored: [IngestReport] = []
    private(set) var strangersDropped = 0

    init(directory: String, loop: EmbeddedEventLoop) throws {
        identity = SigningKeyPair(seed: key.seed)
        log = try LogStore(path: directory + "/log.sqlite")
        replicator = Replicator(me: key.feed, log: log, peers: try PeerStore(path: directory + "/peers.sqlite"))
        self.loop = loop
        var logger = Logger(label: "test.hub")
        logger.logLevel = .critical
        self.logger = logger
    }

    func offLoop<T: Sendable>(_ work: @escaping @Sendable (Replicator) throws -> T) -> EventLoopFuture<T> {
        let promise = loop.makePromise(of: T.self)
        let replicator = self.replicator
        self.work.append { promise.completeWith(Result { try work(replicator) }) }
        return promise.futureResult
    }

    func syncSetup(with remote: FeedID) -> EventLoopFuture<PeerSession.Setup> { offLoop { try $0.syncSetup(with: remote) } }

    /// Runs the store work asked for, and the work that leads to, until none is left; returns
    /// whether there was any.
    @discardableResult
    func runStoreWork() -> Bool {
        guard !work.isEmpty else { return false }
        while !work.isEmpty { work.removeFirst()() }
        return true
    }

    func register(_ connection: PeerConnectionHandler, remote: FeedID) -> String? {
        registered.append(remote)
        connection.recorded = true
        return nil
    }

    func unregister(_ connection: PeerConnectionHandler, error: String?) { unregistered.append(error) }
    func handshakeEnded(admittedFrom ip: String) {}
    func isStranger(_ connection: PeerConnectionHandler) -> Bool { connection.remote.map { !replicatorFollows($0) } ?? true }
    func chargeStranger(bytes: Int) -> TimeAmount { .zero }
    func noteStrangerDropped(_ reason: String) { strangersDropped += 1 }
    func entriesStored(_ report: IngestReport) { stored.append(report) }
    func ownFeedAppended(head: UInt64, wanted: Set<FeedID>) {}

    private func replicatorFollows(_ feed: FeedID) -> Bool { (try? replicator.wantedFeeds().contains(feed)) ?? false }
}
