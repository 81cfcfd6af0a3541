/// Both box streams of one connection carrying sync frames: bytes from the peer in, frames
/// out; frames to send in, sealed bytes out. Small frames are gathered and sealed together, so
/// they do not each pay the 34-byte packet header.
struct FramedBoxStream: Sendable {
    /// Gathered frames are sealed once they reach this many bytes, even before ``seal()``.
    static let sealThreshold = 64 * 1024

    private var reader: BoxStreamReader
    private var writer: BoxStreamWriter
    private var frames = FrameDecoder()
    private var plaintext: [UInt8] = []

    init(_ handshake: HandshakeResult) {
        reader = BoxStreamReader(handshake.receiving)
        writer = BoxStreamWriter(handshake.sending)
    }

    /// Decrypts bytes from the peer; returns whether they end with its goodbye. Frames that
    /// arrived before the goodbye are still to be taken with ``nextFrame()``.
    mutating func receive(_ bytes: [UInt8]) throws(BoxStreamError) -> Bool {
        for event in reader.receive(bytes) {
            switch event {
            case .message(let body): frames.append(body)
            case .goodbye: return true
            case .failed(let error): throw error
            }
        }
        return false
    }

    /// The next whole frame received; nil until more bytes arrive.
    mutating func nextFrame() throws(SyncProtocolError) -> SyncFrame? {
        guard let body = try frames.next() else { return nil }
        return try SyncFrame.decode(body)
    }

    /// Decrypted bytes not yet taken as frames.
    var bufferedCount: Int { frames.bufferedCount }

    /// Whether part of a packet or of a frame waits for the rest.
    var holdsPartialFrame: Bool { reader.holdsPartialPacket || frames.bufferedCount > 0 }

    /// Plaintext gathered and not yet sealed.
    var gatheredCount: Int { plaintext.count }

    /// Gathers a frame to send; returns sealed bytes once enough are gathered.
    mutating func send(_ frame: SyncFrame) -> [UInt8]? {
        plaintext += FrameDecoder.frame(frame.encode())
        return plaintext.count >= Self.sealThreshold ? seal() : nil
    }

    /// Everything gathered, sealed; nil if nothing is.
    mutating func seal() -> [UInt8]? {
        guard !plaintext.isEmpty else { return nil }
        defer { plaintext.removeAll(keepingCapacity: true) }
        return writer.seal(plaintext)
    }

    /// Everything gathered, then the goodbye that ends our stream.
    mutating func goodbye() -> [UInt8] {
        (seal() ?? []) + writer.goodbye()
    }
}
