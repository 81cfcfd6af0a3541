import VFLog

/// The payloads of a JSON-lines file, read a batch at a time for `vf publish --lines`: blank
/// lines skipped, and a line that is not a payload ending the batch it falls in, and the run.
/// A batch also ends early when the input has no line ready (a pipe whose writer waits, perhaps
/// for the ids of what it wrote), so what was read is stored and reported first.
struct LineBatches {
    struct Batch {
        /// Valid payloads, in order.
        var payloads: [[UInt8]] = []
        /// The line number of each payload.
        var lineNumbers: [Int] = []
        /// The line after these that is not a payload, and why; nothing is read past it.
        var stop: (line: Int, reason: String)?
    }

    private let reader: LineReader
    private let size: Int
    private var lineNumber = 0
    private var stopped = false

    init(path: String, size: Int) throws {
        reader = try LineReader(path: path)
        self.size = max(size, 1)
    }

    /// Whether ``next()`` would start without waiting for input.
    var lineReady: Bool { stopped || reader.lineReady }

    /// The next batch: up to `size` payloads, fewer at the end, before a bad line or when no line
    /// is ready; nil once the input or a bad line has ended the run.
    mutating func next() throws -> Batch? {
        guard !stopped else { return nil }
        var batch = Batch()
        while batch.payloads.count < size, batch.payloads.isEmpty || reader.lineReady, let next = try reader.next() {
            lineNumber += 1
            if next.isBlank { continue }
            // A line longer than a payload may be is refused with its whole length, and only
            // counted, not kept.
            if next.length > next.bytes.count {
                batch.stop = (lineNumber, "\(PayloadError.tooLarge(size: next.length))")
            } else {
                do { try Payload.validate(next.bytes) } catch { batch.stop = (lineNumber, "\(error)") }
            }
            if batch.stop != nil {
                stopped = true
                return batch
            }
            batch.payloads.append(next.bytes)
            batch.lineNumbers.append(lineNumber)
        }
        if batch.payloads.isEmpty { stopped = true; return nil }
        return batch
    }
}
