import Foundation
import VFLog

/// The 32-byte capability every peer of one network holds. The Secret Handshake fails at its
/// first message between peers with different keys, so a peer without it learns nothing.
public struct NetworkKey: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// This project's public network: BLAKE2b-256 of the ASCII text `vf valueflows network 1`.
    /// Not SSB's key, so vf nodes and SSB nodes never mistake each other for peers.
    public static let `default` = NetworkKey(bytes: Sodium.blake2b256(Array("vf valueflows network 1".utf8)).bytes)!

    /// Parses the base64 of exactly 32 bytes.
    public init(base64 text: String) throws(NetworkKeyError) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw NetworkKeyError(reason: "a network key is the base64 of exactly 32 bytes")
        }
        self.bytes = [UInt8](data)
    }

    public var base64: String { Data(bytes).base64EncodedString() }

    /// `HOME/network`, the file a home's network key is kept in.
    public static func path(home: NodeHome) -> String { home.path + "/network" }

    /// `HOME/network`: written by `vf init --network`, mode 0600. Absent means the default network.
    public static func load(home: NodeHome) throws -> NetworkKey {
        let path = path(home: home)
        let (data, mode): ([UInt8], mode_t)
        do { (data, mode) = try SmallFile.contents(at: path) } catch {
            if error == .missing { return .default }
            throw NetworkKeyError(reason: "cannot read \(path): \(error)")
        }
        // A private network's key admits anyone who holds it: guarded like the secret key.
        guard mode & 0o077 == 0 else {
            throw NetworkKeyError(reason: "permissions \(String(mode & 0o777, radix: 8)) for \(path) are too open: the network key must not be accessible by group or others (chmod 600 \(path))")
        }
        return try NetworkKey(base64: String(decoding: data, as: UTF8.self))
    }

    public func save(home: NodeHome) throws {
        let path = Self.path(home: home)
        guard FileManager.default.createFile(atPath: path, contents: Data((base64 + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw NetworkKeyError(reason: "cannot write \(path)")
        }
    }
}

public struct NetworkKeyError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
