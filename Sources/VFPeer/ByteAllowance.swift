import NIOCore

/// A token bucket of bytes: `rate` bytes a second, at most `burst` saved up. Strangers share
/// one (``Node/Configuration/strangerBytesPerSecond``), so however many of them send at once,
/// the node reads their bytes at a bounded rate.
struct ByteAllowance: Sendable {
    let rate: Double
    let burst: Double
    private var left: Double
    private var asOf: NIODeadline

    init(bytesPerSecond: Int, burst: Int, now: NIODeadline = .now()) {
        rate = Double(max(1, bytesPerSecond))
        self.burst = Double(max(1, burst))
        left = self.burst
        asOf = now
    }

    /// Takes `bytes`; returns how long the sender should wait before more is read from it:
    /// zero while the allowance lasts, else the time to refill what was overdrawn.
    mutating func charge(_ bytes: Int, now: NIODeadline = .now()) -> TimeAmount {
        let elapsed = max(0, Double((now - asOf).nanoseconds) / 1e9)
        left = min(burst, left + elapsed * rate) - Double(bytes)
        asOf = now
        return left >= 0 ? .zero : .nanoseconds(Int64((-left / rate * 1e9).rounded(.up)))
    }
}
