import Foundation
import VFJSON

/// Serialises `[String: Any]` values — the small answers: a node's address, peers, sync status,
/// errors, a command's report — with a stable key order and slashes unescaped (ids are base64
/// and full of them). The graph and entry shapes, written by the thousand, go through
/// ``JSONWriter`` instead, which writes the same bytes this would.
///
/// A ``JSONValue`` inside (a payload, as ``EntryJSON`` gives it) is written as its canonical
/// text (``JSONValue/serialized``): its numbers stay as written, which `JSONSerialization`,
/// going through `Double`, could not promise.
public enum JSONText {
    /// The UTF-8 bytes; `null` for a value JSONSerialization cannot write.
    public static func data(_ value: Any) -> Data {
        guard containsJSONValue(value) else { return write(value) }
        var embedded: [JSONValue] = []
        // JSONSerialization cannot take text as written, so each JSONValue goes in as a string
        // no other can equal (a fresh random marker), and its text replaces that string after.
        let marker = "vf-json-value-\(UInt64.random(in: .min ... .max))-\(UInt64.random(in: .min ... .max))-"
        let written = write(replacingValues(value, marker: marker, into: &embedded))
        return Data(splice(Array(written), marker: Array("\"\(marker)".utf8), embedded))
    }

    private static func write(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data("null".utf8)
    }

    /// Whether `value` holds a ``JSONValue`` anywhere (most listings hold none and are written
    /// without a copy).
    private static func containsJSONValue(_ value: Any) -> Bool {
        switch value {
        case is JSONValue: true
        case let object as [String: Any]: object.values.contains(where: containsJSONValue)
        case let array as [Any]: array.contains(where: containsJSONValue)
        default: false
        }
    }

    /// ``data(_:)`` as text.
    public static func string(_ value: Any) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    private static func replacingValues(_ value: Any, marker: String, into embedded: inout [JSONValue]) -> Any {
        switch value {
        case let json as JSONValue:
            embedded.append(json)
            return marker + String(embedded.count - 1)
        case let object as [String: Any]:
            return object.mapValues { replacingValues($0, marker: marker, into: &embedded) }
        case let array as [Any]:
            return array.map { replacingValues($0, marker: marker, into: &embedded) }
        default:
            return value
        }
    }

    /// `written` with each `"MARKERn"` replaced by the canonical text of `embedded[n]`.
    private static func splice(_ written: [UInt8], marker: [UInt8], _ embedded: [JSONValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(written.count)
        var k = 0
        while k < written.count {
            if written[k] == UInt8(ascii: "\""), written[k...].starts(with: marker) {
                var end = k + marker.count, index = 0
                while end < written.count, written[end] != UInt8(ascii: "\"") {
                    index = index * 10 + Int(written[end] - UInt8(ascii: "0"))
                    end += 1
                }
                out += embedded[index].serialized
                k = end + 1
            } else {
                out.append(written[k])
                k += 1
            }
        }
        return out
    }
}
