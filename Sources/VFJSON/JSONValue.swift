/// A JSON value as the node reads (``JSONParser/parse(_:)``) and writes it.
///
/// Numbers keep their literal text: a payload's quantities must never pass through binary
/// floating point, and `JSONSerialization` would turn `0.1` into a `Double`. Object members
/// are keyed by ``JSONName``, compared by bytes as the profile compares them.
public enum JSONValue: Equatable, Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written (JSON number grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONName: JSONValue])

    /// The members of an object; nil for any other value.
    public var objectValue: [JSONName: JSONValue]? {
        if case let .object(members) = self { members } else { nil }
    }

    /// The text of a string; nil for any other value.
    public var stringValue: String? {
        if case let .string(text) = self { text } else { nil }
    }

    /// A member of an object; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? { objectValue?[JSONName(key)] }

    /// Canonical UTF-8 text: object keys sorted by their UTF-8 bytes, no insignificant
    /// whitespace, strings escaped minimally. Equal values give equal bytes.
    public var serialized: [UInt8] {
        var out = [UInt8]()
        write(to: &out)
        return out
    }

    /// ``serialized`` as a string.
    public var serializedString: String { String(decoding: serialized, as: UTF8.self) }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case let .bool(value): out += Array((value ? "true" : "false").utf8)
        case let .number(text): out += Array(text.utf8)
        case let .string(text): Self.writeString(text, to: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted()
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key.text, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 0x0A: out += [92, UInt8(ascii: "n")]
            case 0x0D: out += [92, UInt8(ascii: "r")]
            case 0x09: out += [92, UInt8(ascii: "t")]
            case 0..<0x20: out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
