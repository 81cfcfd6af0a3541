// vf-sync-bench: replication between real nodes over loopback TCP, with the real Secret
// Handshake and box stream, measured against libsodium's verify rate in the same run.
import CSodium
import Dispatch
import Foundation
import NIOCore
import VFLog
import VFPeer

precondition(sodium_init() >= 0)
let arguments = CommandLine.arguments
let feedCount = Int(ProcessInfo.processInfo.environment["FEEDS"] ?? "100")!
let perFeed = Int(ProcessInfo.processInfo.environment["PER_FEED"] ?? "1000")!
let root = NSTemporaryDirectory() + "vf-sync-bench-" + UUID().uuidString
defer { try? FileManager.default.removeItem(atPath: root) }

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func rawVerifyRate() -> Double {
    var pk = [UInt8](repeating: 0, count: 32), sk = [UInt8](repeating: 0, count: 64)
    crypto_sign_keypair(&pk, &sk)
    let message = [UInt8](repeating: 7, count: 213)
    var signature = [UInt8](repeating: 0, count: 64)
    crypto_sign_detached(&signature, nil, message, UInt64(message.count), sk)
    let n = 10_000
    var best = 0.0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { precondition(crypto_sign_verify_detached(signature, message, UInt64(message.count), pk) == 0) }
        best = max(best, Double(n) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    }
    return best
}

final class BenchNode: @unchecked Sendable {
    let key: SigningKey
    let log: LogStore
    let node: Node
    var address: MultiserverAddress!

    init(_ name: String, pollMilliseconds: Int64 = 200) throws {
        let home = NodeHome(path: root + "/" + name)
        key = try home.initialize()
        log = try home.openStore()
        var config = Node.Configuration()
        config.listenHost = "127.0.0.1"
        config.listenPort = 0
        config.pollInterval = .milliseconds(pollMilliseconds)
        node = Node(key: key, networkKey: .default, log: log, peers: try PeerStore(path: home.path + "/peers.sqlite"), configuration: config)
    }

    func follow(_ feed: FeedID) throws {
        try log.append(ContactPayload(contact: feed, following: true, blocking: false).json, key: key)
    }

    func start(listen: Bool = true) async throws {
        if let bound = try await node.start(listen: listen), let port = bound.port {
            address = try MultiserverAddress(host: "127.0.0.1", port: port, feed: key.feed)
        }
    }
}

// ~300-byte ValueFlows event payloads.
func payload(_ i: Int) -> [UInt8] {
    Array(#"{"@type":"EconomicEvent","action":"produce","provider":"@A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=.ed25519","receiver":"@A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=.ed25519","resourceQuantity":{"hasNumericalValue":"\#(i)","hasUnit":"kilogram"},"hasPointInTime":"2026-11-28T12:00:00Z","note":"bench entry number \#(i)"}"#.utf8)
}

// 0. Sync frames decoded and answered by the pure machine: a FULL clock of the most feeds the spec allows, in
// 1,024-change frames; we hold two entries of each feed, the peer lacks them for half.
func clockAnswerSeconds(feeds count: Int, inKeyOrder: Bool) -> Double {
    var state = UInt64(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds) | 1
    func next() -> UInt64 {  // xorshift64*: feed ids need only be distinct and spread, not secret
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 0x2545F4914F6CDD1D
    }
    let feeds = (0..<count).map { _ in FeedID(bytes: (0..<4).flatMap { _ in withUnsafeBytes(of: next()) { Array($0) } })! }
    var heads: [FeedID: UInt64] = [:]
    for feed in feeds { heads[feed] = 2 }
    let ordered = inKeyOrder ? feeds.sorted() : feeds
    var frames: [SyncFrame] = []
    for start in stride(from: 0, to: count, by: 1024) {
        let end = min(count, start + 1024)
        frames.append(.clock(full: true, final: end == count, base: .zero,
                             changes: (start..<end).map { ClockChange(feed: ordered[$0], sequence: $0 % 2 == 0 ? 0 : 2) }))
    }
    let bodies = frames.map { $0.encode() }
    var best = Double.infinity
    for _ in 0..<Int(ProcessInfo.processInfo.environment["CLOCK_ROUNDS"] ?? "1")! {
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: false)
        _ = machine.start()
        _ = machine.receive(.hello(version: SyncFrame.protocolVersion))
        var answered = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for body in bodies { answered += machine.receive(try! SyncFrame.decode(body)).count }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        precondition(answered == count / 2 + 3, "expected a plan, \(count / 2) ranges, caught-up and the clock to remember")
    }
    return best
}
let clockFeeds = Int(ProcessInfo.processInfo.environment["CLOCK_FEEDS"] ?? "1000000")!
for inKeyOrder in [true, false] {
    print(String(format: "  sync frames decoded and answered: FULL clock of %d feeds, %@  %8.3f s (store not included)",
                 clockFeeds, inKeyOrder ? "in key order" : "unordered  ", clockAnswerSeconds(feeds: clockFeeds, inKeyOrder: inKeyOrder)))
}
if arguments.contains("clock") { exit(0) }

