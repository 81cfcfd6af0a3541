import VFJSON

/// The JSON a payload struct was read from: the payload's bytes, parsed again only when
/// someone asks for the JSON (an export), or a value already parsed.
///
/// Deriving a graph reads every payload once into typed fields; keeping the bytes instead of
/// a JSON tree is what lets it skip building the tree.
package enum PayloadSource: Sendable, Equatable {
    case bytes([UInt8])
    case value(JSONValue)

    package var json: JSONValue {
        switch self {
        case let .value(value): value
        // Bytes are kept only after they parsed, so parsing them again succeeds.
        case let .bytes(bytes): (try? JSONParser.parse(bytes)) ?? .null
        }
    }

    /// Equal when they hold the same JSON, whichever form each keeps.
    package static func == (a: PayloadSource, b: PayloadSource) -> Bool {
        if case let .bytes(x) = a, case let .bytes(y) = b, x == y { return true }
        return a.json == b.json
    }
}
