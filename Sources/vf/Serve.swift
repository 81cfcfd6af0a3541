import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import VFAPI
import VFLog
import VFPeer

/// What the network commands share: the home's identity, store, peer table and network key.
struct NodeContext {
    let home: NodeHome
    let key: SigningKey
    let log: LogStore
    let peers: PeerStore
    let networkKey: NetworkKey

    init(_ options: HomeOptions) throws {
        home = options.resolved
        key = try home.loadKey()
        log = try home.openStore()
        peers = try PeerStore(path: home.path + "/peers.sqlite")
        networkKey = try NetworkKey.load(home: home)
    }

    var addressFile: String { home.path + "/address" }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the node in the foreground until SIGINT or SIGTERM: listen, dial known peers, gossip.",
        discussion: "Entries published on the same home while it runs (vf publish) reach connected peers within a second.")

    @OptionGroup var options: HomeOptions
    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free port.", valueName: "HOST:PORT")) var listen = "0.0.0.0:8008"
    @Option(help: "Follow-graph hops to replicate (1: only feeds you follow).") var hops = ReplicationSet.defaultHops
    @Flag(help: "Do not announce or discover peers on the local network.") var noLan = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @OptionGroup var http: HTTPOptions

    func run() async throws {
        let context = try NodeContext(options)
        let (host, port) = try parseHostPort(listen)
        var config = Node.Configuration()
        config.listenHost = host
        config.listenPort = port
        config.hops = hops
        config.lanDiscovery = !noLan
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let node = Node(key: context.key, networkKey: context.networkKey, log: context.log, peers: context.peers,
                        configuration: config, logger: Logger(label: "vf"))
        let liveGraph = try await startLiveGraph(context, node: node, logger: Logger(label: "vf"))
        let bound: SocketAddress?
        do {
            bound = try await node.start()
        } catch {
            await node.stop()
            throw CLIError("cannot start the node on \(listen): \(error)")
        }
        var peerAddress: String?
        if let bound, let boundPort = bound.port {
            let address = try MultiserverAddress(host: advertisedHost(host), port: boundPort, feed: context.key.feed)
            try (address.description + "\n").write(toFile: context.addressFile, atomically: true, encoding: .utf8)
            print(address)
            fflush(nil)
            peerAddress = address.description
        }
        let api: APIServer?
        do {
            api = try await http.start(home: context.home, node: node, log: context.log, peers: context.peers, graph: liveGraph,
                                     peerAddress: peerAddress)
        } catch {
            await node.stop()
            throw error
        }
        await waitForTerminationSignal()
        printErr("shutting down")
        await api?.stop()
        await node.stop()
    }
}

/// `HOST:PORT`, with `[v6]:PORT` for IPv6.
func parseHostPort(_ text: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
        throw ValidationError("expected HOST:PORT, got \(text)")
    }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return (host, port)
}

/// The host other machines should dial: the listening address, or this machine's first
/// non-loopback IPv4 address when listening on all interfaces.
func advertisedHost(_ listenHost: String) -> String {
    guard listenHost == "0.0.0.0" || listenHost == "::" else { return listenHost }
    let devices = (try? System.enumerateDevices()) ?? []
    for device in devices where !device.name.hasPrefix("lo") {
        if case .v4? = device.address, let ip = device.address?.ipAddress { return ip }
    }
    return "127.0.0.1"
}

/// Suspends until SIGINT or SIGTERM.
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let fired = FiredOnce(continuation)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler { fired.fire() }
            source.resume()
            SignalSources.keep(source)
        }
    }
}

private final class FiredOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
    func fire() {
        lock.withLock {
            continuation?.resume()
            continuation = nil
        }
    }
}

private enum SignalSources {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    static func keep(_ source: DispatchSourceSignal) { sources.append(source) }
}
