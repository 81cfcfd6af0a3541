import Foundation

/// Serialises the `[String: Any]` shapes of ``GraphJSON`` and ``EntryJSON``: stable key order,
/// slashes unescaped (ids are base64 and full of them), so the CLI and the API print the same bytes.
public enum JSONText {
    /// The UTF-8 bytes; `null` for a value JSONSerialization cannot write.
    public static func data(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data("null".utf8)
    }

    /// ``data(_:)`` as text.
    public static func string(_ value: Any) -> String {
        String(decoding: data(value), as: UTF8.self)
    }
}
