import ArgumentParser
import Foundation
import Logging
import VFAPI
import VFGraph
import VFGraphStore
import VFLog
import VFPeer

/// The options of `vf serve` for its HTTP API and web page.
struct HTTPOptions: ParsableArguments {
    @Option(name: .customLong("http"),
            help: ArgumentHelp("Serve the HTTP API and web page here (default 127.0.0.1:8650); port 0 picks a free port.", valueName: "HOST:PORT"))
    var address: String?
    @Flag(name: .customLong("no-http"), help: "Do not serve the HTTP API and web page.") var disabled = false
    @Option(name: .customLong("web-root"), help: ArgumentHelp("Serve the web page from this directory instead of the built-in one.", valueName: "DIR"))
    var webRoot: String?

    static let defaultAddress = "127.0.0.1:8650"

    func validate() throws {
        if disabled, address != nil || webRoot != nil { throw ValidationError("--no-http cannot be combined with --http or --web-root") }
        if let address { _ = try parseHostPort(address) }
    }

    /// Starts the API beside a running node, writes its URL to `HOME/http` and prints the page's
    /// address with the token. Returns nil when disabled, or when the default port is taken
    /// (another node on this machine has it): the node runs on without its page. An address given
    /// with --http that cannot be bound is an error.
    func start(home: NodeHome, node: Node, log: LogStore, peers: PeerStore, graph: LiveGraph, peerAddress: String?) async throws -> APIServer? {
        // A URL left by an earlier run must not send anyone to a port this run does not serve.
        try? FileManager.default.removeItem(atPath: home.path + "/http")
        guard !disabled else { return nil }
        let (host, port) = try parseHostPort(address ?? Self.defaultAddress)
        var configuration = APIServer.Configuration(token: try APIToken.loadOrCreate(in: home))
        configuration.host = host
        configuration.port = port
        if let webRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: webRoot, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("--web-root \(webRoot) is not a directory")
            }
            configuration.webRoot = webRoot
        } else {
            configuration.webRoot = StaticFiles.builtIn()
        }
        let context = APIContext(node: node, log: log, peers: peers, graph: LiveGraphSource(graph), peerAddress: peerAddress)
        let server = APIServer(context: context, configuration: configuration, logger: Logger(label: "vf.http"))
        let url: String
        do {
            url = try await server.start()
        } catch {
            guard address == nil else { throw CLIError("\(error)") }
            printErr("warning: \(error); running without the web page (give --http HOST:PORT, or --no-http)")
            return nil
        }
        try (url + "\n").write(toFile: home.path + "/http", atomically: true, encoding: .utf8)
        if configuration.webRoot == nil { printErr("warning: no web page found beside the executable; serving the API only") }
        printErr("web page: \(url)#token=\(configuration.token)")
        return server
    }
}
