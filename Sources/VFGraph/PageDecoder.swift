import Dispatch
import Foundation
import VFLog

/// Decodes pages of log records on other threads while the caller reads the next page.
///
/// Reading the log is SQLite work on one thread, and decoding payloads is pure work that any
/// core can do; done one after the other, each core waited for the other half of the time.
/// The pages come back in the order they were submitted, so the result is the same as
/// decoding them in line.
final class PageDecoder: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [[Derivation.PreparedEntry]?] = []
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

    /// Every page submitted, decoded, in submission order; waits for the decoding to finish.
    func finish() -> [Derivation.PreparedEntry] {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return pages.flatMap { $0! }
    }
}
