import Foundation
import VFLog

/// What a pub hands out so that someone it has never met can join through it:
/// `vf-invite:net:HOST:PORT~shs:KEY:SECRET`, where SECRET is the standard, padded base64 of
/// 32 random bytes. The pub stores only the secret's BLAKE2b-256 hash (``PeerStore``); the
/// invitee sends the secret in a `redeem` frame, inside the box stream, to be followed back.
public struct InviteCode: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "vf-invite:"

    /// Where the pub listens, and its key (the Secret Handshake checks the pub is who it says).
    public let pub: MultiserverAddress
    public let secret: [UInt8]

    public init(pub: MultiserverAddress, secret: [UInt8]) {
        precondition(secret.count == SyncFrame.inviteSecretSize, "an invite secret is \(SyncFrame.inviteSecretSize) bytes")
        self.pub = pub
        self.secret = secret
    }

    /// A new code with a fresh random secret.
    public static func random(pub: MultiserverAddress) -> InviteCode {
        InviteCode(pub: pub, secret: Sodium.randomBytes(SyncFrame.inviteSecretSize))
    }

    /// Parses a code strictly: the prefix, a valid address, and canonical base64 of exactly
    /// 32 bytes. Leading and trailing whitespace (from copying and pasting) is ignored.
    public init(parsing input: String) throws(InviteCodeError) {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(Self.prefix) else { throw InviteCodeError("it does not start with \(Self.prefix)") }
        let body = text.dropFirst(Self.prefix.count)
        // Base64 has no colon, so the secret is what follows the last one.
        guard let colon = body.lastIndex(of: ":"), body[..<colon].contains("~shs:") else {
            throw InviteCodeError("expected \(Self.prefix)net:HOST:PORT~shs:KEY:SECRET")
        }
        let pub: MultiserverAddress
        do { pub = try MultiserverAddress(parsing: String(body[..<colon])) } catch {
            throw InviteCodeError("the pub's address is invalid (\(error.reason))")
        }
        let secretText = String(body[body.index(after: colon)...])
        guard secretText.utf8.count == 44, let data = Data(base64Encoded: secretText), data.count == SyncFrame.inviteSecretSize,
              data.base64EncodedString() == secretText else {
            throw InviteCodeError("the secret is not canonical base64 of \(SyncFrame.inviteSecretSize) bytes")
        }
        self.init(pub: pub, secret: [UInt8](data))
    }

    public var description: String {
        Self.prefix + pub.description + ":" + Data(secret).base64EncodedString()
    }
}

/// Why a text is not an invite code, or a code cannot be used. It never repeats the code,
/// which holds a secret.
public struct InviteCodeError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ reason: String) { description = "not an invite code: \(reason)" }
    init(unusable reason: String) { description = reason }
}
