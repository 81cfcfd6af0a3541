import Foundation
import VFLog
@testable import VFPeer
import XCTest

/// A peer that follows a script instead of the protocol: it completes a real handshake, then
/// sends exactly the bytes a test wants, to see how a node treats a broken or hostile peer.
/// Blocking POSIX sockets: simple, and nothing here needs to scale.
final class ScriptedPeer {
    private let fd: Int32
    private var writer: BoxStreamWriter?
    private var reader: BoxStreamReader?
    /// Box-stream bytes that came with the end of the handshake.
    private var early: [UInt8] = []

    /// Connects; if `handshake`, runs the Secret Handshake as client.
    init(port: Int, server: FeedID, identity: SigningKey, networkKey: NetworkKey = .default, handshake: Bool = true) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CLIFailure("connect failed: \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard handshake else { return }
        var machine = HandshakeStateMachine.client(networkKey: networkKey.bytes, identity: SigningKeyPair(seed: identity.seed),
                                                   serverPublicKey: server.bytes)
        var actions = machine.start()
        while true {
            for action in actions {
                switch action {
                case .send(let bytes): sendRaw(bytes)
                case .completed(let result):
                    writer = BoxStreamWriter(result.sending)
                    reader = BoxStreamReader(result.receiving)
                case .failed(let error): throw CLIFailure("\(error)")
                case .boxStreamBytes(let bytes): early += bytes
                }
            }
            if writer != nil { return }
            let bytes = receive()
            guard !bytes.isEmpty else { throw CLIFailure("closed during handshake") }
            actions = machine.receive(bytes)
        }
    }

    deinit { close(fd) }

    private func setReceiveTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func sendRaw(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends a frame body through the box stream, with the length prefix.
    func sendFrameBody(_ body: [UInt8]) {
        sendBoxed(FrameDecoder.frame(body))
    }

    func send(_ frame: SyncFrame) { sendFrameBody(frame.encode()) }

    func sendBoxed(_ plaintext: [UInt8]) {
        guard var writer else { return }
        sendRaw(writer.seal(plaintext))
        self.writer = writer
    }

    /// Sends hello and a clock wanting nothing, as a well-behaved peer would start.
    func greet() {
        send(.hello(version: SyncFrame.protocolVersion))
        send(.clock(full: true, final: true, base: .zero, changes: []))
    }

    /// Reads what the node sends, as sync frames, until `stop` says enough, the node says
    /// goodbye, or it closes the connection (or `seconds` pass).
    func frames(seconds: Double = 5, until stop: (SyncFrame) -> Bool = { _ in false }) throws -> (frames: [SyncFrame], goodbye: Bool, closed: Bool) {
        var frames: [SyncFrame] = [], decoder = FrameDecoder()
        let deadline = Date().addingTimeInterval(seconds)
        var pending = early
        early = []
        while Date() < deadline {
            if pending.isEmpty {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return (frames, false, true) }
                if n > 0 { pending = Array(buffer[0..<n]) }
                continue
            }
            guard var reader else { throw CLIFailure("no handshake") }
            let events = reader.receive(pending)
            self.reader = reader
            pending = []
            for event in events {
                switch event {
                case .message(let body): decoder.append(body)
                case .goodbye: return (frames, true, false)
                case .failed(let error): throw CLIFailure("box stream: \(error)")
                }
                while let body = try decoder.next() {
                    let frame = try SyncFrame.decode(body)
                    frames.append(frame)
                    if stop(frame) { return (frames, false, false) }
                }
            }
        }
        return (frames, false, false)
    }

    /// Says goodbye through the box stream.
    func sendGoodbye() {
        guard var writer else { return }
        sendRaw(writer.goodbye())
        self.writer = writer
    }

    func receive() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[0..<n]) : []
    }

    /// Whether the node closes the connection within `seconds` (reading and discarding what it sends).
    func isClosedByPeer(within seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer { setReceiveTimeout(5) }
        while Date() < deadline {
            setReceiveTimeout(min(5, max(0.01, deadline.timeIntervalSinceNow)))
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { return true }
        }
        return false
    }

    /// Total bytes the node sends before closing or going quiet for `seconds`.
    func bytesUntilClose(seconds: Double = 3) -> Int {
        var total = 0
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 && (n == 0 || (errno != EAGAIN && errno != EINTR)) { break }
            if n > 0 { total += n }
        }
        return total
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
