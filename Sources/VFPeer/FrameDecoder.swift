/// Splits the box stream's byte stream into sync frames: `u32be length ‖ body`.
///
/// Holds at most one frame; a length over the limit is refused before anything is buffered,
/// so a peer cannot make this side allocate more than ``SyncFrame/maximumSize``.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + body.count)
        out.appendBigEndian(UInt32(body.count))
        out += body
        return out
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet returned as frames.
    public var bufferedCount: Int { buffer.count - start }

    /// The next complete frame body, or nil until more bytes arrive.
    public mutating func next() throws(SyncProtocolError) -> [UInt8]? {
        guard buffer.count - start >= 4 else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        guard length >= 1 else { throw .malformedFrame("empty frame") }
        guard length <= SyncFrame.maximumSize else { throw .oversizedFrame(length) }
        guard buffer.count - start - 4 >= length else { return nil }
        let body = Array(buffer[(start + 4)..<(start + 4 + length)])
        start += 4 + length
        return body
    }
}
