import CSodium

/// The libsodium primitives the log format is built on, behind a small, typed surface.
///
/// `sodium_init` is idempotent and thread-safe; it runs once, before the first primitive is used.
public enum Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    @inline(__always)
    static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise")
    }

    /// Fills a buffer with cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }

    /// BLAKE2b with a 32-byte digest and no key (`crypto_generichash`).
    public static func blake2b256(_ bytes: UnsafeRawBufferPointer) -> Hash32 {
        ensureInitialized()
        var out = Hash32.zero
        withUnsafeMutableBytes(of: &out.storage) { o in
            _ = crypto_generichash(
                o.baseAddress!.assumingMemoryBound(to: UInt8.self), 32,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count),
                nil, 0)
        }
        return out
    }

    public static func blake2b256(_ bytes: [UInt8]) -> Hash32 {
        bytes.withUnsafeBytes { blake2b256($0) }
    }

    /// Verifies a detached Ed25519 signature.
    public static func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, publicKey: UnsafeRawBufferPointer) -> Bool {
        ensureInitialized()
        guard signature.count == 64, publicKey.count == 32 else { return false }
        return crypto_sign_verify_detached(
            signature.baseAddress!.assumingMemoryBound(to: UInt8.self),
            message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!,
            UInt64(message.count),
            publicKey.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
    }
}
