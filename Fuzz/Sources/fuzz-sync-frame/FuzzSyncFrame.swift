import FuzzSupport
import VFLog
import VFPeer

/// The sync protocol's framing and frame codec: the stream is split by `FrameDecoder` (in
/// chunks the first byte chooses) and each body decoded by `SyncFrame.decode`. A frame that
/// decodes must encode back to the same body: one spelling per frame.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncFrame(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var decoder = FrameDecoder()
    do {
        for chunk in FuzzInput.chunks(rest, key: settings, largest: 300) {
            decoder.append(chunk)
            while let body = try decoder.next() {
                fuzzRequire(!body.isEmpty && body.count <= SyncFrame.maximumSize, "frame bodies are 1…maximumSize bytes")
                check(body)
            }
        }
    } catch {
        _ = error.description
    }
    // The body alone, as if it had been framed: reaches the codec even when the framing is off.
    check(Array(rest))
    return 0
}

private func check(_ body: [UInt8]) {
    guard let frame = try? SyncFrame.decode(body) else { return }
    fuzzRequire(frame.encode() == body, "a decoded frame encodes back to its body")
    fuzzRequire((try? SyncFrame.decode(frame.encode())) == frame, "decode ∘ encode is the identity")
}
