/// The one implementation of the JSON profile (docs/protocol.md §5): a recursive-descent
/// reader over bytes that refuses, with the byte offset, anything the profile refuses, and
/// hands what it reads to a ``JSONBuilder``.
///
/// Every byte is hostile, so each is looked at a bounded number of times: strings are decoded
/// once, a member name is compared byte by byte with at most ``linearNames`` other names of
/// its object (beyond that, it is looked up in a hash set), the depth limit stops recursion
/// early, and memory grows only with what has been read.
struct JSONScanner<Builder: JSONBuilder> {
    /// Objects with up to this many members look for duplicates by comparing names; larger
    /// ones through a set, so a payload of thousands of members stays linear.
    static var linearNames: Int { 16 }

    /// A string as scanned: its decoded bytes are `p[start..<start+count]` when it had no
    /// escape, else `scratch[0..<count]`.
    private struct ScannedString {
        var start: Int, count: Int, inScratch: Bool
    }

    /// A member name of an open object: in the input when it had no escape, else in `arena`.
    private struct Name {
        var start: Int, count: Int, inArena: Bool
    }

    private let p: UnsafeBufferPointer<UInt8>
    private var builder: Builder
    private var i = 0
    /// The decoded bytes of the string being read, when it has an escape.
    private var scratch: [UInt8] = []
    /// Decoded names (those that had escapes) of the objects being read, outermost first.
    private var arena: [UInt8] = []
    /// The names of the objects being read, outermost first: an object's own start where its
    /// members' names start, and it drops them when it ends.
    private var names: [Name] = []
    /// How many more values may start before the text is refused (``JSONParser/parse(_:maximumValues:)``).
    private var valuesLeft: Int
    private let maximumValues: Int

    private init(_ p: UnsafeBufferPointer<UInt8>, _ builder: Builder, maximumValues: Int) {
        self.p = p
        self.builder = builder
        self.maximumValues = maximumValues
        self.valuesLeft = maximumValues
    }

