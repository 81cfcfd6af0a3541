import FuzzSupport
import VFLog

/// The backup file `vf restore` reads (docs/protocol.md §18): the key section with its bounded
/// key derivation limits, then the feed's bundle, decoded whole. The passphrase is tried only
/// for the cheapest limits, so one input costs microseconds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackup(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let (sealed, records) = try BackupFile.decode(bytes)
        fuzzRequire(sealed.salt.count == BackupFile.saltSize && sealed.nonce.count == BackupFile.nonceSize
                    && sealed.box.count == BackupFile.boxSize, "the key section's fields have their sizes")
        fuzzRequire(sealed.hasFeed || (bytes.count == BackupFile.keySectionSize && records.isEmpty), "a backup without a feed ends after its key section")
        fuzzRequire(sealed.derivation.opslimit <= BackupFile.KeyDerivation.maximumOpslimit
                    && sealed.derivation.memlimit <= BackupFile.KeyDerivation.maximumMemlimit, "the limits are bounded")
        fuzzRequire((try? BackupFile.readKeySection(bytes.prefix(BackupFile.keySectionSize))) == sealed, "the key section reads alone the same")
        if sealed.derivation.opslimit <= 2, sealed.derivation.memlimit <= 65_536 {
            _ = try? sealed.open(passphrase: Array("correct horse battery staple".utf8))
        }
    } catch {
        _ = error.description
    }
    return 0
}
