import Foundation
import Dispatch

extension Array where Element: Sendable {
    /// Maps on every core, in contiguous chunks, preserving order. For CPU-bound work such as
    /// signature verification, where each item is independent.
    func parallelMap<R>(minimumChunk: Int = 64, _ transform: @Sendable (Element) -> R) -> [R] {
        guard count > minimumChunk else { return map(transform) }
        let chunks = Swift.min(count / minimumChunk, ProcessInfo.activeCores * 4)
        return [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = UncheckedBuffer(base: buffer.baseAddress!)
            self.withUnsafeBufferPointer { input in
                let source = UncheckedBuffer(base: UnsafeMutablePointer(mutating: input.baseAddress!))
                let total = input.count
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = total * chunk / chunks, end = total * (chunk + 1) / chunks
                    for i in start..<end { (output.base + i).initialize(to: transform(source.base[i])) }
                }
            }
            initialized = count
        }
    }
}

/// A raw pointer handed to worker threads that write disjoint ranges.
private struct UncheckedBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}


extension ProcessInfo {
    /// Read once: asking reads files (cgroup quotas).
    static let activeCores: Int = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}
