import Dispatch

/// One value passed from one thread to another, once: the receiver waits for it. The first
/// ``send(_:)`` counts; sending nil tells the receiver the sender gave up.
package final class Handoff<Value: Sendable>: @unchecked Sendable {
    // Written once, before `ready` is signalled; read after waiting for it.
    private var value: Value?
    private var sent = false
    private let lock = DispatchSemaphore(value: 1)
    private let ready = DispatchSemaphore(value: 0)

    /// Hands `value` over; does nothing if something was sent already.
    package func send(_ value: Value?) {
        lock.wait()
        defer { lock.signal() }
        guard !sent else { return }
        sent = true
        self.value = value
        ready.signal()
    }

    /// Waits for the value; nil if the sender gave up. Call once.
    package func receive() -> Value? {
        ready.wait()
        return value
    }
}
