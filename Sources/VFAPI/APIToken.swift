import CSodium
import Foundation
import VFLog

/// The bearer token that writes (and, off loopback, reads) through the HTTP API need:
/// 32 random bytes as unpadded base64url, kept in `HOME/token` with mode 0600.
public struct APIToken: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    public init(text: String) { self.text = text }

    /// A fresh token from libsodium's random source.
    public static func generate() -> APIToken {
        APIToken(text: Base64URL.encode(Sodium.randomBytes(32)))
    }

    public var description: String { text }

    /// Whether `candidate` is this token, compared in constant time so the response time
    /// tells nothing about how much of a guess was right.
    public func matches(_ candidate: String) -> Bool {
        let a = Array(text.utf8), b = Array(candidate.utf8)
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 } }
    }

    /// `HOME/token`.
    public static func path(in home: NodeHome) -> String { home.path + "/token" }

    /// The home's token, created if the home has none yet (a home made before tokens existed).
    /// Refuses a token file that group or others may read, as the secret key file is refused.
    public static func loadOrCreate(in home: NodeHome) throws -> APIToken {
        if let token = try load(from: path(in: home)) { return token }
        let token = generate()
        do {
            try token.write(to: path(in: home))
        } catch let error as APITokenError where error.exists {
            // Another process created it between the look and the write: use theirs.
            if let theirs = try load(from: path(in: home)) { return theirs }
            throw error
        }
        return token
    }

    /// The token in `path`, or nil when there is no such file.
    public static func load(from path: String) throws -> APIToken? {
        let (data, mode): ([UInt8], mode_t)
        do { (data, mode) = try SmallFile.contents(at: path) } catch {
            if error == .missing { return nil }
            throw APITokenError(path, error.description)
        }
        guard mode & 0o077 == 0 else {
            throw APITokenError(path, "permissions \(String(mode & 0o777, radix: 8)) are too open: the token must not be readable by group or others (chmod 600 \(path))")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Base64URL.decode(text), bytes.count == 32 else {
            throw APITokenError(path, "not an API token (expected 32 bytes as unpadded base64url)")
        }
        return APIToken(text: text)
    }

    /// Writes a new token file, mode 0600, refusing to replace an existing one.
    public func write(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw errno == EEXIST ? APITokenError(path, "exists already", exists: true) : APITokenError(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // The umask can only remove bits; set the mode explicitly anyway.
        fchmod(fd, 0o600)
        let bytes = Array((text + "\n").utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw APITokenError(path, String(cString: strerror(errno))) }
    }
}

/// The token file could not be read or written.
public struct APITokenError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The file was there already when a new token was to be written.
    public let exists: Bool

    init(_ path: String, _ reason: String, exists: Bool = false) {
        self.path = path
        self.reason = reason
        self.exists = exists
    }

    public var description: String { "\(path): \(reason)" }
}
