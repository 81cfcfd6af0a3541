// vf-hostile-bench: how an honest peer's sync fares while strangers attack the node it syncs
// with, against the same sync on a quiet node, and what the node costs idle afterwards.
//
// The attack: HOSTILE connections from made-up identities that complete the handshake, greet
// and then hold their connection (reconnecting whenever the node closes one), plus CLOCKERS
// connections that each send a FULL clock of CLOCK_FEEDS feeds, hold the connection
// CLOCK_HOLD seconds (default 15: long enough for the node to read the whole clock at its
// allowance for strangers and answer it) and come back under a new identity. Everything runs on this machine, attackers included, so they
// compete with the node for its two cores. Each hostile connection comes from its own
// loopback address (127.0.0.2 onwards), as from a botnet, so the node's cap per address
// does not stop them; ONE_ADDRESS=1 sends them all from 127.0.0.2 instead.
//
// Then a peer the node follows sends a FULL clock of KNOWN_CLOCK_FEEDS feeds (default
// 1,000,000, the protocol's maximum; strangers are held to fewer), asking for all the node
// holds (FEEDS=1000000 makes that the whole clock): the figure is the longest
// the node's event loop, which all its connections share, kept a call waiting meanwhile.
import CSodium
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import VFLog
import VFPeer

precondition(sodium_init() >= 0)
let environment = ProcessInfo.processInfo.environment
let entryCount = Int(environment["ENTRIES"] ?? "2000")!
let hostileCount = Int(environment["HOSTILE"] ?? "200")!
let clockerCount = Int(environment["CLOCKERS"] ?? "1")!
let clockFeeds = Int(environment["CLOCK_FEEDS"] ?? "1000000")!
let rounds = Int(environment["ROUNDS"] ?? "5")!
let clockHold = Double(environment["CLOCK_HOLD"] ?? "15")!
let attackSeconds = Double(environment["ATTACK_SECONDS"] ?? "30")!
let oneAddress = environment["ONE_ADDRESS"] == "1"
let followedFeeds = Int(environment["FEEDS"] ?? "10000")!
let knownClockFeeds = Int(environment["KNOWN_CLOCK_FEEDS"] ?? "1000000")!
let quietLogs = environment["LOG"] == nil
let root = NSTemporaryDirectory() + "vf-hostile-bench-" + UUID().uuidString
defer { try? FileManager.default.removeItem(atPath: root) }

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

final class BenchNode: @unchecked Sendable {
    let key: SigningKey
    let log: LogStore
    let node: Node
    var address: MultiserverAddress!

    init(_ name: String, key: SigningKey = SigningKey(), configure: (inout Node.Configuration) -> Void = { _ in }) throws {
        let home = NodeHome(path: root + "/" + name)
        self.key = try home.initialize(key: key)
        log = try home.openStore()
        var config = Node.Configuration()
        config.listenHost = "127.0.0.1"
        config.listenPort = 0
        configure(&config)
        var logger = Logger(label: "bench.\(name)")
        logger.logLevel = quietLogs ? .critical : .info
        node = Node(key: key, networkKey: .default, log: log, peers: try PeerStore(path: home.path + "/peers.sqlite"),
                    configuration: config, logger: logger)
    }

    func follow(_ feeds: [FeedID]) throws {
        try log.appendBatch(feeds.map { ContactPayload(contact: $0, following: true, blocking: false).json }, key: key)
    }

    func start(listen: Bool = true) async throws {
        if let bound = try await node.start(listen: listen), let port = bound.port {
            address = try MultiserverAddress(host: "127.0.0.1", port: port, feed: key.feed)
        }
    }
}

func payload(_ i: Int) -> [UInt8] {
    Array(#"{"@type":"EconomicEvent","action":"produce","provider":"@A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=.ed25519","receiver":"@A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=.ed25519","resourceQuantity":{"hasNumericalValue":"\#(i)","hasUnit":"kilogram"},"hasPointInTime":"2026-11-28T12:00:00Z","note":"bench entry number \#(i)"}"#.utf8)
}

/// A made-up identity (or the one given) that completes the Secret Handshake, then sends the
/// frames it was given.
final class HostileClient: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: HandshakeStateMachine
    private var writer: BoxStreamWriter?
    private let frames: [[UInt8]]
    let established: EventLoopPromise<Void>

    init(server: FeedID, frames: [[UInt8]], identity: SigningKey = SigningKey(), eventLoop: EventLoop) {
        machine = .client(networkKey: NetworkKey.default.bytes, identity: SigningKeyPair(seed: identity.seed), serverPublicKey: server.bytes)
        self.frames = frames
        established = eventLoop.makePromise()
    }

    func channelActive(context: ChannelHandlerContext) { perform(machine.start(), context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard writer == nil else { return }
        var buffer = unwrapInboundIn(data)
        perform(machine.receive(buffer.readBytes(length: buffer.readableBytes) ?? []), context)
    }

    func channelInactive(context: ChannelHandlerContext) { established.fail(ChannelError.ioOnClosedChannel) }

    private func perform(_ actions: [HandshakeStateMachine.Action], _ context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let bytes): write(bytes, context)
            case .completed(let result):
                var writer = BoxStreamWriter(result.sending)
                for chunk in frames { write(writer.seal(chunk), context) }
                self.writer = writer
                established.succeed(())
            case .failed: context.close(promise: nil)
            case .boxStreamBytes: break
            }
        }
        context.flush()
    }

    private func write(_ bytes: [UInt8], _ context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}

