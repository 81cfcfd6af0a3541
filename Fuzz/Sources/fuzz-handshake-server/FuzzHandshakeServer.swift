import FuzzSupport
import VFPeer

/// The server side of the Secret Handshake, fed a client's bytes (client hello, client
/// authenticate, then box stream) in chunks the first byte chooses. The keys are fixed
/// (``FuzzKeys``), so a recorded client transcript is a valid input and the fuzzer mutates a
/// real handshake, not only noise that fails at the first MAC.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshakeServer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var server = FuzzKeys.serverMachine()
    _ = server.start()
    HandshakeDriver.run(&server, chunks: FuzzInput.chunks(rest, key: settings, largest: 130))
    return 0
}
