import FuzzSupport
@testable import VFPeer

/// The box stream reader past the MACs: the input is a script of packets whose plaintext the
/// fuzzer chooses (any length field, any body, a goodbye, a broken tag or a skipped nonce),
/// sealed here with the reader's key, so the checks on decrypted headers run on every input.
///
/// Each packet: `flags ‖ u16be length field ‖ body` where the body is the next
/// `min(length field, 4200)` bytes. Flags: bit 0 send a goodbye header instead, bit 1 flip a bit
/// of the body's tag, bit 2 reuse the previous nonce. The first byte chooses the chunking.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBoxStreamPlaintext(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    let key = FuzzKeys.boxStream.key
    var nonce = FuzzKeys.boxStream.nonce
    var stream: [UInt8] = []
    // The bodies a correct reader must yield, while every packet so far was well formed.
    var expected: [[UInt8]] = []
    var wellFormed = true
    var input = rest
    while input.count >= 3 {
        let flags = input[input.startIndex]
        let lengthField = Int(input[input.startIndex + 1]) << 8 | Int(input[input.startIndex + 2])
        input = input.dropFirst(3)
        let body = Array(input.prefix(min(lengthField, 4200)))
        input = input.dropFirst(body.count)
        if flags & 4 != 0 { wellFormed = false } else if !stream.isEmpty { BoxStream.increment(&nonce) }
        if flags & 1 != 0 {
            stream += NaCl.seal([UInt8](repeating: 0, count: 18), nonce: nonce, key: key)
            wellFormed = false
            continue
        }
        let headerNonce = nonce
        BoxStream.increment(&nonce)
        var (tag, ciphertext) = NaCl.sealDetached(body, nonce: nonce, key: key)
        if flags & 2 != 0, !tag.isEmpty { tag[0] ^= 1 }
        let header = [UInt8(lengthField >> 8), UInt8(lengthField & 0xFF)] + tag
        stream += NaCl.seal(header, nonce: headerNonce, key: key) + ciphertext
        if wellFormed, flags & 2 == 0, lengthField == body.count, (1...BoxStream.maxBodyLength).contains(body.count) {
            expected.append(body)
        } else {
            wellFormed = false
        }
    }
    var reader = BoxStreamReader(FuzzKeys.boxStream)
    var received: [[UInt8]] = []
    for chunk in FuzzInput.chunks(stream[...], key: settings, largest: 600) {
        for event in reader.receive(chunk) {
            if case let .message(body) = event { received.append(body) }
        }
    }
    _ = reader.peerClosed()
    fuzzRequire(received.count >= expected.count && Array(received.prefix(expected.count)) == expected,
                "the reader yields every well-formed body, in order")
    return 0
}
