import Foundation

/// Standard base64 (RFC 4648 §4, with padding), parsed strictly.
///
/// Identifiers are compared as text by people and programs, so exactly one spelling of each
/// value is accepted: no whitespace, no URL-safe alphabet, no missing padding, and no
/// non-zero bits in the unused part of the last character.
package enum StrictBase64 {
    package static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    package static func decode(_ text: Substring, expectedCount: Int) -> [UInt8]? {
        let expectedLength = (expectedCount + 2) / 3 * 4
        guard text.utf8.count == expectedLength,
              let data = Data(base64Encoded: String(text)),
              data.count == expectedCount
        else { return nil }
        let bytes = [UInt8](data)
        // Re-encoding rejects the non-canonical spellings Foundation tolerates.
        guard encode(bytes) == text else { return nil }
        return bytes
    }

    /// Any number of bytes, at most `maximumCount`, in their one canonical spelling.
    package static func decode(_ text: String, maximumCount: Int) -> [UInt8]? {
        guard text.utf8.count <= (maximumCount + 2) / 3 * 4, let data = Data(base64Encoded: text), data.count <= maximumCount else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
