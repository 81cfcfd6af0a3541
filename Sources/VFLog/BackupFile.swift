/// The file `vf backup` writes and `vf restore` reads (docs/protocol.md, "Backup file"): the
/// secret key sealed with a passphrase, and optionally this node's own feed as a bundle.
///
/// ```
/// "vfbackup" ‖ u16be version (1) ‖ u8 algorithm (2: Argon2id v1.3) ‖ u64be opslimit ‖ u64be memlimit
/// ‖ salt (16) ‖ nonce (24) ‖ secretbox of the 32-byte seed (48) ‖ u8 feed (0: none, 1: a bundle follows)
/// ```
///
/// A backup file is hostile input: every field is checked before use, and the limits the
/// key derivation takes from the file are bounded, so a crafted file cannot make a restore
/// allocate more than ``KeyDerivation/maximumMemlimit`` or run for long.
public enum BackupFile {
    public static let magic = Array("vfbackup".utf8)
    public static let version: UInt16 = 1
    /// `crypto_pwhash_ALG_ARGON2ID13`.
    public static let argon2id13: UInt8 = 2
    public static let saltSize = 16
    public static let nonceSize = 24
    /// The 32-byte seed and secretbox's 16-byte tag.
    public static let boxSize = 48
    /// Everything before the feed: 8 + 2 + 1 + 8 + 8 + 16 + 24 + 48 + 1.
    public static let keySectionSize = 116

    /// How hard the passphrase is to guess: `crypto_pwhash`'s limits, recorded in the file.
    public struct KeyDerivation: Sendable, Equatable {
        public var opslimit: UInt64
        public var memlimit: UInt64

        public init(opslimit: UInt64, memlimit: UInt64) {
            self.opslimit = opslimit
            self.memlimit = memlimit
        }

        /// libsodium's `MODERATE` limits (3 passes over 256 MiB): what `vf backup` uses.
        public static let moderate = KeyDerivation(opslimit: 3, memlimit: 256 << 20)
        /// libsodium's `INTERACTIVE` limits (2 passes over 64 MiB).
        public static let interactive = KeyDerivation(opslimit: 2, memlimit: 64 << 20)
        /// Argon2id's least (1 pass over 8 KiB): for tests only, it protects nothing.
        public static let minimum = KeyDerivation(opslimit: 1, memlimit: 8192)

        /// Bounds on what a file may ask for: libsodium's `SENSITIVE` limits (4 passes, 1 GiB)
        /// and a few more passes; the least Argon2id accepts.
        public static let maximumOpslimit: UInt64 = 16
        public static let maximumMemlimit: UInt64 = 1 << 30
        static let opslimitRange: ClosedRange<UInt64> = 1...maximumOpslimit
        static let memlimitRange: ClosedRange<UInt64> = 8192...maximumMemlimit
    }

    /// The key section as read, before the passphrase opens it.
    public struct Sealed: Sendable, Equatable {
        public private(set) var derivation: KeyDerivation
        public private(set) var salt: [UInt8]
        public private(set) var nonce: [UInt8]
        public private(set) var box: [UInt8]
        /// A bundle of the feed's entries follows the key section.
        public private(set) var hasFeed: Bool

        /// The seed, with the key derived from `passphrase`; throws ``BackupFileError/wrongPassphrase``
        /// when the box does not open.
        public func open(passphrase: [UInt8]) throws(BackupFileError) -> SigningKey {
            guard var key = Sodium.argon2id(passphrase: passphrase, salt: salt, opslimit: derivation.opslimit,
                                            memlimit: derivation.memlimit) else {
                throw .keyDerivationFailed(memlimit: derivation.memlimit)
            }
            defer { Sodium.wipe(&key) }
            guard var seed = Sodium.secretboxOpen(box, nonce: nonce, key: key), seed.count == 32 else { throw .wrongPassphrase }
            defer { Sodium.wipe(&seed) }
            return SigningKey(seed: seed)
        }
    }

    /// The key section for `key`, sealed with `passphrase`; `salt` and `nonce` random unless
    /// given (test vectors).
    public static func seal(_ key: SigningKey, passphrase: [UInt8], derivation: KeyDerivation = .moderate, hasFeed: Bool,
                            salt: [UInt8] = Sodium.randomBytes(16), nonce: [UInt8] = Sodium.randomBytes(24)) throws(BackupFileError) -> [UInt8] {
        precondition(salt.count == saltSize && nonce.count == nonceSize)
        precondition(KeyDerivation.opslimitRange.contains(derivation.opslimit) && KeyDerivation.memlimitRange.contains(derivation.memlimit))
        guard var boxKey = Sodium.argon2id(passphrase: passphrase, salt: salt, opslimit: derivation.opslimit, memlimit: derivation.memlimit) else {
            throw .keyDerivationFailed(memlimit: derivation.memlimit)
        }
        defer { Sodium.wipe(&boxKey) }
        var seed = key.seed
        defer { Sodium.wipe(&seed) }
        var out = magic + BundleCodec.bigEndian(version) + [argon2id13]
        out += BundleCodec.bigEndian(derivation.opslimit) + BundleCodec.bigEndian(derivation.memlimit)
        out += salt + nonce + Sodium.secretboxSeal(seed, nonce: nonce, key: boxKey)
        out.append(hasFeed ? 1 : 0)
        return out
    }

