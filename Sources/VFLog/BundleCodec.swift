/// The portable bundle of entries and payloads written by `vf export` and read by `vf import`
/// (docs/protocol.md, "Bundle format").
///
/// `"vfbundle"` and a version, then records of (entry, payload), then an end record with the
/// record count, so a truncated file is told apart from a complete one.
public enum BundleCodec {
    public static let magic = Array("vfbundle".utf8)
    public static let version: UInt32 = 1
    public static let header = magic + bigEndian(version)
    /// Payload length value meaning the payload is not included.
    static let noPayload: UInt32 = 0xFFFF_FFFF

    /// One record; a payload that breaks §5 is written as not included (``SignedEntry/forSending``).
    public static func encodeRecord(_ signed: SignedEntry) -> [UInt8] {
        var out = bigEndian(UInt32(signed.entry.encoded.count)) + signed.entry.encoded
        if let payload = signed.forSending.payload {
            out += bigEndian(UInt32(payload.count)) + payload
        } else {
            out += bigEndian(noPayload)
        }
        return out
    }

    public static func encodeEnd(count: UInt64) -> [UInt8] {
        bigEndian(UInt32(0)) + bigEndian(count)
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

/// Reads a bundle incrementally: feed it bytes as they come, take records as they complete.
public struct BundleDecoder {
    private var buffer: [UInt8] = []
    private var offset = 0
    private var sawHeader = false
    private var ended = false
    public private(set) var recordsRead: UInt64 = 0
    /// The end record was read: nothing more may follow it.
    public var isEnded: Bool { ended }

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if offset > 65_536 && offset * 2 > buffer.count {
            buffer.removeFirst(offset)
            offset = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete record, nil if more bytes are needed or the end record was read.
    /// A record whose entry does not decode is returned as a failure and reading goes on;
    /// damage to the framing itself throws, since nothing after it can be trusted.
    public mutating func next() throws(BundleError) -> Result<SignedEntry, VerificationError>? {
        if ended { return nil }
        if !sawHeader {
            guard available >= BundleCodec.header.count else { return nil }
            guard Array(buffer[offset..<offset + 8]) == BundleCodec.magic else { throw .notABundle }
            let version: UInt32 = read(at: offset + 8)
            guard version == BundleCodec.version else { throw .unsupportedVersion(version) }
            offset += BundleCodec.header.count
            sawHeader = true
        }
        guard available >= 4 else { return nil }
        let entryLength = Int(read(at: offset) as UInt32)
        if entryLength == 0 {
            guard available >= 12 else { return nil }
            let count: UInt64 = read(at: offset + 4)
            guard count == recordsRead else { throw .countMismatch(declared: count, read: recordsRead) }
            offset += 12
            ended = true
            return nil
        }
        guard entryLength <= EntryCodec.maximumSize else { throw .oversizedEntry(record: recordsRead + 1, length: entryLength) }
        guard available >= 4 + entryLength + 4 else { return nil }
        let payloadField: UInt32 = read(at: offset + 4 + entryLength)
        let payloadLength = payloadField == BundleCodec.noPayload ? 0 : Int(payloadField)
        guard payloadLength <= Payload.maximumSize else { throw .oversizedPayload(record: recordsRead + 1, length: payloadLength) }
        guard available >= 8 + entryLength + payloadLength else { return nil }
        let entryBytes = Array(buffer[offset + 4..<offset + 4 + entryLength])
        let payloadStart = offset + 8 + entryLength
        let payload = payloadField == BundleCodec.noPayload ? nil : Array(buffer[payloadStart..<payloadStart + payloadLength])
        offset = payloadStart + payloadLength
        recordsRead += 1
        do {
            return .success(SignedEntry(entry: try EntryCodec.decode(entryBytes), payload: payload))
        } catch {
            return .failure(VerificationError(feed: EntryCodec.peekAuthor(entryBytes), sequence: EntryCodec.peekSequence(entryBytes),
                                              reason: .malformed(error)))
        }
    }

    /// Call at end of input: throws unless the end record was read and nothing follows it.
    public func finish() throws(BundleError) {
        guard ended else { throw .truncated(afterRecords: recordsRead) }
        guard available == 0 else { throw .trailingBytes(available) }
    }

    private var available: Int { buffer.count - offset }

    private func read<T: FixedWidthInteger>(at position: Int) -> T {
        buffer.withUnsafeBytes { EntryCodec.readBigEndian($0, at: position, as: T.self) }
    }
}

public enum BundleError: Error, Equatable, CustomStringConvertible {
    case notABundle
    case unsupportedVersion(UInt32)
    case oversizedEntry(record: UInt64, length: Int)
    case oversizedPayload(record: UInt64, length: Int)
    case countMismatch(declared: UInt64, read: UInt64)
    case truncated(afterRecords: UInt64)
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .notABundle: "not a vf bundle (missing the \"vfbundle\" header)"
        case let .unsupportedVersion(v): "bundle version \(v) is not supported (this build reads version \(BundleCodec.version))"
        case let .oversizedEntry(record, length): "record \(record): entry length \(length) exceeds \(EntryCodec.maximumSize)"
        case let .oversizedPayload(record, length): "record \(record): payload length \(length) exceeds \(Payload.maximumSize)"
        case let .countMismatch(declared, read): "bundle end says \(declared) records but \(read) were read"
        case let .truncated(records): "bundle is truncated after \(records) complete records (no end record)"
        case let .trailingBytes(n): "\(n) unexpected bytes after the bundle's end record"
        }
    }
}

extension EntryCodec {
    /// The author a malformed encoding claims, for error messages; nil if too short.
    static func peekAuthor(_ bytes: [UInt8]) -> FeedID? {
        bytes.count >= 33 ? FeedID(bytes: Array(bytes[1..<33])) : nil
    }

    static func peekSequence(_ bytes: [UInt8]) -> UInt64? {
        bytes.count >= 41 ? bytes.withUnsafeBytes { readBigEndian($0, at: 33, as: UInt64.self) } : nil
    }
}
