/// Which payloads of a publish check are tried together and which go alone
/// (``GraphStore/check(_:with:)``), as the runs tried so far went: pure, so its rule is tested
/// without a database.
///
/// A run starts at ``firstRun`` payloads and doubles each time one is kept, up to the batch.
/// When one is rolled back (folding it changed events held before beyond one payload's
/// claims, ``PayloadReach/confines(_:to:)``), the next ``pause``
/// payloads go alone, then runs start again from ``firstRun``; each further rollback doubles
/// the pause, up to the batch. So a batch of back-dated payloads wastes a few folds in all,
/// and one that mixes in a few goes back to runs after each. Both bounds stop at the batch's
/// size, and are compared with it before doubling, so neither can overflow.
struct RunSchedule {
    static let firstRun = 16
    static let firstPause = 16

    /// The most payloads the next run may have.
    private(set) var most = firstRun
    /// How many payloads still go alone before runs are tried again.
    private(set) var paused = 0
    /// The pause after the next rollback.
    private(set) var pause = firstPause
    private let batch: Int

    init(batch: Int) { self.batch = max(1, batch) }

    /// Whether the next payload may start a run.
    var triesRuns: Bool { paused == 0 }

    mutating func runKept() { most = doubled(most) }

    mutating func runRolledBack() {
        paused = pause
        pause = doubled(pause)
        most = Self.firstRun
    }

    /// Twice `n`, at most the batch: compared before doubling, so it cannot overflow.
    private func doubled(_ n: Int) -> Int { n > batch / 2 ? batch : 2 * n }

    /// A payload was checked alone.
    mutating func checkedAlone() { if paused > 0 { paused -= 1 } }
}
