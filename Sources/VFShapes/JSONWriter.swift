import VFJSON

/// JSON text written straight into bytes, with the commas and colons placed for the caller.
///
/// It writes what ``JSONText`` (JSONSerialization with sorted keys and unescaped slashes) writes
/// for the same values, byte for byte: strings with `"` and `\` escaped, `\b \t \n \f \r` for
/// those controls and `\u00xx` (lower-case hex) for the other controls below U+0020, everything
/// else — `/`, DEL, non-ASCII — as its UTF-8 bytes; integers in decimal; a ``JSONValue`` as its
/// canonical text. It does not sort: a shape writes its keys in the order JSONSerialization's
/// `.sortedKeys` gives (case-insensitive, digits by numeric value).
public struct JSONWriter {
    /// What has been written since the last ``take()``.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next key or value follows another and needs a comma first.
    private var follows = false

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes `body` writes into a new writer.
    public static func bytes(_ body: (inout JSONWriter) throws -> Void) rethrows -> [UInt8] {
        var writer = JSONWriter()
        try body(&writer)
        return writer.bytes
    }

    /// The bytes written so far, leaving the writer empty (for writing a long listing in pieces).
    /// The writer keeps its place: the next value continues the taken ones, with the comma one
    /// is due.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// Ends a line of JSON lines: a newline, and the next value starts a document of its own.
    public mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        follows = false
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// An array of `items`, each written by `write`.
    public mutating func array<Items: Sequence>(_ items: Items, _ write: (Items.Element, inout JSONWriter) throws -> Void) rethrows {
        beginArray()
        for item in items { try write(item, &self) }
        endArray()
    }

    /// A key of the object being written: plain ASCII that needs no escaping, as every key of
    /// the shapes is.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        follows = false
    }

    public mutating func string(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { escape($0) }
        follows = true
    }

    /// The string, or `null`.
    public mutating func string(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    public mutating func null() { literal("null") }

    public mutating func bool(_ value: Bool) { literal(value ? "true" : "false") }

    public mutating func integer(_ value: Int64) {
        separate()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            digits(value.magnitude)
        } else {
            digits(UInt64(value))
        }
        follows = true
    }

    public mutating func integer(_ value: UInt64) {
        separate()
        digits(value)
        follows = true
    }

    public mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// A ``JSONValue`` as its canonical text (``JSONValue/serialized``).
    public mutating func json(_ value: JSONValue) {
        separate()
        bytes.append(contentsOf: value.serialized)
        follows = true
    }

    /// A string whose text is `prefix`, the standard padded base64 of `raw`, then `suffix`:
    /// an id's text form written without building the string.
    public mutating func base64String(prefix: StaticString, _ raw: UnsafeRawBufferPointer, suffix: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        Self.base64(raw, into: &bytes)
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        follows = true
    }

    // MARK: private

    private mutating func separate() {
        if follows { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        follows = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        follows = true
    }

    private mutating func literal(_ text: StaticString) {
        separate()
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        follows = true
    }

    private mutating func digits(_ value: UInt64) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &buffer) { out in
            var rest = value, start = out.count
            repeat {
                start -= 1
                out[start] = 48 + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[start...]))
        }
    }

    /// The string's UTF-8 between quotes: runs that need no escape are copied whole.
    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        for index in 0 ..< utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start ..< index]))
            start = index + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func base64(_ raw: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let alphabet = base64Alphabet
        var index = 0
        while index + 3 <= raw.count {
            let n = UInt32(raw[index]) << 16 | UInt32(raw[index + 1]) << 8 | UInt32(raw[index + 2])
            out.append(alphabet[Int(n >> 18)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        switch raw.count - index {
        case 1:
            let n = UInt32(raw[index]) << 16
            out.append(alphabet[Int(n >> 18)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        case 2:
            let n = UInt32(raw[index]) << 16 | UInt32(raw[index + 1]) << 8
            out.append(alphabet[Int(n >> 18)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        default:
            break
        }
    }
}