/// Keeps `count` hostile connections open until `stop`, replacing each one the node closes.
final class Attack: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let lock = NSLock()
    private var running = true
    private var channels: [ObjectIdentifier: Channel] = [:]
    private(set) var connections = 0

    private var nextSource = 0

    /// With an `identity`, every connection is that peer's; else each is a new stranger.
    func keep(_ count: Int, at address: MultiserverAddress, frames: [[UInt8]], holdSeconds: Double? = nil, identity: SigningKey? = nil) {
        for _ in 0..<count {
            let source = oneAddress ? 0 : lock.withLock { defer { nextSource += 1 }; return nextSource }
            connect(address, frames, holdSeconds, identity, from: try! SocketAddress(ipAddress: "127.0.\(source / 250).\(source % 250 + 2)", port: 0))
        }
    }

    private func connect(_ address: MultiserverAddress, _ frames: [[UInt8]], _ holdSeconds: Double?, _ identity: SigningKey?,
                         from source: SocketAddress) {
        guard lock.withLock({ running }) else { return }
        let loop = group.next()
        ClientBootstrap(group: loop)
            .bind(to: source)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HostileClient(server: address.feed, frames: frames,
                                                                                 identity: identity ?? SigningKey(), eventLoop: channel.eventLoop))
                }
            }
            .connect(host: address.host, port: address.port)
            .whenComplete { [self] outcome in
                guard case .success(let channel) = outcome else {
                    loop.scheduleTask(in: .milliseconds(100)) { self.connect(address, frames, holdSeconds, identity, from: source) }
                    return
                }
                let id = ObjectIdentifier(channel)
                lock.withLock { channels[id] = channel; connections += 1 }
                if let holdSeconds {
                    loop.scheduleTask(in: .milliseconds(Int64(holdSeconds * 1000))) { channel.close(promise: nil) }
                }
                channel.closeFuture.whenComplete { _ in
                    self.lock.withLock { _ = self.channels.removeValue(forKey: id) }
                    loop.scheduleTask(in: .milliseconds(100)) { self.connect(address, frames, holdSeconds, identity, from: source) }
                }
            }
    }

    func stop() async {
        let open = lock.withLock { running = false; return Array(channels.values) }
        for channel in open { try? await channel.close() }
        try? await Task.sleep(nanoseconds: 300_000_000)
        try? await group.shutdownGracefully()
    }
}

func framed(_ frame: SyncFrame) -> [UInt8] { FrameDecoder.frame(frame.encode()) }

// The node under attack holds ENTRIES events of its own and FEEDS other feeds of one entry
// each (what a pub holds; they matter for its idle cost), and follows the honest peers that
// will sync with it.
print("preparing: a node with \(entryCount) events and \(followedFeeds) other feeds …")
// Honest peers: ROUNDS on the quiet node, then one after another for ATTACK_SECONDS.
let honestKeys = (0..<(rounds + 400)).map { _ in SigningKey() }
let server = try BenchNode("server")
try server.log.appendBatch((0..<entryCount).map(payload), key: server.key)
var others: [SignedEntry] = []
for _ in 0..<followedFeeds {
    let author = SigningKey()
    let body = payload(0)
    let entry = EntryCodec.sign(key: author, sequence: 1, timestamp: 0, payloadSize: UInt32(body.count),
                                payloadHash: Payload.hash(body), backlink: nil, lipmaaLink: nil)
    others.append(SignedEntry(entry: entry, payload: body))
}
_ = try server.log.ingest(others)
let knownClocker = SigningKey()
try server.follow(honestKeys.map(\.feed) + [knownClocker.feed])
try await server.start()

