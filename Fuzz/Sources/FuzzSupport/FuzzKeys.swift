import VFPeer

/// The fixed keys every handshake and box-stream harness uses, so a transcript recorded once
/// (`fuzz-seeds`) stays a valid input: the network key and the two long-term identities are
/// those of `Tests/ReplicationTests/Fixtures/secret-handshake-data.json`; the ephemeral keys
/// come from constant seeds, which makes every message of a handshake deterministic.
public enum FuzzKeys {
    public static let networkKey = hex("291356d28154da68e8a9ee4fed71497c0a67d121a41b544d7a6157e76e0df5bc")

    public static let client = SigningKeyPair(
        publicKey: hex("d5bf4a3fcce717b0388bcc2749ebc148ad9969b23f45ee1b605fd58778576ac4"),
        secretKey: hex("2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90"
            + "d5bf4a3fcce717b0388bcc2749ebc148ad9969b23f45ee1b605fd58778576ac4"))

    public static let server = SigningKeyPair(
        publicKey: hex("ecc1b58727f3f12b3194881a9ecb9de0b28ce7b207230d8e930fe1bce75e256c"),
        secretKey: hex("81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9"
            + "ecc1b58727f3f12b3194881a9ecb9de0b28ce7b207230d8e930fe1bce75e256c"))

    public static let clientEphemeral = EphemeralKeyPair(seed: [UInt8](repeating: 0x11, count: 32))
    public static let serverEphemeral = EphemeralKeyPair(seed: [UInt8](repeating: 0x22, count: 32))

    public static func clientMachine() -> HandshakeStateMachine {
        .client(networkKey: networkKey, identity: client, serverPublicKey: server.publicKey, ephemeral: clientEphemeral)
    }

    public static func serverMachine() -> HandshakeStateMachine {
        .server(networkKey: networkKey, identity: server, ephemeral: serverEphemeral)
    }

    /// One direction of a box stream, for the harnesses that fuzz the reader alone.
    public static let boxStream = BoxStreamParameters(
        key: [UInt8](repeating: 0x5A, count: 32), nonce: [UInt8](repeating: 0xA5, count: 24))

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
