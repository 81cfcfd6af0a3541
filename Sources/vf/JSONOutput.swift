import Foundation
import VFGraph
import VFLog

/// Writes machine-readable output: stable key order, one document per call.
enum JSONOutput {
    static func string(_ value: Any) -> String { JSONText.string(value) }

    static func print(_ value: Any) {
        Swift.print(string(value))
    }

    /// Prints the value `write` writes, and a newline.
    static func print(_ write: (inout JSONWriter) throws -> Void) rethrows {
        var writer = JSONWriter()
        try write(&writer)
        StandardOutput.write(writer.bytes + [UInt8(ascii: "\n")])
    }

    /// Prints a JSON array item by item, one item a line, so a long listing never sits whole
    /// in memory: `[` item, then `,` item on each next line, then `]`.
    struct ArrayStream {
        private var first = true
        private var buffer: [UInt8] = []

        mutating func append(_ write: (inout JSONWriter) -> Void) {
            buffer.append(first ? UInt8(ascii: "[") : UInt8(ascii: ","))
            var writer = JSONWriter()
            write(&writer)
            buffer += writer.bytes
            buffer.append(UInt8(ascii: "\n"))
            first = false
            if buffer.count >= StandardOutput.chunkSize { flush() }
        }

        mutating func close() {
            buffer += Array((first ? "[]\n" : "]\n").utf8)
            flush()
        }

        private mutating func flush() {
            StandardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

enum TimeText {
    static func iso8601(milliseconds: Int64) -> String { DateTimeStamp.text(milliseconds) }
}
