import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` on every core, in contiguous chunks, preserving order: for pure work on
    /// independent items, such as decoding payloads. The result does not depend on how the
    /// chunks are scheduled.
    package func concurrentMap<R>(minimumChunk: Int = 256, _ transform: @Sendable (Element) -> R) -> [R] {
        // Small inputs first: asking for the processor count reads files (cgroup quotas).
        guard count >= 2 * minimumChunk else { return map(transform) }
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard cores > 1 else { return map(transform) }
        let chunks = Swift.min(count / minimumChunk, cores * 4)
        return [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = DisjointWrites(base: buffer.baseAddress!)
            withUnsafeBufferPointer { input in
                let source = DisjointWrites(base: UnsafeMutablePointer(mutating: input.baseAddress!))
                let total = input.count
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in total * chunk / chunks..<total * (chunk + 1) / chunks {
                        (output.base + i).initialize(to: transform(source.base[i]))
                    }
                }
            }
            initialized = count
        }
    }
}

/// A pointer shared by worker threads that each touch their own range of it.
private struct DisjointWrites<T>: @unchecked Sendable {
    package let base: UnsafeMutablePointer<T>
}
