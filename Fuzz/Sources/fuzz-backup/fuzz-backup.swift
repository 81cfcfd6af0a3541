import FuzzSupport
import VFLog

/// The backup file `vf restore` reads (docs/protocol.md §18): the key section with its bounded
/// key derivation limits, then the feed, read by ``BackupFeedReader`` as restore reads it — in
/// chunks, here of a size the input's last byte chooses, and the same records as read whole.
/// The passphrase is tried only for the cheapest limits, so one input costs microseconds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackup(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let whole: Result<(BackupFile.Sealed, [SignedEntry]), BackupFileError>
    do { whole = .success(try BackupFile.decode(bytes)) } catch { whole = .failure(error) }
    if case let .success((sealed, entries)) = whole {
        fuzzRequire(sealed.salt.count == BackupFile.saltSize && sealed.nonce.count == BackupFile.nonceSize
                    && sealed.box.count == BackupFile.boxSize, "the key section's fields have their sizes")
        fuzzRequire(sealed.hasFeed || (bytes.count == BackupFile.keySectionSize && entries.isEmpty), "a backup without a feed ends after its key section")
        fuzzRequire(sealed.derivation.opslimit <= BackupFile.KeyDerivation.maximumOpslimit
                    && sealed.derivation.memlimit <= BackupFile.KeyDerivation.maximumMemlimit, "the limits are bounded")
        fuzzRequire((try? BackupFile.readKeySection(bytes.prefix(BackupFile.keySectionSize))) == sealed, "the key section reads alone the same")
        if sealed.derivation.opslimit <= 2, sealed.derivation.memlimit <= 65_536 {
            _ = try? sealed.open(passphrase: Array("correct horse battery staple".utf8))
        }
    } else if case let .failure(error) = whole {
        _ = error.description
    }
    // In chunks, as restore reads: the same entries, or a refusal where the whole read refused.
    guard let sealed = try? BackupFile.readKeySection(bytes) else { return 0 }
    let chunk = max(1, Int(bytes.last ?? 1))
    var reader = BackupFeedReader(sealed, feed: nil)
    var entries: [SignedEntry] = []
    var offset = BackupFile.keySectionSize
    let chunked: Result<[SignedEntry], BackupFileError>
    do {
        // As restore reads: up to the end of the feed, then what follows counted, not given.
        while offset < bytes.count, !reader.isEnded {
            reader.append(bytes[offset..<min(offset + chunk, bytes.count)])
            offset += chunk
            while let signed = try reader.next() { entries.append(signed) }
        }
        try reader.finish(notGiven: max(0, bytes.count - offset))
        chunked = .success(entries)
    } catch {
        chunked = .failure(error)
    }
    switch (whole, chunked) {
    case let (.success((_, a)), .success(b)): fuzzRequire(a == b, "read in chunks, the same entries")
    case (.failure, .failure): break
    default: fuzzRequire(false, "read whole and in chunks, the same verdict")
    }
    return 0
}
