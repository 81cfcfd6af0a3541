/// The sending half of a box stream: turns messages into encrypted packets.
public struct BoxStreamWriter: Sendable {
    private let key: [UInt8]
    private var nonce: [UInt8]
    private var saidGoodbye = false

    /// A writer starting at the given key and nonce, normally `HandshakeResult.sending`.
    public init(_ parameters: BoxStreamParameters) {
        self.key = parameters.key
        self.nonce = parameters.nonce
    }

    /// Encrypts `message` into as many packets as it needs (bodies of at most
    /// 4096 bytes) and returns them concatenated, ready to write. An empty
    /// message produces no bytes, since the protocol has no empty bodies.
    public mutating func seal<Bytes: Collection>(_ message: Bytes) -> [UInt8]
    where Bytes.Element == UInt8 {
        precondition(!saidGoodbye, "box stream written to after goodbye")
        var output: [UInt8] = []
        output.reserveCapacity(
            message.count + (message.count / BoxStream.maxBodyLength + 1) * BoxStream.headerLength
        )
        var rest = message[...]
        while !rest.isEmpty {
            let body = Array(rest.prefix(BoxStream.maxBodyLength))
            rest = rest.dropFirst(body.count)
            sealPacket(body, into: &output)
        }
        return output
    }

    /// The authenticated end of the stream; nothing may be sealed afterwards.
    public mutating func goodbye() -> [UInt8] {
        precondition(!saidGoodbye, "box stream goodbye sent twice")
        saidGoodbye = true
        let header = NaCl.seal(
            [UInt8](repeating: 0, count: BoxStream.headerPlaintextLength), nonce: nonce, key: key
        )
        BoxStream.increment(&nonce)
        return header
    }

    private mutating func sealPacket(_ body: [UInt8], into output: inout [UInt8]) {
        // The header needs the body's tag, so the body (nonce n+1) is boxed first.
        let headerNonce = nonce
        BoxStream.increment(&nonce)
        let (tag, ciphertext) = NaCl.sealDetached(body, nonce: nonce, key: key)
        BoxStream.increment(&nonce)
        let header = [UInt8(body.count >> 8), UInt8(body.count & 0xff)] + tag
        output.append(contentsOf: NaCl.seal(header, nonce: headerNonce, key: key))
        output.append(contentsOf: ciphertext)
    }
}
