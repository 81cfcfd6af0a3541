import FuzzSupport
import VFPeer

/// The client side of the Secret Handshake, fed a server's bytes (server hello, server
/// accept, then box stream) in chunks the first byte chooses, after it sent its own hello.
/// Fixed keys (``FuzzKeys``) make a recorded server transcript a valid input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshakeClient(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var client = FuzzKeys.clientMachine()
    _ = client.start()
    HandshakeDriver.run(&client, chunks: FuzzInput.chunks(rest, key: settings, largest: 130))
    return 0
}
