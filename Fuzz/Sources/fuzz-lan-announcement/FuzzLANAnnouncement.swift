import FuzzSupport
@testable import VFPeer

/// LAN discovery datagrams. With the first byte even, the rest is a datagram as it arrives on
/// the UDP port; with it odd, the rest is an address text that is sealed here with the
/// network's announcement key, so the checks behind the MAC (UTF-8, the address parser, the
/// sizes) run. An accepted announcement must encode to a datagram that decodes to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLANAnnouncement(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    let networkKey = FuzzKeys.networkKey
    var datagram = Array(rest)
    if settings & 1 != 0 {
        let nonce = [UInt8](repeating: settings, count: 24)
        datagram = LANAnnouncement.magic + nonce
            + NaCl.seal(datagram, nonce: nonce, key: LANAnnouncement.boxKey(networkKey: networkKey))
    }
    let announcement: LANAnnouncement
    do { announcement = try LANAnnouncement(decoding: datagram, networkKey: networkKey) } catch {
        _ = error.description
        return 0
    }
    let again = try? LANAnnouncement(decoding: announcement.encoded(networkKey: networkKey), networkKey: networkKey)
    fuzzRequire(again == announcement, "an accepted announcement survives encoding")
    return 0
}