    /// Reads the key section from the first bytes of a file (at most ``keySectionSize`` are
    /// looked at; fewer is a truncated file).
    public static func readKeySection(_ bytes: some Collection<UInt8>) throws(BackupFileError) -> Sealed {
        let head = Array(bytes.prefix(keySectionSize))
        guard head.count >= magic.count, Array(head[0..<8]) == magic else {
            throw head.count < magic.count && magic.starts(with: head) ? .truncated(length: head.count) : .notABackup
        }
        guard head.count >= 10 else { throw .truncated(length: head.count) }
        let fileVersion = UInt16(head[8]) << 8 | UInt16(head[9])
        guard fileVersion == version else { throw .unsupportedVersion(fileVersion) }
        guard head.count == keySectionSize else { throw .truncated(length: head.count) }
        guard head[10] == argon2id13 else { throw .unsupportedAlgorithm(head[10]) }
        let derivation = KeyDerivation(opslimit: readU64(head, 11), memlimit: readU64(head, 19))
        guard KeyDerivation.opslimitRange.contains(derivation.opslimit), KeyDerivation.memlimitRange.contains(derivation.memlimit) else {
            throw .limitsOutOfRange(opslimit: derivation.opslimit, memlimit: derivation.memlimit)
        }
        let feedFlag = head[keySectionSize - 1]
        guard feedFlag <= 1 else { throw .badFeedFlag(feedFlag) }
        return Sealed(derivation: derivation, salt: Array(head[27..<43]), nonce: Array(head[43..<67]), box: Array(head[67..<115]),
                      hasFeed: feedFlag == 1)
    }

    /// A whole backup held in memory: its key section and the entries of its feed, read by
    /// ``BackupFeedReader`` as `vf restore` reads them (each of `feed`, when given). Throws for
    /// damage to the framing, a malformed entry, another feed's entry, a truncated file or bytes
    /// after its end.
    public static func decode(_ bytes: [UInt8], feed: FeedID? = nil) throws(BackupFileError) -> (Sealed, [SignedEntry]) {
        let sealed = try readKeySection(bytes)
        var reader = BackupFeedReader(sealed, feed: feed)
        reader.append(bytes.dropFirst(keySectionSize))
        var entries: [SignedEntry] = []
        while let signed = try reader.next() { entries.append(signed) }
        try reader.finish()
        return (sealed, entries)
    }

    private static func readU64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

public enum BackupFileError: Error, Equatable, CustomStringConvertible {
    case notABackup
    case unsupportedVersion(UInt16)
    case truncated(length: Int)
    case unsupportedAlgorithm(UInt8)
    case limitsOutOfRange(opslimit: UInt64, memlimit: UInt64)
    case badFeedFlag(UInt8)
    case trailingBytes(Int)
    case feed(BundleError)
    /// The feed's record (counted from 1) holds an entry that does not verify by itself.
    case malformedEntry(record: Int, VerificationError)
    /// The feed's record (counted from 1) holds an entry of `author`, not of the backed-up `feed`.
    case foreignEntry(record: Int, author: FeedID, feed: FeedID)
    case keyDerivationFailed(memlimit: UInt64)
    case wrongPassphrase

    public var description: String {
        switch self {
        case .notABackup: "not a vf backup (missing the \"vfbackup\" header)"
        case let .unsupportedVersion(v): "backup version \(v) is not supported (this build reads version \(BackupFile.version))"
        case let .truncated(length):
            "the backup is truncated: it ends after \(length) bytes, inside its key section of \(BackupFile.keySectionSize) bytes"
        case let .unsupportedAlgorithm(a): "unknown key derivation algorithm \(a) (this build knows 2, Argon2id v1.3)"
        case let .limitsOutOfRange(ops, mem):
            "key derivation limits out of range: opslimit \(ops) (allowed 1…\(BackupFile.KeyDerivation.maximumOpslimit)), "
                + "memlimit \(mem) bytes (allowed 8192…\(BackupFile.KeyDerivation.maximumMemlimit))"
        case let .badFeedFlag(flag): "feed flag \(flag) after the key section (expected 0: no feed, or 1: a feed follows)"
        case let .trailingBytes(n): "\(n) unexpected bytes after the end of the backup"
        case let .feed(error): "the backup's feed: \(error)"
        case let .malformedEntry(record, error): "record \(record) of the feed: \(error)"
        case let .foreignEntry(record, author, feed):
            "record \(record) of the feed is an entry of \(author), not of the backed-up identity \(feed)"
        case let .keyDerivationFailed(mem): "cannot derive the key from the passphrase (Argon2id needs \(mem >> 20) MiB of memory)"
        case .wrongPassphrase: "wrong passphrase (or the backup's key section is damaged): the sealed key does not open"
        }
    }
}
