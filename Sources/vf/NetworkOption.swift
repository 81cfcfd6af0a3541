import ArgumentParser
import VFPeer

/// `--network KEY`, for the commands that make a home (`vf init`, `vf restore`).
struct NetworkOption: ParsableArguments {
    @Option(help: ArgumentHelp("Join a private network: base64 of its 32-byte key (default: the public vf network).", valueName: "KEY"))
    var network: String?

    /// The key given, checked; nil for the public network.
    func key() throws -> NetworkKey? {
        try network.map { text in
            do { return try NetworkKey(base64: text) } catch { throw ValidationError("--network: \(error)") }
        }
    }
}
