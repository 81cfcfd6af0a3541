/// JSON text broke the profile (docs/protocol.md §5); `offset` is the byte where reading stopped.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Counted from 0, in the bytes given to the parser.
    public let offset: Int
    /// What was wrong there, in words.
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
