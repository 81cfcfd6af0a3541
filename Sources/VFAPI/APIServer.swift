import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VFLog

/// The node's local HTTP API and web page (docs/api.md), on Hummingbird.
public final class APIServer: Sendable {
    public struct Configuration: Sendable {
        /// The address to listen on; a loopback one keeps reads open and checks `Host`.
        public var host = "127.0.0.1"
        /// 0 picks a free port; ``start()`` returns the one bound.
        public var port = 8650
        /// The web page's directory; nil serves the API alone and answers `/` with a 404 that says why.
        public var webRoot: String?
        public var token: APIToken
        /// Overrides whether reads are open and `Host` is checked, which otherwise follows
        /// from whether ``host`` is a loopback address. For tests.
        public var loopbackOverride: Bool?

        public init(token: APIToken) {
            self.token = token
        }

        var boundToLoopback: Bool { loopbackOverride ?? AccessPolicy.isLoopbackAddress(host) }
    }

    public let configuration: Configuration
    private let context: APIContext
    private let hub = EventHub()
    private let blocking = BlockingPool()
    private let logger: Logger
    private let tasks = TaskBox()

    /// A server for `context`; nothing listens before ``start()``.
    public init(context: APIContext, configuration: Configuration, logger: Logger = Logger(label: "vf.http")) {
        self.context = context
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds and starts serving; returns the base URL, `http://HOST:PORT/`.
    public func start() async throws -> String {
        let policy = AccessPolicy(token: configuration.token, boundToLoopback: configuration.boundToLoopback)
        let responder = APIResponder(context: context, policy: policy, files: StaticFiles(root: configuration.webRoot), hub: hub,
                                     blocking: blocking)
        let bound = BoundOnce()
        let app = Application(
            responder: responder,
            // A client that sends nothing is cut off; a response in progress (the event stream,
            // which writes a keep-alive every 15 s) is not.
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in bound.resolve(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        let feed = EventFeed(context: context, hub: hub, blocking: blocking)
        // Its own group, with no signal handlers: `vf serve` decides when to stop.
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], logger: logger))
        let server = Task {
            do { try await group.run() } catch { bound.resolve(.failure(error)) }
            bound.resolve(.failure(APIServerError("the HTTP server stopped before it was listening")))
        }
        let events = Task { await feed.run() }
        tasks.set(group: group, [server, events])
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            await stop()
            throw APIServerError("cannot serve HTTP on \(configuration.host):\(configuration.port): \(error)")
        }
        return Self.url(host: configuration.host, port: port)
    }

    /// Ends open event streams, lets requests in progress finish, and stops listening.
    public func stop() async {
        hub.close()
        let (group, running) = tasks.take()
        await group?.triggerGracefulShutdown()
        for task in running.dropFirst() { task.cancel() }
        for task in running { await task.value }
        await blocking.shutdown()
    }

    /// The URL a browser on this machine opens: a wildcard address becomes loopback. Pure.
    public static func url(host: String, port: Int) -> String {
        var shown = host
        if host == "0.0.0.0" || host.isEmpty { shown = "127.0.0.1" } else if host == "::" { shown = "::1" }
        if shown.contains(":") { shown = "[\(shown)]" }
        return "http://\(shown):\(port)/"
    }
}

/// The HTTP server could not start.
public struct APIServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The bound port, or why binding failed: resolved once, awaited once.
private final class BoundOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Int, any Error>?
    private var waiter: CheckedContinuation<Int, any Error>?

    func resolve(_ outcome: Result<Int, any Error>) {
        let waiter = lock.withLock { () -> CheckedContinuation<Int, any Error>? in
            guard result == nil else { return nil }
            result = outcome
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume(with: outcome)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = lock.withLock { () -> Result<Int, any Error>? in
                if result == nil { waiter = continuation }
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// The running server's group and tasks: the server first, then the event feed.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var group: ServiceGroup?
    private var tasks: [Task<Void, Never>] = []

    func set(group: ServiceGroup, _ tasks: [Task<Void, Never>]) {
        lock.withLock {
            self.group = group
            self.tasks = tasks
        }
    }

    func take() -> (ServiceGroup?, [Task<Void, Never>]) {
        lock.withLock {
            defer { group = nil; tasks = [] }
            return (group, tasks)
        }
    }
}
