import Foundation

/// A node's home directory: its identity and its store. Created with mode 0700.
///
/// ```
/// HOME/secret        the Ed25519 seed (mode 0600)
/// HOME/feed-mark     the own feed's latest entry, and whether a restore awaits it (mode 0600; FeedMark)
/// HOME/log.sqlite    the log store (plus SQLite's -wal and -shm files)
/// ```
public struct NodeHome: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `--home`, else `$VF_HOME`, else `~/.vf`.
    public static func resolve(explicit: String?) -> NodeHome {
        if let explicit { return NodeHome(path: explicit) }
        if let env = ProcessInfo.processInfo.environment["VF_HOME"], !env.isEmpty { return NodeHome(path: env) }
        return NodeHome(path: FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".vf").path)
    }

    public var secretKeyPath: String { path + "/secret" }
    public var storePath: String { path + "/log.sqlite" }
    public var markPath: String { path + "/feed-mark" }

    /// Creates the directory, a new keypair (or the given one) and the store. Refuses if an identity exists.
    @discardableResult
    public func initialize(key: SigningKey = SigningKey()) throws -> SigningKey {
        if FileManager.default.fileExists(atPath: secretKeyPath) { throw HomeError.identityExists(secretKeyPath) }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw HomeError.io(path, error.localizedDescription)
        }
        try SecretKeyFile.write(key, to: secretKeyPath)
        try FeedMarkFile(path: markPath).write(FeedMark(feed: key.feed))
        _ = try LogStore(path: storePath)
        return key
    }

    /// Creates the home of an identity restored from a backup, with the entries of its feed the
    /// backup held given to `store` to ingest. The feed starts locked (``OwnFeedLock``): the
    /// mark says so before the store exists, so a restore cut short never leaves a home that
    /// could sign. Refuses if an identity exists, unless it is this one, restored and still
    /// locked (``lockedRestore()``): then the ingest runs again into the store as it stands,
    /// which finishes a restore cut short, and the result is true.
    @discardableResult
    public func restore(key: SigningKey, ingest: (LogStore) throws -> Void) throws -> Bool {
        let mark = FeedMarkFile(path: markPath)
        if FileManager.default.fileExists(atPath: secretKeyPath) {
            guard try lockedRestore() == key.feed else { throw HomeError.identityExists(secretKeyPath) }
            try ingest(LogStore(path: storePath, ownFeed: OwnFeedGuard(feed: key.feed, file: mark)))
            return true
        }
        if FileManager.default.fileExists(atPath: storePath) { throw HomeError.identityExists(storePath) }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw HomeError.io(path, error.localizedDescription)
        }
        try mark.write(FeedMark(feed: key.feed, restored: true))
        try SecretKeyFile.write(key, to: secretKeyPath)
        try ingest(LogStore(path: storePath, ownFeed: OwnFeedGuard(feed: key.feed, file: mark)))
        return false
    }

    /// The identity of this home when it was restored from a backup and is still locked: its
    /// feed mark says `restored` for the key file's feed, so the node has signed nothing since.
    /// Restoring that identity again may then go on: it finishes a restore cut short (its
    /// ingest failed on a full disk, or was killed), and adds nothing to one that finished.
    /// Nil when the home holds no identity; throws ``HomeError/identityExists(_:)`` for any
    /// other identity, and the key file's or the mark's own error when either cannot be read.
    public func lockedRestore() throws(HomeError) -> FeedID? {
        guard FileManager.default.fileExists(atPath: secretKeyPath) else { return nil }
        try checkPermissions()
        let key = try SecretKeyFile.read(from: secretKeyPath)
        guard let mark = try FeedMarkFile(path: markPath).read(), mark.restored, mark.feed == key.feed else {
            throw .identityExists(secretKeyPath)
        }
        return key.feed
    }

    /// The identity, refusing a key file others can read or a home others can write.
    public func loadKey() throws(HomeError) -> SigningKey {
        try checkPermissions()
        return try SecretKeyFile.read(from: secretKeyPath)
    }

    /// The store; the home must have been initialised, and not be writable by others.
    public func openStore() throws -> LogStore {
        guard FileManager.default.fileExists(atPath: storePath) else { throw HomeError.notInitialized(path) }
        try checkPermissions()
        return try LogStore(path: storePath, ownFeed: ownFeedGuard())
    }

    /// The guard of the feed whose key is in this home, if the key can be read.
    public func ownFeedGuard() -> OwnFeedGuard? {
        guard let key = try? SecretKeyFile.read(from: secretKeyPath) else { return nil }
        return OwnFeedGuard(feed: key.feed, file: FeedMarkFile(path: markPath))
    }

    /// Refuses a home that group or others may write: whoever can write it can replace the
    /// store, the peer table or the key file between two checks.
    public func checkPermissions() throws(HomeError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        guard mode & 0o022 == 0 else { throw .homeTooOpen(path, mode: UInt16(mode)) }
    }
}

public enum HomeError: Error, Equatable, CustomStringConvertible {
    case identityExists(String)
    case noIdentity(String)
    case notInitialized(String)
    case keyFileTooOpen(String, mode: UInt16)
    case homeTooOpen(String, mode: UInt16)
    case malformedKeyFile(String, String)
    case malformedMarkFile(String, String)
    case io(String, String)

    public var description: String {
        switch self {
        case let .identityExists(path): "an identity already exists at \(path); refusing to overwrite it"
        case let .noIdentity(path): "no identity at \(path); run `vf init` first"
        case let .notInitialized(path): "\(path) is not an initialised vf home; run `vf init` first"
        case let .keyFileTooOpen(path, mode):
            "permissions \(String(mode, radix: 8, uppercase: false).leftPadded(to: 4)) for \(path) are too open: the secret key must not be accessible by group or others (chmod 600 \(path))"
        case let .homeTooOpen(path, mode):
            "permissions \(String(mode, radix: 8, uppercase: false).leftPadded(to: 4)) for \(path) are too open: group or others can write the node's home (chmod 700 \(path))"
        case let .malformedKeyFile(path, why): "secret key file \(path) is malformed: \(why)"
        case let .malformedMarkFile(path, why):
            "the feed mark \(path) is \(why); the node will not sign until it is fixed (or removed: vf then writes it again from log.sqlite)"
        case let .io(path, why): "\(path): \(why)"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
