import NIOCore

/// The clock of one connection past its handshake: when the peer must have said `hello` and
/// started its clock, how long a begun frame may take, and how long a stranger may sit idle.
/// Pure: the handler reports what happened and asks, on the node's poll, whether time is up.
struct ConnectionDeadlines: Sendable {
    struct Limits: Sendable {
        var setup: TimeAmount
        var partialFrame: TimeAmount
        var strangerIdle: TimeAmount
    }

    private let established: NIODeadline
    private var framesReceived = 0
    /// Since when part of a packet or a frame has waited for the rest.
    private var partialSince: NIODeadline?
    /// When bytes last moved either way.
    private(set) var lastActivity: NIODeadline

    init(established: NIODeadline) {
        self.established = established
        lastActivity = established
    }

    /// Bytes arrived; `complete` says whether they ended on a frame boundary.
    mutating func received(at now: NIODeadline, complete: Bool) {
        lastActivity = now
        if complete { partialSince = nil } else if partialSince == nil { partialSince = now }
    }

    mutating func sent(at now: NIODeadline) { lastActivity = now }

    mutating func frameDecoded() { framesReceived += 1 }

    /// The node did not read for a while, or does not now (its allowance for strangers ran
    /// out, it is storing entries or answering a clock): a frame under way gets its full time again.
    mutating func resumedReading(at now: NIODeadline) {
        if partialSince != nil { partialSince = now }
    }

    /// Why the connection should close at `now`, if it should.
    func expired(at now: NIODeadline, stranger: Bool, limits: Limits) -> String? {
        if framesReceived < 2, now - established > limits.setup {
            return "no hello and clock within \(Self.text(limits.setup)) of the handshake"
        }
        if let partialSince, now - partialSince > limits.partialFrame {
            return "a frame took longer than \(Self.text(limits.partialFrame)) to arrive"
        }
        if stranger, now - lastActivity > limits.strangerIdle {
            return "a stranger idle for \(Self.text(limits.strangerIdle))"
        }
        return nil
    }

    static func text(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
