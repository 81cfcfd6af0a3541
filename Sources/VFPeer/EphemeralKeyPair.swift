/// A Curve25519 key pair used for one handshake only; losing it later costs
/// nothing, which is where the handshake's forward secrecy comes from.
public struct EphemeralKeyPair: Sendable, Hashable {
    /// The 32-byte Curve25519 public key sent in the hello.
    public let publicKey: [UInt8]
    /// The 32-byte Curve25519 secret scalar.
    public let secretKey: [UInt8]

    /// Derives the pair from 32 bytes of randomness the way the reference
    /// implementation does (an Ed25519 seed converted to Curve25519), so that
    /// recorded test vectors can be replayed. Never reuse a seed.
    public init(seed: [UInt8]) {
        var signing = NaCl.signingKeyPair(seed: seed)
        defer { NaCl.wipe(&signing.secretKey) }
        guard let curvePublic = NaCl.curve25519PublicKey(fromEd25519: signing.publicKey) else {
            // An Ed25519 key made by libsodium from any seed is a valid point.
            preconditionFailure("libsodium produced an unconvertible Ed25519 key")
        }
        self.publicKey = curvePublic
        self.secretKey = NaCl.curve25519SecretKey(fromEd25519: signing.secretKey)
    }

    /// A fresh pair from the system's secure random source.
    public static func generate() -> EphemeralKeyPair {
        var seed = NaCl.randomBytes(32)
        defer { NaCl.wipe(&seed) }
        return EphemeralKeyPair(seed: seed)
    }
}
