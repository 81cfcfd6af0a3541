import CSodium

/// An Ed25519 keypair. The secret half never leaves this type except through ``seed``,
/// which exists so the key file can be written.
public final class SigningKey: @unchecked Sendable {
    public let feed: FeedID
    /// libsodium's 64-byte secret key (seed followed by public key).
    private var secret: [UInt8]

    /// Derives the keypair deterministically from a 32-byte seed.
    public init(seed: [UInt8]) {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes")
        Sodium.ensureInitialized()
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_seed_keypair(&pk, &sk, seed)
        self.secret = sk
        self.feed = FeedID(bytes: pk)!
    }

    /// A fresh random keypair.
    public convenience init() {
        var seed = Sodium.randomBytes(32)
        self.init(seed: seed)
        sodium_memzero(&seed, 32)
    }

    deinit { sodium_memzero(&secret, secret.count) }

    /// The 32-byte seed the keypair is derived from.
    public var seed: [UInt8] { Array(secret[0..<32]) }

    /// Signs a message, returning the 64-byte detached signature.
    public func sign(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: 64)
        secret.withUnsafeBufferPointer { sk in
            _ = crypto_sign_detached(&sig, nil,
                                     message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
                                     sk.baseAddress!)
        }
        return sig
    }
}
