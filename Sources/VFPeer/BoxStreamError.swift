/// Why a box stream was abandoned. Any of these means the stream was tampered
/// with or is not speaking box stream with our keys; the connection must close.
public struct BoxStreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The failure, comparable across reasons.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A header box did not authenticate.
        public static let headerMACInvalid = Kind("headerMACInvalid")
        /// A body did not authenticate against the tag in its header.
        public static let bodyMACInvalid = Kind("bodyMACInvalid")
        /// A header announced a body length outside 1...4096.
        public static let invalidBodyLength = Kind("invalidBodyLength")
        /// Bytes followed the goodbye header.
        public static let dataAfterGoodbye = Kind("dataAfterGoodbye")
        /// The connection ended without a goodbye, or in the middle of a packet.
        public static let truncated = Kind("truncated")
    }

    /// The failure.
    public let kind: Kind
    /// A human-readable explanation, suitable for logs.
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "box stream failed: \(reason)" }

    /// The header box did not open with our key and the expected nonce.
    public static let headerMACInvalid = BoxStreamError(
        .headerMACInvalid, "header failed to authenticate (tampered, or out of step)"
    )

    /// The body did not match the tag its header carried.
    public static let bodyMACInvalid = BoxStreamError(.bodyMACInvalid, "body failed to authenticate")

    /// The header announced `length` bytes, outside what the protocol allows.
    public static func invalidBodyLength(_ length: Int) -> BoxStreamError {
        BoxStreamError(
            .invalidBodyLength,
            "header announces a \(length)-byte body; bodies are 1 to \(BoxStream.maxBodyLength) bytes"
        )
    }

    /// The peer kept sending after saying goodbye.
    public static let dataAfterGoodbye = BoxStreamError(
        .dataAfterGoodbye, "data received after the goodbye header"
    )

    /// The stream stopped somewhere other than after a goodbye.
    public static func truncated(_ situation: String) -> BoxStreamError {
        BoxStreamError(.truncated, "stream ended \(situation)")
    }
}
