/// Wire facts of box stream, shared by `BoxStreamWriter` and `BoxStreamReader`.
///
/// A packet is a 34-byte header box (body length as 2 bytes big-endian,
/// then the body's 16-byte secretbox tag, boxed with its own tag) followed by
/// the body ciphertext without its tag. The header uses nonce n, the body n+1,
/// the next header n+2. The stream ends with a header box of 18 zero bytes.
public enum BoxStream {
    /// Size of every header on the wire.
    public static let headerLength = 34
    /// Largest body one packet may carry; longer messages span several packets.
    public static let maxBodyLength = 4096

    /// Size of a header before boxing: length and body tag.
    static let headerPlaintextLength = 18
    static let tagLength = 16

    /// Advances a 24-byte nonce as one big-endian counter, carrying across bytes.
    static func increment(_ nonce: inout [UInt8]) {
        for index in nonce.indices.reversed() {
            nonce[index] &+= 1
            if nonce[index] != 0 { return }
        }
    }
}
