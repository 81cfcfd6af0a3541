import FuzzSupport
import VFLog

/// Entry decoding (`EntryCodec.decode`), then everything that reads a decoded entry before it
/// is trusted: the lipmaa arithmetic on its sequence, the intrinsic checks and the link checks.
/// A decoded entry must be its own encoding, byte for byte.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    let entry: Entry
    do { entry = try EntryCodec.decode(bytes) } catch { return 0 }
    fuzzRequire(entry.encoded == bytes, "a decoded entry keeps its exact bytes")
    fuzzRequire(EntryCodec.encodedSize(sequence: entry.sequence) == bytes.count, "the size formula agrees with the decoder")
    fuzzRequire((entry.backlink == nil) == (entry.sequence == 1), "a backlink exactly when sequence > 1")
    let link = Lipmaa.link(entry.sequence)
    fuzzRequire(link < entry.sequence, "the lipmaa link points back")
    _ = Lipmaa.pathToFirst(from: entry.sequence)
    _ = Lipmaa.certificatePool(of: entry.sequence)
    _ = try? EntryVerifier.verifyIntrinsic(entry, payload: nil)
    let previous = entry.sequence > 1 ? (entry.sequence - 1, entry.backlink!) : nil
    _ = try? EntryVerifier.verifyLinks(entry, previous: previous.map { (sequence: $0.0, id: $0.1) }, lipmaaTarget: entry.lipmaaLink)
    _ = try? CertificateVerifier.verify(entry, pool: [])
    return 0
}
