import Foundation
import VFLog

/// Writes machine-readable output: stable key order, one document per call.
enum JSONOutput {
    static func string(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) else {
            return "null"
        }
        return String(decoding: data, as: UTF8.self)
    }

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

    static func entry(_ signed: SignedEntry) -> [String: Any] {
        let e = signed.entry
        var object: [String: Any] = [
            "author": e.author.description,
            "sequence": e.sequence,
            "id": e.id.description,
            "previous": e.backlink?.description ?? NSNull(),
            "lipmaaLink": e.lipmaaLink?.description ?? NSNull(),
            "timestamp": e.timestamp,
            "payloadSize": e.payloadSize,
            "payloadHash": e.payloadHash.hex,
        ]
        if let payload = signed.payload, let value = try? JSONSerialization.jsonObject(with: Data(payload)) {
            object["payload"] = value
        } else {
            object["payload"] = NSNull()
        }
        return object
    }
}

enum TimeText {
    static func iso8601(milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
