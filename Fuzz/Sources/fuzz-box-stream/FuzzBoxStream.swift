import FuzzSupport
import VFPeer

/// The box stream reader on raw ciphertext with fixed keys, in chunks the first byte
/// chooses, then the end of the connection. Almost everything fails at the header's MAC;
/// `fuzz-box-stream-plaintext` reaches what lies past it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBoxStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var reader = BoxStreamReader(FuzzKeys.boxStream)
    var finished = false
    for chunk in FuzzInput.chunks(rest, key: settings, largest: 200) {
        let events = reader.receive(chunk)
        fuzzRequire(!finished || events.isEmpty || events == [.failed(.dataAfterGoodbye)], "a finished stream reports nothing but data after goodbye")
        for event in events {
            if case let .message(body) = event { fuzzRequire((1...4096).contains(body.count), "bodies are 1…4096 bytes") }
        }
        finished = finished || reader.isFinished
    }
    _ = reader.peerClosed()
    return 0
}
