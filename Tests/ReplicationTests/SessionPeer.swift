import NIOCore
import VFLog
@testable import VFPeer
import XCTest

/// One side of a connection in memory: a ``PeerSession``, the feeds it holds in place of a
/// store, and what its actions left to do. No socket, no file: bytes written wait in `outbox`
/// until a test hands them to the other side, and store work waits until it is answered.
struct SessionPeer {
    let key: SigningKey
    var session: PeerSession
    var feeds: [FeedID: [SignedEntry]]
    var wanted: Set<FeedID>
    /// Bytes written and not yet handed to the other side.
    var outbox: [UInt8] = []
    /// The sizes of writes not yet reported taken by the socket.
    var unconfirmed: [Int] = []
    /// Store reads (and clock answers, which also run off the loop) asked for and not yet answered.
    var reads: [PeerSession.Action] = []
    var batches: [[SignedEntry]] = []
    var remote: FeedID?
    var begun = false
    var paused = false
    var closing: PeerSession.Closing?
    var remembered: [(clock: FeedClock, acknowledged: Bool)] = []
    /// Every action, in order.
    var actions: [PeerSession.Action] = []
    /// The most bytes ever written and not yet taken, and the most reads under way at once.
    var mostInFlight = 0
    var mostReads = 0

    init(_ role: PeerSession.Role, key: SigningKey = SigningKey(), feeds: [FeedID: [SignedEntry]] = [:], wanted: Set<FeedID> = [],
         oneShot: Bool = false, limits: PeerSession.Limits = PeerSession.Limits(), now: NIODeadline) {
        self.key = key
        self.feeds = feeds
        self.wanted = wanted
        session = PeerSession(role: role, networkKey: NetworkKey.default.bytes, identity: SigningKeyPair(seed: key.seed),
                              oneShot: oneShot, limits: limits, now: now)
    }

    var feed: FeedID { key.feed }
    var bytesInFlight: Int { unconfirmed.reduce(0, +) }

    mutating func take(_ new: [PeerSession.Action]) {
        actions += new
        for action in new {
            switch action {
            case .write(let bytes):
                outbox += bytes
                unconfirmed.append(bytes.count)
            case .flush, .chargeAllowance, .wakeUp:
                break
            case .established(let remote):
                self.remote = remote
            case .readEntries, .readForkEvidence, .answerClock:
                reads.append(action)
            case .ingest(let batch):
                batches.append(batch)
            case let .rememberClock(clock, acknowledged):
                remembered.append((clock, acknowledged))
            case .redeemInvite:
                XCTFail("no invites here")
            case .pauseReading:
                paused = true
            case .resumeReading:
                paused = false
            case .close(let closing):
                XCTAssertNil(self.closing, "closed twice")
                self.closing = closing
            }
        }
        mostInFlight = max(mostInFlight, bytesInFlight)
        mostReads = max(mostReads, reads.count)
    }

    /// What the store would say: our wanted feeds with what we hold.
    var setup: PeerSession.Setup {
        let heads = feeds.mapValues { UInt64($0.count) }
        var clock = FeedClock()
        for feed in wanted { clock[feed] = heads[feed] ?? 0 }
        return PeerSession.Setup(wants: clock, localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil, forked: [])
    }

    mutating func receive(_ bytes: [UInt8], now: NIODeadline) { take(session.receive(bytes, now: now)) }

    /// Starts the sync once the handshake is done, and answers the store reads and writes asked
    /// for; returns whether there was any to do.
    @discardableResult
    mutating func doStoreWork() -> Bool {
        var did = false
        if remote != nil, !begun, closing == nil {
            begun = true
            did = true
            take(session.begin(setup))
        }
        while !reads.isEmpty {
            did = true
            switch reads.removeFirst() {
            case let .readEntries(feed, after, through, limit):
                let held = feeds[feed] ?? []
                let end = min(Int(through), Int(after) + limit, held.count)
                take(session.entriesRead(Int(after) < end ? Array(held[Int(after)..<end]) : []))
            case .answerClock(let work):
                take(session.clockAnswered(work.run()))
            default:
                take(session.forkEvidenceRead([]))
            }
        }
        while !batches.isEmpty {
            did = true
            store(batches.removeFirst())
        }
        return did
    }

