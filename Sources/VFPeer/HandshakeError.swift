/// Why a secret handshake was abandoned.
///
/// `kind` is for code that reacts to particular failures; `reason` is for
/// people reading logs and says what most likely went wrong.
public struct HandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The step that failed, comparable across reasons.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A hello's HMAC did not verify under our network key.
        public static let helloMACMismatch = Kind("helloMACMismatch")
        /// A peer offered a key that cannot take part in a Diffie-Hellman exchange.
        public static let invalidKey = Kind("invalidKey")
        /// The client authenticate box (message 3) did not open.
        public static let clientAuthUnreadable = Kind("clientAuthUnreadable")
        /// The client's signature in message 3 did not verify.
        public static let clientAuthSignatureInvalid = Kind("clientAuthSignatureInvalid")
        /// The server accept box (message 4) did not open.
        public static let serverAcceptUnreadable = Kind("serverAcceptUnreadable")
        /// The server's signature in message 4 did not verify.
        public static let serverAcceptSignatureInvalid = Kind("serverAcceptSignatureInvalid")
        /// A message arrived with the wrong size, or at a time no message was due.
        public static let protocolViolation = Kind("protocolViolation")
        /// The connection ended before the handshake did.
        public static let connectionClosed = Kind("connectionClosed")
    }

    /// The step that failed.
    public let kind: Kind
    /// A human-readable explanation, suitable for logs.
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "handshake failed: \(reason)" }

    /// The hello sent by `sender` carried an HMAC made with another network key.
    public static func helloMACMismatch(from sender: HandshakeRole) -> HandshakeError {
        HandshakeError(.helloMACMismatch, "wrong network key: \(sender) hello HMAC mismatch")
    }

    /// The ephemeral key sent by `sender` is a low-order point.
    public static func weakEphemeralKey(from sender: HandshakeRole) -> HandshakeError {
        HandshakeError(.invalidKey, "\(sender) ephemeral key is a low-order point")
    }

    /// A long-term key of `owner` cannot be converted to Curve25519 or yields no shared secret.
    public static func invalidLongTermKey(of owner: HandshakeRole) -> HandshakeError {
        HandshakeError(.invalidKey, "\(owner) long-term key is not usable for key agreement")
    }

    /// Message 3 did not open. The hellos already proved a shared network key, so
    /// the client most likely dialled us expecting a different server key, or the
    /// message was altered in transit.
    public static let clientAuthUnreadable = HandshakeError(
        .clientAuthUnreadable,
        "client authenticate box failed to open: the client expected a different server key, or the message was altered"
    )

    /// Message 3 opened but its signature does not match the claimed client key.
    public static let clientAuthSignatureInvalid = HandshakeError(
        .clientAuthSignatureInvalid, "client authenticate signature invalid"
    )

    /// Message 4 did not open: the server is not the peer that saw our messages.
    public static let serverAcceptUnreadable = HandshakeError(
        .serverAcceptUnreadable, "server accept box failed to open"
    )

    /// Message 4 opened but is not signed by the server key we dialled.
    public static let serverAcceptSignatureInvalid = HandshakeError(
        .serverAcceptSignatureInvalid, "server accept signature invalid"
    )

    /// A message of the wrong size was handed to a handshake step.
    public static func wrongLength(of message: String, expected: Int, got: Int) -> HandshakeError {
        HandshakeError(.protocolViolation, "\(message) must be \(expected) bytes, got \(got)")
    }

    /// Bytes arrived when the handshake expected none.
    public static func unexpectedBytes(_ situation: String) -> HandshakeError {
        HandshakeError(.protocolViolation, "unexpected bytes: \(situation)")
    }

    /// The peer hung up mid-handshake; `situation` says which message was awaited.
    public static func connectionClosed(_ situation: String) -> HandshakeError {
        HandshakeError(.connectionClosed, "connection closed \(situation)")
    }
}
