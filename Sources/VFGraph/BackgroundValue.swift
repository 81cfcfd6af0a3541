import Dispatch

/// A value computed on another thread while the caller goes on with other work: a rebuild
/// decodes each page of the log on any core, and lists what it changed while the tables are
/// finished.
final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting for it.
    private var value: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            value = body()
            done.signal()
        }
    }

    /// Waits for the value; call once.
    func wait() -> T {
        done.wait()
        return value!
    }
}
