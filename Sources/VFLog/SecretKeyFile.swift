import Foundation

/// The file holding a node's Ed25519 seed. Created with mode 0600 and refused, like ssh
/// refuses a private key, when group or others may read or write it.
///
/// Format (docs/protocol.md, "Secret key file"): `#` comment lines, then
/// `ed25519-seed: <base64 of 32 bytes>` and `id: <feed id>`.
public enum SecretKeyFile {
    public static func write(_ key: SigningKey, to path: String) throws(HomeError) {
        let text = """
            # vf secret key. Whoever holds this file can sign as this feed: never share it.
            ed25519-seed: \(StrictBase64.encode(key.seed))
            id: \(key.feed)

            """
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw errno == EEXIST ? .identityExists(path) : .io(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // The umask can only remove bits; set the mode explicitly anyway.
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw .io(path, String(cString: strerror(errno))) }
    }

    public static func read(from path: String) throws(HomeError) -> SigningKey {
        let (bytes, mode): ([UInt8], mode_t)
        do { (bytes, mode) = try SmallFile.contents(at: path) } catch {
            throw error == .missing ? .noIdentity(path) : .io(path, error.description)
        }
        guard mode & 0o077 == 0 else { throw .keyFileTooOpen(path, mode: UInt16(mode & 0o777)) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformedKeyFile(path, "not UTF-8 text") }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedKeyFile(path, "line without a colon") }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let seedText = fields["ed25519-seed"], let seed = StrictBase64.decode(Substring(seedText), expectedCount: 32) else {
            throw .malformedKeyFile(path, "missing or invalid ed25519-seed")
        }
        let key = SigningKey(seed: seed)
        if let id = fields["id"], id != key.feed.description {
            throw .malformedKeyFile(path, "id \(id) does not match the seed's public key \(key.feed)")
        }
        return key
    }
}
