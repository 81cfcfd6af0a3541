/// What a completed handshake establishes: who the other peer is and the
/// parameters of the two box streams, one per direction.
public struct HandshakeResult: Sendable, Hashable {
    /// The other peer's long-term Ed25519 public key, now authenticated.
    public let remotePublicKey: [UInt8]
    /// Key and starting nonce for what we send (a `BoxStreamWriter`).
    public let sending: BoxStreamParameters
    /// Key and starting nonce for what we receive (a `BoxStreamReader`).
    public let receiving: BoxStreamParameters

    /// Assembles a result; normally produced by `SecretHandshake.sessionKeys`.
    public init(remotePublicKey: [UInt8], sending: BoxStreamParameters, receiving: BoxStreamParameters) {
        self.remotePublicKey = remotePublicKey
        self.sending = sending
        self.receiving = receiving
    }
}
