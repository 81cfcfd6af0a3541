import FuzzSupport
import VFLog
import VFPeer

/// The multiserver address parser (`net:HOST:PORT~shs:KEY`), which reads what `vf connect`,
/// invite codes and LAN announcements carry. Parsing is strict, so an accepted text must be
/// its own description, the address rebuilt from its parts must equal it, and its host must be
/// ASCII, as every resolver needs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultiserverAddress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: FuzzInput(data, size).bytes, as: UTF8.self)
    let address: MultiserverAddress
    do { address = try MultiserverAddress(parsing: text) } catch {
        _ = error.description
        return 0
    }
    fuzzRequire(address.description == text, "an accepted address is spelt one way: \(text) ≠ \(address.description)")
    let rebuilt = try? MultiserverAddress(host: address.host, port: address.port, feed: address.feed)
    fuzzRequire(rebuilt == address, "an address rebuilt from its parts is the same address")
    fuzzRequire(address.host.utf8.allSatisfy { $0 >= 0x21 && $0 < 0x7F }, "a host to dial is printable ASCII: \(address.host)")
    _ = address.isIPv6
    return 0
}
