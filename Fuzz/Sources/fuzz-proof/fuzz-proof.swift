import FuzzSupport
import VFProof

/// The provenance proof file `vf proof check` reads (docs/protocol.md §17): decoded, checked
/// whole (entries, links, the trace derived again), and what decodes is written back to the
/// same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProof(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let proof = try? ProofFile.decode(bytes) else { return 0 }
    fuzzRequire(proof.entries.count <= ProofFile.maximumEntries, "the entries are bounded")
    fuzzRequire((try? ProofFile.decode(proof.encoded())) == proof, "a decoded proof is written back to the same value")
    let report = ProofCheck.check(proof)
    fuzzRequire(report.holds == report.failures.isEmpty, "a proof holds exactly when nothing failed")
    return 0
}
