import ArgumentParser
import NIOCore

/// A `--timeout` in seconds, checked before it becomes a `TimeAmount`: a value a user typed
/// (`1e300`, `nan`, `-1`) must be refused with a message, not trap in the conversion.
struct TimeoutSeconds: ExpressibleByArgument, Sendable {
    /// A week: longer than any sync needs, and far inside `TimeAmount`'s range.
    static let maximum = 604_800.0

    let seconds: Double

    init(_ seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value > 0, value <= Self.maximum else { return nil }
        seconds = value
    }

    var defaultValueDescription: String { "\(seconds)" }

    var amount: TimeAmount { .milliseconds(Int64((seconds * 1000).rounded(.up))) }
}
