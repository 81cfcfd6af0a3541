import CSodium
import VFLog

/// The handful of libsodium primitives the Scuttlebutt protocol needs, behind
/// Swift signatures that cannot be called with the wrong buffer sizes.
///
/// Every entry point makes sure `sodium_init()` has run; libsodium documents
/// that calling it more than once is harmless, but the `static let` keeps it to once.
enum NaCl {
    private static let initialized: Bool = sodium_init() >= 0

    private static func ensureInitialized() {
        precondition(initialized, "libsodium could not be initialised")
    }

    /// SHA-256 over the concatenation of `parts`, streamed so that secrets are
    /// never copied into a temporary concatenation buffer.
    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        ensureInitialized()
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        for part in parts {
            crypto_hash_sha256_update(&state, part, UInt64(part.count))
        }
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        crypto_hash_sha256_final(&state, &digest)
        sodium_memzero(&state, MemoryLayout<crypto_hash_sha256_state>.size)
        return digest
    }

    /// BLAKE2b-256 of the bytes `produce` passes to its argument, piece by piece: a clock of a
    /// million feeds is hashed without first being laid out as 40 MB.
    static func blake2b256(_ produce: (_ update: (UnsafeRawBufferPointer) -> Void) -> Void) -> Hash32 {
        ensureInitialized()
        // The state is 64-byte aligned in C, which Swift cannot import as a type.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        defer { memory.deallocate() }
        let state = OpaquePointer(memory)
        crypto_generichash_init(state, nil, 0, 32)
        produce { bytes in
            _ = crypto_generichash_update(state, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }
        var digest = [UInt8](repeating: 0, count: 32)
        crypto_generichash_final(state, &digest, 32)
        return Hash32(bytes: digest)!
    }

    /// HMAC-SHA-512-256 (`crypto_auth`), the "nacl_auth" of the protocol guide.
    static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(key.count == Int(crypto_auth_KEYBYTES))
        var tag = [UInt8](repeating: 0, count: Int(crypto_auth_BYTES))
        crypto_auth(&tag, message, UInt64(message.count), key)
        return tag
    }

    /// Constant-time check of an HMAC-SHA-512-256 tag.
    static func verifyAuthentication(_ tag: [UInt8], message: [UInt8], key: [UInt8]) -> Bool {
        ensureInitialized()
        precondition(key.count == Int(crypto_auth_KEYBYTES))
        guard tag.count == Int(crypto_auth_BYTES) else { return false }
        return crypto_auth_verify(tag, message, UInt64(message.count), key) == 0
    }

    /// X25519. Returns nil when the peer's point yields the all-zero secret
    /// (a low-order point), which libsodium reports as failure.
    static func scalarMultiply(secretKey: [UInt8], publicKey: [UInt8]) -> [UInt8]? {
        ensureInitialized()
        precondition(secretKey.count == Int(crypto_scalarmult_SCALARBYTES))
        guard publicKey.count == Int(crypto_scalarmult_BYTES) else { return nil }
        var shared = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        guard crypto_scalarmult(&shared, secretKey, publicKey) == 0 else { return nil }
        return shared
    }

    /// Ed25519 public key to Curve25519; nil for keys that are not valid points.
    static func curve25519PublicKey(fromEd25519 publicKey: [UInt8]) -> [UInt8]? {
        ensureInitialized()
        guard publicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return nil }
        var curve = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        guard crypto_sign_ed25519_pk_to_curve25519(&curve, publicKey) == 0 else { return nil }
        return curve
    }

    /// Ed25519 secret key (64 bytes) to a Curve25519 scalar. Callers wipe the result.
    static func curve25519SecretKey(fromEd25519 secretKey: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(secretKey.count == Int(crypto_sign_SECRETKEYBYTES))
        var curve = [UInt8](repeating: 0, count: Int(crypto_scalarmult_SCALARBYTES))
        _ = crypto_sign_ed25519_sk_to_curve25519(&curve, secretKey)
        return curve
    }

    /// Deterministic Ed25519 key pair from a 32-byte seed.
    static func signingKeyPair(seed: [UInt8]) -> (publicKey: [UInt8], secretKey: [UInt8]) {
        ensureInitialized()
        precondition(seed.count == Int(crypto_sign_SEEDBYTES))
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
        return (publicKey, secretKey)
    }

    static func signDetached(_ message: [UInt8], secretKey: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(secretKey.count == Int(crypto_sign_SECRETKEYBYTES))
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
        return signature
    }

    static func verifyDetached(_ signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        ensureInitialized()
        guard signature.count == Int(crypto_sign_BYTES),
              publicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// `crypto_secretbox_easy`: 16-byte tag followed by the ciphertext.
    static func seal(_ message: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES))
        precondition(key.count == Int(crypto_secretbox_KEYBYTES))
        var box = [UInt8](repeating: 0, count: message.count + Int(crypto_secretbox_MACBYTES))
        crypto_secretbox_easy(&box, message, UInt64(message.count), nonce, key)
        return box
    }

    /// Opens a `crypto_secretbox_easy` box; nil when the tag does not verify.
    static func open(_ box: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES))
        precondition(key.count == Int(crypto_secretbox_KEYBYTES))
        guard box.count >= Int(crypto_secretbox_MACBYTES) else { return nil }
        var message = [UInt8](repeating: 0, count: box.count - Int(crypto_secretbox_MACBYTES))
        guard crypto_secretbox_open_easy(&message, box, UInt64(box.count), nonce, key) == 0 else {
            return nil
        }
        return message
    }

    /// `crypto_secretbox_detached`: the tag and ciphertext apart, as box stream
    /// carries the body's tag inside the header.
    static func sealDetached(
        _ message: [UInt8], nonce: [UInt8], key: [UInt8]
    ) -> (tag: [UInt8], ciphertext: [UInt8]) {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES))
        precondition(key.count == Int(crypto_secretbox_KEYBYTES))
        var ciphertext = [UInt8](repeating: 0, count: message.count)
        var tag = [UInt8](repeating: 0, count: Int(crypto_secretbox_MACBYTES))
        crypto_secretbox_detached(&ciphertext, &tag, message, UInt64(message.count), nonce, key)
        return (tag, ciphertext)
    }

    static func openDetached(
        _ ciphertext: [UInt8], tag: [UInt8], nonce: [UInt8], key: [UInt8]
    ) -> [UInt8]? {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES))
        precondition(key.count == Int(crypto_secretbox_KEYBYTES))
        guard tag.count == Int(crypto_secretbox_MACBYTES) else { return nil }
        var message = [UInt8](repeating: 0, count: ciphertext.count)
        guard crypto_secretbox_open_detached(
            &message, ciphertext, tag, UInt64(ciphertext.count), nonce, key
        ) == 0 else {
            return nil
        }
        return message
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Overwrites `bytes` with zeros in a way the optimiser may not elide.
    /// Only the buffer `bytes` owns is wiped: copies made earlier keep their contents.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress {
                sodium_memzero(base, buffer.count)
            }
        }
    }
}
