import Foundation
import VFAPI
import VFLog

/// Writes machine-readable output: stable key order, one document per call.
enum JSONOutput {
    static func string(_ value: Any) -> String { JSONText.string(value) }

    static func print(_ value: Any) {
        Swift.print(string(value))
    }

    /// Prints a JSON array item by item, so a long listing never sits whole in memory.
    struct ArrayStream {
        private var first = true
        mutating func append(_ value: Any) {
            Swift.print(first ? "[" : ",", terminator: "")
            Swift.print(JSONOutput.string(value), terminator: "\n")
            first = false
        }
        func close() { Swift.print(first ? "[]" : "]") }
    }

    static func entry(_ signed: SignedEntry) -> [String: Any] { EntryJSON.entry(signed) }
}

enum TimeText {
    static func iso8601(milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