    /// The one value occupying `bytes`, surrounding whitespace allowed, holding at most
    /// `maximumValues` values (every value counts, at any depth, the top-level one too).
    static func scan(_ bytes: [UInt8], into builder: Builder, maximumValues: Int = .max) throws(JSONParseError) -> Builder.Value {
        let result: Result<Builder.Value, JSONParseError> = bytes.withUnsafeBufferPointer { p in
            var scanner = JSONScanner(p, builder, maximumValues: maximumValues)
            do throws(JSONParseError) { return .success(try scanner.document()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func error(_ offset: Int, _ reason: String) -> JSONParseError {
        JSONParseError(offset: offset, reason: reason)
    }

    private mutating func document() throws(JSONParseError) -> Builder.Value {
        // The profile's first rule, named for what it is rather than as an unexpected byte.
        if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            throw error(0, "byte order mark (EF BB BF): the profile refuses one")
        }
        skipWhitespace()
        let value = try self.value(depth: 1)
        skipWhitespace()
        guard i == p.count else { throw unexpected("after the value") }
        return value
    }

    private mutating func skipWhitespace() {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// The error for the byte at `i`, which no rule of the grammar expects `context`.
    private func unexpected(_ context: String) -> JSONParseError {
        guard i < p.count else { return error(i, "unexpected end of text") }
        let byte = p[i]
        switch byte {
        case 0x21...0x7E: return error(i, "unexpected character '\(Character(Unicode.Scalar(byte)))' \(context)")
        case 0x80...:
            guard let length = utf8Length(at: i) else { return error(i, "invalid UTF-8") }
            let scalar = String(decoding: UnsafeBufferPointer(rebasing: p[i..<i + length]), as: UTF8.self).unicodeScalars.first!
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return error(i, "unexpected character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex) \(context)")
        default: return error(i, "unexpected byte 0x\(byte < 16 ? "0" : "")\(String(byte, radix: 16, uppercase: true)) \(context)")
        }
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> Builder.Value {
        guard i < p.count else { throw error(i, "unexpected end of text") }
        guard depth <= JSONParser.maximumDepth else {
            throw error(i, "nested deeper than \(JSONParser.maximumDepth) levels")
        }
        guard valuesLeft > 0 else { throw error(i, "more than \(maximumValues) values") }
        valuesLeft -= 1
        switch p[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""):
            let s = try string(decoding: Builder.decodesStrings)
            guard Builder.decodesStrings else { return builder.string(UnsafeBufferPointer(start: nil, count: 0)) }
            if s.inScratch {
                let decoded = scratch
                return decoded.withUnsafeBufferPointer { builder.string(UnsafeBufferPointer(rebasing: $0[0..<s.count])) }
            }
            return builder.string(UnsafeBufferPointer(rebasing: p[s.start..<s.start + s.count]))
        case UInt8(ascii: "t"): try literal("true"); return builder.bool(true)
        case UInt8(ascii: "f"): try literal("false"); return builder.bool(false)
        case UInt8(ascii: "n"): try literal("null"); return builder.null()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            try number()
            return builder.number(UnsafeBufferPointer(rebasing: p[start..<i]))
        default: throw unexpected("where a value should start")
        }
    }

    private mutating func literal(_ text: StaticString) throws(JSONParseError) {
        let start = i
        for k in 0..<text.utf8CodeUnitCount {
            guard i < p.count, p[i] == text.utf8Start[k] else { throw error(start, "expected \(text)") }
            i += 1
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> Builder.Value {
        i += 1
        var array = builder.beginArray()
        skipWhitespace()
        if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return builder.endArray(array) }
        while true {
            skipWhitespace()
            let item = try value(depth: depth + 1)
            builder.append(item, to: &array)
            skipWhitespace()
            guard i < p.count else { throw error(i, "unexpected end of text in an array") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return builder.endArray(array) }
            throw unexpected("where , or ] should be")
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> Builder.Value {
        i += 1
        var object = builder.beginObject()
        let firstName = names.count, arenaStart = arena.count
        // Filled once the object has more than `linearNames` members.
        var seen: Set<[UInt8]>?
        defer {
            names.removeSubrange(firstName...)
            arena.removeSubrange(arenaStart...)
        }
        skipWhitespace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return builder.endObject(object) }
        while true {
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw unexpected("where a member name should be") }
            let nameAt = i
            let s = try string(decoding: true)
            let name: Name
            if s.inScratch {
                name = Name(start: arena.count, count: s.count, inArena: true)
                arena.append(contentsOf: scratch[0..<s.count])
            } else {
                name = Name(start: s.start, count: s.count, inArena: false)
            }
            if seen != nil {
                guard seen!.insert(bytes(of: name)).inserted else { throw duplicate(name, at: nameAt) }
            } else {
                for k in firstName..<names.count where same(names[k], name) { throw duplicate(name, at: nameAt) }
                if names.count - firstName == Self.linearNames {
                    seen = Set(names[firstName...].map { bytes(of: $0) } + [bytes(of: name)])
                }
            }
            names.append(name)
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw unexpected("where : should be") }
            i += 1
            skipWhitespace()
            let member = try value(depth: depth + 1)
            let held = arena  // not `self.arena` inside: the builder is part of self
            held.withUnsafeBufferPointer { a in
                builder.add(name: name.inArena ? UnsafeBufferPointer(rebasing: a[name.start..<name.start + name.count])
                                               : UnsafeBufferPointer(rebasing: p[name.start..<name.start + name.count]),
                            value: member, to: &object)
            }
            skipWhitespace()
            guard i < p.count else { throw error(i, "unexpected end of text in an object") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return builder.endObject(object) }
            throw unexpected("where , or } should be")
        }
    }

    private func bytes(of name: Name) -> [UInt8] {
        name.inArena ? Array(arena[name.start..<name.start + name.count]) : Array(p[name.start..<name.start + name.count])
    }

    private func same(_ a: Name, _ b: Name) -> Bool {
        guard a.count == b.count else { return false }
        for k in 0..<a.count {
            let x = a.inArena ? arena[a.start + k] : p[a.start + k]
            let y = b.inArena ? arena[b.start + k] : p[b.start + k]
            if x != y { return false }
        }
        return true
    }

    /// A name for an error message: decoded, and cut short if long (the message should point
    /// at the problem, not repeat the payload).
    private func quoted(_ name: Name) -> String {
        let text = String(decoding: bytes(of: name), as: UTF8.self)
        return text.count > 40 ? "\"\(text.prefix(40))…\"" : "\"\(text)\""
    }

    private func duplicate(_ name: Name, at offset: Int) -> JSONParseError {
        error(offset, "duplicate member name \(quoted(name)) (names are compared after unescaping)")
    }

    /// Reads the string whose opening quote is at `i`. With `decoding`, a string with escapes
    /// is decoded into `scratch`; without, escapes are only checked.
    private mutating func string(decoding: Bool) throws(JSONParseError) -> ScannedString {
        let open = i
        i += 1
        let start = i
        var escaped = false
        // With `escaped`, the bytes before this offset are in `scratch` already.
        var copied = start
        while true {
            while i < p.count {
                let c = p[i]
                guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") else { break }
                i += 1
            }
            guard i < p.count else { throw error(open, "unterminated string") }
            switch p[i] {
            case UInt8(ascii: "\""):
                if escaped {
                    scratch.append(contentsOf: p[copied..<i])
                    i += 1
                    return ScannedString(start: 0, count: scratch.count, inScratch: true)
                }
                i += 1
                return ScannedString(start: start, count: i - 1 - start, inScratch: false)
            case UInt8(ascii: "\\"):
                if decoding {
                    if !escaped { scratch.removeAll(keepingCapacity: true); escaped = true }
                    scratch.append(contentsOf: p[copied..<i])
                }
                try escape(decoding: decoding)
                copied = i
            case 0x80...:
                guard let length = utf8Length(at: i) else { throw error(i, "invalid UTF-8 in a string") }
                i += length
            default:
                throw error(i, "control character 0x\(p[i] < 16 ? "0" : "")\(String(p[i], radix: 16, uppercase: true)) in a string (escape it)")
            }
        }
    }

    /// Reads the escape whose backslash is at `i`, appending what it stands for to `scratch`
    /// when `decoding`.
    private mutating func escape(decoding: Bool) throws(JSONParseError) {
        let at = i
        guard i + 1 < p.count else { throw error(at, "unterminated escape") }
        let e = p[i + 1]
        i += 2
        let byte: UInt8
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte = e
        case UInt8(ascii: "b"): byte = 0x08
        case UInt8(ascii: "f"): byte = 0x0C
        case UInt8(ascii: "n"): byte = 0x0A
        case UInt8(ascii: "r"): byte = 0x0D
        case UInt8(ascii: "t"): byte = 0x09
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            switch scalar {
            case 0xD800...0xDBFF:
                guard i + 6 <= p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw error(at, "lone high surrogate \\u\(hexText(scalar)) (not followed by a \\u-escaped low surrogate)")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(at, "lone high surrogate \\u\(hexText(scalar)) (followed by \\u\(hexText(low)), not a low surrogate)")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error(at, "lone low surrogate \\u\(hexText(scalar))")
            default: break
            }
            if decoding { appendUTF8(scalar) }
            return
        default:
            let shown = e >= 0x21 && e <= 0x7E ? "\\\(Character(Unicode.Scalar(e)))" : "a backslash before byte 0x\(String(e, radix: 16, uppercase: true))"
            throw error(at, "unknown escape \(shown)")
        }
        if decoding { scratch.append(byte) }
    }

    private func hexText(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < p.count else { throw error(i, "unexpected end of text in a \\u escape") }
            let c = p[i]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error(i, "a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case ..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8(scalar >> 6 & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8(scalar >> 12 & 0x3F))
            scratch.append(0x80 | UInt8(scalar >> 6 & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `k` (Unicode's table 3-7: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), or nil.
    private func utf8Length(at k: Int) -> Int? {
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            k + offset < p.count && range.contains(p[k + offset])
        }
        switch p[k] {
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }

    /// Reads a number (RFC 8259 §6) starting at `i`; its text is the caller's from its start.
    private mutating func number() throws(JSONParseError) {
        func isDigit(_ k: Int) -> Bool { k < p.count && p[k] >= UInt8(ascii: "0") && p[k] <= UInt8(ascii: "9") }
        if p[i] == UInt8(ascii: "-") {
            i += 1
            guard isDigit(i) else { throw unexpected("where a digit should follow -") }
        }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { while isDigit(i) { i += 1 } }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw unexpected("where a digit should follow the decimal point") }
            while isDigit(i) { i += 1 }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw unexpected("where the exponent's digits should be") }
            while isDigit(i) { i += 1 }
        }
    }
}
