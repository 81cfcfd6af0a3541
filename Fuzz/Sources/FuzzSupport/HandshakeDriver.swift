import VFPeer

/// Feeds a handshake machine the bytes of one side, in chunks, and follows it into the box
/// stream when it completes: what `PeerSession` does with the bytes of a socket.
public enum HandshakeDriver {
    public static func run(_ machine: inout HandshakeStateMachine, chunks: [ArraySlice<UInt8>]) {
        var reader: BoxStreamReader?
        var failed = false
        for chunk in chunks {
            if var stream = reader {
                for event in stream.receive(chunk) { if case .failed = event { failed = true } }
                reader = stream
                continue
            }
            for action in machine.receive(chunk) {
                switch action {
                case .failed: failed = true
                case let .completed(result): reader = BoxStreamReader(result.receiving)
                case let .boxStreamBytes(bytes):
                    if var stream = reader { _ = stream.receive(bytes); reader = stream }
                case let .send(bytes):
                    fuzzRequire(!failed, "a failed handshake sends nothing more")
                    _ = bytes
                }
            }
            fuzzRequire(!failed || machine.isFinished, "a failed handshake is finished")
            if failed { fuzzRequire(machine.receive(chunk).isEmpty, "a failed handshake ignores input") }
        }
        _ = machine.peerClosed()
    }
}
