import CSodium

extension Sodium {
    /// Argon2id v1.3 (`crypto_pwhash` with `crypto_pwhash_ALG_ARGON2ID13`): a 32-byte key from a
    /// passphrase and a 16-byte salt. Nil if libsodium refuses (the memory could not be had).
    static func argon2id(passphrase: [UInt8], salt: [UInt8], opslimit: UInt64, memlimit: UInt64) -> [UInt8]? {
        ensureInitialized()
        precondition(salt.count == Int(crypto_pwhash_SALTBYTES))
        var key = [UInt8](repeating: 0, count: 32)
        // A terminating zero gives an empty passphrase an address too; it is not hashed.
        var terminated = passphrase + [0]
        defer { wipe(&terminated) }
        let status = terminated.withUnsafeBytes { pass in
            crypto_pwhash(&key, 32, pass.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(passphrase.count), salt,
                          opslimit, Int(memlimit), crypto_pwhash_ALG_ARGON2ID13)
        }
        return status == 0 ? key : nil
    }

    /// `crypto_secretbox_easy`: the 16-byte tag, then the ciphertext.
    static func secretboxSeal(_ message: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES) && key.count == Int(crypto_secretbox_KEYBYTES))
        var box = [UInt8](repeating: 0, count: message.count + Int(crypto_secretbox_MACBYTES))
        crypto_secretbox_easy(&box, message, UInt64(message.count), nonce, key)
        return box
    }

    /// Opens a `crypto_secretbox_easy` box; nil when the tag does not verify.
    static func secretboxOpen(_ box: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        ensureInitialized()
        precondition(nonce.count == Int(crypto_secretbox_NONCEBYTES) && key.count == Int(crypto_secretbox_KEYBYTES))
        guard box.count >= Int(crypto_secretbox_MACBYTES) else { return nil }
        var message = [UInt8](repeating: 0, count: box.count - Int(crypto_secretbox_MACBYTES))
        guard crypto_secretbox_open_easy(&message, box, UInt64(box.count), nonce, key) == 0 else { return nil }
        return message
    }

    /// Overwrites `bytes` with zeros (`sodium_memzero`), so a key does not linger in freed memory.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } }
    }
}
