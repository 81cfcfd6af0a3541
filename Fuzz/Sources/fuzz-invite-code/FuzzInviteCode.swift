import FuzzSupport
import VFPeer

/// Invite codes as `vf invite accept` reads them. An accepted code, trimmed, must be its own
/// description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInviteCode(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: FuzzInput(data, size).bytes, as: UTF8.self)
    let code: InviteCode
    do { code = try InviteCode(parsing: text) } catch {
        _ = error.description
        return 0
    }
    fuzzRequire((try? InviteCode(parsing: code.description)) == code, "an accepted code survives its description")
    fuzzRequire(code.secret.count == SyncFrame.inviteSecretSize, "secrets are 32 bytes")
    return 0
}