    /// Stores a batch as the log does, in sequence order, and tells the session what moved.
    mutating func store(_ batch: [SignedEntry]) {
        var rejections: [VerificationError] = [], heads: [FeedID: UInt64] = [:], stored = 0
        for signed in batch {
            let author = signed.entry.author
            var feed = feeds[author] ?? []
            if signed.entry.sequence == UInt64(feed.count + 1) {
                feed.append(signed)
                heads[author] = signed.entry.sequence
                stored += 1
            } else if signed.entry.sequence > UInt64(feed.count) {
                rejections.append(VerificationError(feed: author, sequence: signed.entry.sequence, reason: .sequenceGap(expected: UInt64(feed.count + 1))))
            }
            feeds[author] = feed
        }
        take(session.ingested(stored: stored, rejections: rejections))
        if !heads.isEmpty { take(session.localHeadsChanged(heads)) }
    }

    /// Reports the oldest `count` writes taken by the socket; returns whether there were any.
    @discardableResult
    mutating func confirmWrites(_ count: Int = .max) -> Bool {
        guard !unconfirmed.isEmpty else { return false }
        let taken = unconfirmed.prefix(count)
        unconfirmed.removeFirst(taken.count)
        for size in taken { take(session.written(size)) }
        return true
    }

    /// Hands what we wrote to `other`, unless it stopped reading; returns whether there was any.
    @discardableResult
    mutating func deliver(to other: inout SessionPeer, now: NIODeadline) -> Bool {
        guard !outbox.isEmpty, !other.paused else { return false }
        let bytes = outbox
        outbox = []
        other.receive(bytes, now: now)
        return true
    }
}

/// Runs two sides against each other until neither has anything left to do.
func exchange(_ a: inout SessionPeer, _ b: inout SessionPeer, now: NIODeadline) {
    for _ in 0..<100_000 {
        var progress = a.deliver(to: &b, now: now)
        progress = b.deliver(to: &a, now: now) || progress
        progress = a.confirmWrites() || progress
        progress = b.confirmWrites() || progress
        progress = a.doStoreWork() || progress
        progress = b.doStoreWork() || progress
        if !progress { return }
    }
    XCTFail("the sessions never settled")
}

/// A client that completes a real handshake with a server's session, then sends whatever
/// bytes a test wants through the box stream, and reads what the session sends back.
struct ScriptedClient {
    let key: SigningKey
    private var writer: BoxStreamWriter
    private var reader: BoxStreamReader
    private var frames = FrameDecoder()
    /// The session ended its stream properly.
    private(set) var heardGoodbye = false

    /// Runs the handshake with a server session, handing it bytes at `now`.
    init(handshakingWith server: inout SessionPeer, key: SigningKey = SigningKey(), now: NIODeadline) throws {
        try self.init(server: server.feed, key: key) { bytes in
            server.receive(bytes, now: now)
            defer {
                server.outbox = []
                server.confirmWrites()
            }
            return server.outbox
        }
    }

    /// Runs the handshake with `server`: `send` hands it bytes and returns what it wrote back.
    init(server: FeedID, key: SigningKey = SigningKey(), send: (_ bytes: [UInt8]) throws -> [UInt8]) throws {
        self.key = key
        var handshake = HandshakeStateMachine.client(networkKey: NetworkKey.default.bytes, identity: SigningKeyPair(seed: key.seed),
                                                     serverPublicKey: server.bytes)
        var steps = handshake.start()
        var result: HandshakeResult?
        for _ in 0..<4 where result == nil {
            var reply: [UInt8] = []
            for step in steps {
                switch step {
                case .send(let bytes): reply += try send(bytes)
                case .completed(let completed): result = completed
                case .failed(let error): throw CLIFailure("handshake: \(error)")
                case .boxStreamBytes: break
                }
            }
            if result == nil { steps = handshake.receive(reply) }
        }
        let established = try XCTUnwrap(result, "the handshake completed")
        writer = BoxStreamWriter(established.sending)
        reader = BoxStreamReader(established.receiving)
    }

    /// The frames, sealed in one packet.
    mutating func seal(_ frames: [SyncFrame]) -> [UInt8] { seal(plaintext: frames.flatMap { FrameDecoder.frame($0.encode()) }) }

    mutating func seal(plaintext: [UInt8]) -> [UInt8] { writer.seal(plaintext) }

    mutating func goodbye() -> [UInt8] { writer.goodbye() }

    /// What the session sent, as frames.
    mutating func read(_ bytes: [UInt8]) throws -> [SyncFrame] {
        var decoded: [SyncFrame] = []
        for event in reader.receive(bytes) {
            switch event {
            case .message(let body): frames.append(body)
            case .goodbye: heardGoodbye = true
            case .failed(let error): throw error
            }
            while let body = try frames.next() { decoded.append(try SyncFrame.decode(body)) }
        }
        return decoded
    }
}