/// One honest peer's first sync of everything the server holds for it, in seconds.
func honestSync(_ index: Int) async throws -> Double {
    let honest = try BenchNode("honest\(index)", key: honestKeys[index])
    try honest.follow([server.key.feed])
    try await honest.start(listen: false)
    let start = now()
    let summary = try await honest.node.syncOnce(with: server.address, timeout: .seconds(120))
    let elapsed = Double(now() - start) / 1e9
    await honest.node.stop()
    guard summary.error == nil, summary.caughtUp, summary.stored >= entryCount else {
        fatalError("honest sync \(index) failed: \(summary.error ?? "not caught up"), stored \(summary.stored)")
    }
    return elapsed
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var quiet: [Double] = []
for i in 0..<rounds { quiet.append(try await honestSync(i)) }

/// A FULL clock of `feeds` feeds, encoded once: frames of at most 1,024 changes, the last FINAL.
/// The first are `held` (asked for from sequence 0), the rest made up.
func hugeClockFrames(_ feeds: Int, held: [FeedID] = []) -> [[UInt8]] {
    var clockFrames: [[UInt8]] = [framed(.hello(version: SyncFrame.protocolVersion))]
    var changes: [ClockChange] = []
    changes.reserveCapacity(1024)
    for i in 0..<feeds {
        var bytes = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: UInt64(i).bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        changes.append(ClockChange(feed: i < held.count ? held[i] : FeedID(bytes: bytes)!, sequence: 0))
        if changes.count == 1024 || i == feeds - 1 {
            clockFrames.append(framed(.clock(full: true, final: i == feeds - 1, base: .zero, changes: changes)))
            changes.removeAll(keepingCapacity: true)
        }
    }
    return clockFrames
}
// Box-stream packets carry at most 4,096 bytes: the client seals each chunk.
func chunks(_ frames: [[UInt8]]) -> [[UInt8]] {
    let all = frames.flatMap { $0 }
    return stride(from: 0, to: all.count, by: 4096).map { Array(all[$0..<min($0 + 4096, all.count)]) }
}
let greeting = chunks([framed(.hello(version: SyncFrame.protocolVersion)), framed(.clock(full: true, final: true, base: .zero, changes: []))])
let hugeClock = chunks(hugeClockFrames(clockFeeds))
print("attack: \(hostileCount) idle strangers, \(clockerCount) sending a \(clockFeeds)-feed clock (\(hugeClock.count * 4096 / 1_000_000) MB) every \(clockHold) s")

let attack = Attack()
attack.keep(hostileCount, at: server.address, frames: greeting)
attack.keep(clockerCount, at: server.address, frames: hugeClock, holdSeconds: clockHold)
try await Task.sleep(nanoseconds: 3_000_000_000)
var attacked: [Double] = []
let attackStart = now()
while Double(now() - attackStart) / 1e9 < attackSeconds, rounds + attacked.count < honestKeys.count {
    attacked.append(try await honestSync(rounds + attacked.count))
}
let attempts = attack.connections
let held = await server.node.connectedPeers().count
await attack.stop()

// A known peer's huge clock, while a call waits its turn on the node's loop again and again.
// It asks for every feed the node holds (its own and FEEDS others) from the start, so the
// answer is a range per held feed to queue and send.
let knownClock = Attack()
let knownClockFrames = chunks(hugeClockFrames(knownClockFeeds, held: [server.key.feed] + others.map(\.entry.author)))
let probeStart = now()
knownClock.keep(1, at: server.address, frames: knownClockFrames, holdSeconds: 30, identity: knownClocker)
var longestLoopWait = 0.0
while Double(now() - probeStart) / 1e9 < 12 {
    let sent = now()
    _ = await server.node.connectedPeers()
    longestLoopWait = max(longestLoopWait, Double(now() - sent) / 1e9)
    try await Task.sleep(nanoseconds: 2_000_000)
}
let knownClockerHeld = await server.node.connectedPeers().contains(knownClocker.feed)
await knownClock.stop()

// Idle afterwards: the node alone, nothing connected.
try await Task.sleep(nanoseconds: 2_000_000_000)
/// CPU ticks of each thread of this process, by name and id.
func threadTicks() -> [String: Int] {
    var ticks: [String: Int] = [:]
    for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let name = stat[stat.index(after: stat.firstIndex(of: "(")!)..<close]
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        ticks["\(name)#\(task)"] = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }
    return ticks
}
let ticksBefore = threadTicks()
let cpuBefore = cpuSeconds(), wallBefore = now()
try await Task.sleep(nanoseconds: 5_000_000_000)
let idleCPU = (cpuSeconds() - cpuBefore) / (Double(now() - wallBefore) / 1e9)
if environment["IDLE_DETAIL"] != nil {
    for (thread, ticks) in threadTicks() where ticks - (ticksBefore[thread] ?? 0) > 0 {
        print("    idle: \(thread) used \(ticks - (ticksBefore[thread] ?? 0)) ticks")
    }
}

let ratio = median(attacked) / median(quiet)
print("")
print(String(format: "  honest sync of %d entries, quiet node       median %.3f s  (%@)", entryCount, median(quiet),
             quiet.map { String(format: "%.3f", $0) }.joined(separator: " ")))
let sortedAttacked = attacked.sorted()
print(String(format: "  the same under attack, for %.0f s            median %.3f s, 90th percentile %.3f s, max %.3f s over %d syncs",
             attackSeconds, median(attacked), sortedAttacked[sortedAttacked.count * 9 / 10], sortedAttacked.last ?? 0, attacked.count))
print(String(format: "  ratio                                      %.2f ×   (target ≤ 2: %@)", ratio, ratio <= 2 ? "met" : "MISSED"))
print("    \(attempts) hostile connections made; the node held \(held) connections when the attack stopped")
print(String(format: "  longest wait of the node's event loop while a known peer's %d-feed clock (%d of them held here) came and was answered: %.1f ms%@",
             knownClockFeeds, min(knownClockFeeds, followedFeeds + 1), longestLoopWait * 1000, knownClockerHeld ? "" : " (the peer was cut off!)"))
print(String(format: "  idle CPU afterwards, holding %d feeds      %.1f %% of a core (5 s)", followedFeeds + 1, idleCPU * 100))
await server.node.stop()
