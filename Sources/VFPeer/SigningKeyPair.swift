/// A long-term Ed25519 identity: the key a peer is known by on the network.
public struct SigningKeyPair: Sendable, Hashable {
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// The 64-byte libsodium secret key (seed followed by the public key).
    public let secretKey: [UInt8]

    /// Derives the key pair deterministically from a 32-byte seed.
    public init(seed: [UInt8]) {
        let pair = NaCl.signingKeyPair(seed: seed)
        self.publicKey = pair.publicKey
        self.secretKey = pair.secretKey
    }

    /// Wraps existing keys. The caller vouches that they belong together;
    /// a mismatched pair produces signatures that peers reject.
    public init(publicKey: [UInt8], secretKey: [UInt8]) {
        precondition(publicKey.count == 32, "Ed25519 public keys are 32 bytes")
        precondition(secretKey.count == 64, "Ed25519 secret keys are 64 bytes")
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh identity from the system's secure random source.
    public static func generate() -> SigningKeyPair {
        var seed = NaCl.randomBytes(32)
        defer { NaCl.wipe(&seed) }
        return SigningKeyPair(seed: seed)
    }
}
