import FuzzSupport
import VFLog

/// The bundle reader `vf import` runs on a file: fed in chunks whose sizes the first byte
/// chooses, records taken as they complete, then the end-of-input check.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var decoder = BundleDecoder()
    var records: UInt64 = 0
    do {
        for chunk in FuzzInput.chunks(rest, key: settings, largest: 400) {
            decoder.append(chunk)
            while let record = try decoder.next() {
                records += 1
                if case let .success(signed) = record {
                    _ = try? EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload)
                }
            }
        }
        try decoder.finish()
    } catch {
        _ = error.description
    }
    fuzzRequire(decoder.recordsRead == records, "every record read is returned")
    return 0
}
