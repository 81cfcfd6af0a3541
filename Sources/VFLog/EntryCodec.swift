/// Encodes and decodes the binary entry format (docs/protocol.md, "Entry encoding").
///
/// Decoding is strict: one byte string per entry value, so ids are stable. It checks the
/// structure only; the signature and the links are the verifier's job.
public enum EntryCodec {
    /// Format tag of this version: Ed25519 signatures, BLAKE2b-256 hashes.
    public static let tag: UInt8 = 0x01
    /// Bytes before the links: tag, author, sequence, timestamp, payload size, payload hash.
    static let fixedHeaderSize = 1 + 32 + 8 + 8 + 4 + 32
    public static let signatureSize = 64
    public static let maximumSize = fixedHeaderSize + 32 + 32 + signatureSize

    /// The size of the encoding of entry number `sequence`.
    public static func encodedSize(sequence: UInt64) -> Int {
        fixedHeaderSize + (sequence > 1 ? 32 : 0) + (Lipmaa.hasDistinctLink(sequence) ? 32 : 0) + signatureSize
    }

    /// Builds and signs a new entry. The caller supplies the links the feed requires.
    public static func sign(
        key: SigningKey, sequence: UInt64, timestamp: Int64,
        payloadSize: UInt32, payloadHash: Hash32,
        backlink: EntryID?, lipmaaLink: EntryID?
    ) -> Entry {
        precondition(sequence >= 1)
        precondition((backlink == nil) == (sequence == 1), "backlink present exactly when sequence > 1")
        precondition((lipmaaLink != nil) == Lipmaa.hasDistinctLink(sequence), "lipmaa link present exactly when distinct")
        var bytes = [UInt8]()
        bytes.reserveCapacity(encodedSize(sequence: sequence))
        bytes.append(tag)
        key.feed.key.withUnsafeBytes { bytes.append(contentsOf: $0) }
        appendBigEndian(sequence, to: &bytes)
        appendBigEndian(UInt64(bitPattern: timestamp), to: &bytes)
        appendBigEndian(payloadSize, to: &bytes)
        payloadHash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        if let backlink { backlink.hash.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        if let lipmaaLink { lipmaaLink.hash.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        let signature = bytes.withUnsafeBytes { key.sign($0) }
        bytes.append(contentsOf: signature)
        return Entry(author: key.feed, sequence: sequence, timestamp: timestamp,
                     payloadSize: payloadSize, payloadHash: payloadHash,
                     backlink: backlink, lipmaaLink: lipmaaLink,
                     encoded: bytes, id: EntryID(hash: Sodium.blake2b256(bytes)))
    }

    /// Decodes one entry that must occupy `bytes` exactly.
    public static func decode(_ bytes: [UInt8]) throws(EntryDecodingError) -> Entry {
        guard bytes.count >= fixedHeaderSize + signatureSize else {
            throw .truncated(expected: fixedHeaderSize + signatureSize, got: bytes.count)
        }
        guard bytes[0] == tag else { throw .unknownTag(bytes[0]) }
        return try bytes.withUnsafeBytes { raw -> Result<Entry, EntryDecodingError> in
            let author = FeedID(key: Hash32(unsafe: UnsafeRawBufferPointer(rebasing: raw[1..<33])))
            let sequence = readBigEndian(raw, at: 33, as: UInt64.self)
            let timestamp = Int64(bitPattern: readBigEndian(raw, at: 41, as: UInt64.self))
            let payloadSize = readBigEndian(raw, at: 49, as: UInt32.self)
            let payloadHash = Hash32(unsafe: UnsafeRawBufferPointer(rebasing: raw[53..<85]))
            guard sequence >= 1 else { return .failure(.zeroSequence) }
            guard sequence <= Entry.maximumSequence else { return .failure(.sequenceTooLarge(sequence)) }
            let expected = encodedSize(sequence: sequence)
            guard bytes.count == expected else {
                return .failure(bytes.count < expected ? .truncated(expected: expected, got: bytes.count)
                                                       : .trailingBytes(expected: expected, got: bytes.count))
            }
            var offset = fixedHeaderSize
            var backlink: EntryID?
            var lipmaaLink: EntryID?
            if sequence > 1 {
                backlink = EntryID(hash: Hash32(unsafe: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 32])))
                offset += 32
            }
            if Lipmaa.hasDistinctLink(sequence) {
                lipmaaLink = EntryID(hash: Hash32(unsafe: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 32])))
            }
            return .success(Entry(author: author, sequence: sequence, timestamp: timestamp,
                                  payloadSize: payloadSize, payloadHash: payloadHash,
                                  backlink: backlink, lipmaaLink: lipmaaLink,
                                  encoded: bytes, id: EntryID(hash: Sodium.blake2b256(raw))))
        }.get()
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func readBigEndian<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, at offset: Int, as: T.Type) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + MemoryLayout<T>.size])) }
        return T(bigEndian: value)
    }
}

/// Why bytes are not a well-formed entry.
public enum EntryDecodingError: Error, Equatable, CustomStringConvertible {
    case truncated(expected: Int, got: Int)
    case trailingBytes(expected: Int, got: Int)
    case unknownTag(UInt8)
    case zeroSequence
    case sequenceTooLarge(UInt64)

    public var description: String {
        switch self {
        case let .truncated(expected, got): "entry truncated: \(got) bytes, expected \(expected)"
        case let .trailingBytes(expected, got): "entry has trailing bytes: \(got) bytes, expected \(expected)"
        case let .unknownTag(tag): "unknown entry format tag 0x\([tag].hexString)"
        case .zeroSequence: "sequence number 0 (sequences start at 1)"
        case let .sequenceTooLarge(sequence): "sequence number \(sequence) is over the largest, \(Entry.maximumSequence) (2^63 − 1)"
        }
    }
}
