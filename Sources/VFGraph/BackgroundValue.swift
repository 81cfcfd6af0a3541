import Dispatch

/// A value computed on another thread while the caller goes on with other work: a rebuild
/// decodes each page of the log on any core, and lists what it changed while the tables are
/// finished. The value comes back through a ``Handoff``.
package final class BackgroundValue<T: Sendable>: Sendable {
    private let result = Handoff<T>()

    package init(_ body: @escaping @Sendable () -> T) {
        let result = result
        DispatchQueue.global(qos: .userInitiated).async { result.send(body()) }
    }

    /// Waits for the value; call once.
    package func wait() -> T { result.receive()! }
}