// 1. Initial sync: 100 feeds × 1,000 entries from A to B.
let a = try BenchNode("a"), b = try BenchNode("b")
print("preparing \(feedCount) feeds × \(perFeed) entries …")
var authors: [FeedID] = []
for _ in 0..<feedCount {
    let author = SigningKey()
    authors.append(author.feed)
    try a.log.appendBatch((0..<perFeed).map(payload), key: author)
}
for feed in authors { try a.follow(feed); try b.follow(feed) }
try await a.start()
try await b.start(listen: false)
let verifyBefore = rawVerifyRate()
var summary: SyncSummary!
let elapsed = try await seconds { summary = try await b.node.syncOnce(with: a.address, timeout: .seconds(600)) }
let verifyAfter = rawVerifyRate()
precondition(summary.error == nil && summary.caughtUp, "sync failed: \(summary.error ?? "not caught up")")
let moved = summary.stored
let raw = (verifyBefore + verifyAfter) / 2
let rate = Double(moved) / elapsed
print("")
print(String(format: "  libsodium Ed25519 verify (1 core)            %10.0f /s  (before %.0f, after %.0f)", raw, verifyBefore, verifyAfter))
print(String(format: "  initial sync, %d feeds × %d entries        %10.0f entries/s  %.2f × raw verify   (target ≥ 0.6: %@)",
             feedCount, perFeed, rate, rate / raw, rate / raw >= 0.6 ? "met" : "MISSED"))
print(String(format: "    %d entries, %.1f MB received in %.2f s", moved, Double(summary.bytesIn) / 1e6, elapsed))

// 2. Idle reconnect with 1,000 followed feeds.
let c = try BenchNode("c"), d = try BenchNode("d")
var many: [FeedID] = []
for _ in 0..<1000 {
    let author = SigningKey()
    many.append(author.feed)
    try c.log.append(payload(0), key: author)
}
for feed in many { try c.follow(feed); try d.follow(feed) }
try await c.start()
try await d.start(listen: false)
/// d's clock now, which it sends on its next connection.
func dClock() throws -> FeedClock {
    try d.node.replicator.clock(wanted: d.node.replicator.wantedFeeds(), heads: d.node.replicator.heads())
}
/// Waits until c has stored d's clock as d sent it: the base of d's next delta.
func cRemembers(_ clock: FeedClock) async throws {
    while try c.node.replicator.peers.clocks(for: d.key.feed).peer != clock { try await Task.sleep(nanoseconds: 10_000_000) }
}
var sent = try dClock()
let first = try await d.node.syncOnce(with: c.address, timeout: .seconds(120))
precondition(first.error == nil)
try await cRemembers(sent)
// The next delta names the 1,000 feeds that moved (docs/protocol.md §11); the one after, none.
sent = try dClock()
let afterTransfer = try await d.node.syncOnce(with: c.address, timeout: .seconds(60))
precondition(afterTransfer.error == nil && afterTransfer.caughtUp)
try await cRemembers(sent)
let idle = try await d.node.syncOnce(with: c.address, timeout: .seconds(60))
precondition(idle.error == nil && idle.caughtUp)
let idleBytes = idle.bytesIn + idle.bytesOut
print(String(format: "  idle reconnect, 1000 followed feeds          %10d bytes both ways, handshake included (first sync: %d; the one after it, naming the 1000 feeds that moved: %d)   (target < 1024: %@)",
             idleBytes, first.bytesIn + first.bytesOut, afterTransfer.bytesIn + afterTransfer.bytesOut, idleBytes < 1024 ? "met" : "MISSED"))

// 3. A new entry crossing a 5-node chain: n0 → n1 → n2 → n3 → n4, live connections.
var chain: [BenchNode] = []
for i in 0..<5 { chain.append(try BenchNode("chain\(i)", pollMilliseconds: 1000)) }
for node in chain.dropFirst() { try node.follow(chain[0].key.feed) }
for node in chain { try await node.start() }
for i in 0..<4 { try chain[i].node.replicator.peers.addPeer(chain[i + 1].address, source: "bench") }
try await Task.sleep(nanoseconds: 2_500_000_000)
var latencies: [Double] = []
for round in 0..<10 {
    let before = try chain[4].log.head(of: chain[0].key.feed)?.sequence ?? 0
    let start = DispatchTime.now().uptimeNanoseconds
    try await chain[0].node.publish(payload(round))
    while (try chain[4].log.head(of: chain[0].key.feed)?.sequence ?? 0) <= before {
        try await Task.sleep(nanoseconds: 200_000)
        if DispatchTime.now().uptimeNanoseconds - start > 10_000_000_000 { fatalError("entry did not cross the chain in 10 s") }
    }
    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
latencies.sort()
print(String(format: "  new entry across a 5-node chain (4 hops)     median %.1f ms, max %.1f ms over %d entries",
             latencies[latencies.count / 2], latencies.last!, latencies.count))

for node in [a, b, c, d] + chain { await node.node.stop() }
