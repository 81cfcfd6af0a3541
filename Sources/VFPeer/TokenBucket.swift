import NIOCore

/// A token bucket: `rate` tokens a second, at most `burst` saved up. Strangers share one for
/// their bytes (``Node/Configuration/strangerBytesPerSecond``), so however many of them send at
/// once the node reads them at a bounded rate, and one for the rows they get in the peer table.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private var left: Double
    private var asOf: NIODeadline

    init(perSecond: Int, burst: Int, now: NIODeadline = .now()) {
        rate = Double(max(1, perSecond))
        self.burst = Double(max(1, burst))
        left = self.burst
        asOf = now
    }

    /// Takes `tokens`; returns how long to wait before taking more: zero while the bucket
    /// lasts, else the time to refill what was overdrawn.
    mutating func charge(_ tokens: Int, now: NIODeadline = .now()) -> TimeAmount {
        let elapsed = max(0, Double((now - asOf).nanoseconds) / 1e9)
        left = min(burst, left + elapsed * rate) - Double(tokens)
        asOf = now
        return left >= 0 ? .zero : .nanoseconds(Int64((-left / rate * 1e9).rounded(.up)))
    }
}
