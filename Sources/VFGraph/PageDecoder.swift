import Dispatch
import Foundation
import VFLog

/// Decodes pages of log records on other threads while the caller reads the next page.
///
/// Reading the log is SQLite work on one thread, and decoding payloads is pure work that any
/// core can do; done one after the other, each core waited for the other half of the time.
/// The pages come back in the order they were submitted, so the result is the same as
/// decoding them in line: ``ready()`` hands over the decoded pages at the front while later
/// ones are still being decoded, so the caller can catalogue them between reads.
final class PageDecoder: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [[Derivation.PreparedEntry]?] = []
    /// How many pages at the front were handed over already.
    private var taken = 0
    private let group = DispatchGroup()

    /// Starts decoding `records`, whose signatures the log verified when it stored them.
    func submit(_ records: [EntryRecord]) {
        lock.lock()
        let slot = pages.count
        pages.append(nil)
        lock.unlock()
        DispatchQueue.global().async(group: group) { [self] in
            let prepared = records.map { Derivation.PreparedEntry(GraphEntry($0, verified: true)) }
            lock.lock()
            pages[slot] = prepared
            lock.unlock()
        }
    }

    /// The decoded pages at the front not handed over yet, in submission order; does not wait.
    func ready() -> [[Derivation.PreparedEntry]] {
        lock.lock()
        defer { lock.unlock() }
        var result: [[Derivation.PreparedEntry]] = []
        while taken < pages.count, let page = pages[taken] {
            result.append(page)
            pages[taken] = []  // handed over: the caller holds the only reference
            taken += 1
        }
        return result
    }

    /// Every page not handed over yet, decoded, in submission order; waits for the decoding to finish.
    func finish() -> [[Derivation.PreparedEntry]] {
        group.wait()
        return ready()
    }
}
