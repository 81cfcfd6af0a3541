/// The reader of the strict JSON profile of docs/protocol.md §5, the only one in the node:
/// payloads, contacts, the graph and HTTP request bodies are all read through it, so two
/// nodes never disagree about whether some bytes are JSON.
///
/// The profile in short: UTF-8 with no byte order mark; RFC 8259's grammar and nothing more;
/// member names unique as code point sequences after unescaping; `\u` escapes never leave a
/// lone surrogate; numbers of any size and precision, kept as written; no value deeper than
/// ``maximumDepth``. Reading is linear in the input and allocates in proportion to it (and, with
/// ``parse(_:maximumValues:)``, to the values a format allows).
public enum JSONParser {
    /// Values nested deeper than this are refused (the top-level value has depth 1), so
    /// hostile text cannot exhaust the stack.
    public static let maximumDepth = 64

    /// Parses one JSON value occupying `bytes` (surrounding whitespace allowed). It accepts
    /// exactly what ``validate(_:)`` accepts: member names are kept apart by their bytes
    /// (``JSONName``), so `"é"` composed and decomposed are two members, as in the profile.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONScanner.scan(bytes, into: JSONTreeBuilder())
    }

    /// ``parse(_:)``, refusing text of more than `maximumValues` values (each value counts, at
    /// any depth) before building the one past the limit. For files whose format bounds how
    /// many values they hold: the tree of millions of tiny values (`[0,0,0,…]`) costs far
    /// more memory than their bytes, so it is refused while it is read, not after.
    public static func parse(_ bytes: [UInt8], maximumValues: Int) throws(JSONParseError) -> JSONValue {
        try JSONScanner.scan(bytes, into: JSONTreeBuilder(), maximumValues: maximumValues)
    }

    /// Parses JSON text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Checks that `bytes` are one JSON value under the profile, building nothing, and says
    /// which kind the top-level value is. The same scanner as ``parse(_:)``, so the two agree
    /// on every input but the one noted there.
    @discardableResult
    public static func validate(_ bytes: [UInt8]) throws(JSONParseError) -> JSONKind {
        try JSONScanner.scan(bytes, into: JSONKindBuilder())
    }
}
