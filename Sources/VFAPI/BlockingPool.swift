import NIOPosix

/// Threads of the API's own for work that blocks — SQLite reads of the log, the graph and the
/// peer table — so a slow read never holds one of Swift's cooperative threads, which every
/// request and stream shares.
final class BlockingPool: Sendable {
    private let pool: NIOThreadPool

    /// Starts `threads` threads, until ``shutdown()``.
    init(threads: Int = 2) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// Runs `body` on one of the pool's threads and returns what it returns, or throws what it throws.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Lets work in progress finish, and stops the threads.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
