/// Why an entry was refused, naming the feed and sequence it claimed.
public struct VerificationError: Error, Equatable, CustomStringConvertible {
    public let feed: FeedID?
    public let sequence: UInt64?
    public let reason: Reason

    public init(feed: FeedID?, sequence: UInt64?, reason: Reason) {
        self.feed = feed
        self.sequence = sequence
        self.reason = reason
    }

    init(_ entry: Entry, _ reason: Reason) {
        self.init(feed: entry.author, sequence: entry.sequence, reason: reason)
    }

    public enum Reason: Equatable, CustomStringConvertible, Sendable {
        case malformed(EntryDecodingError)
        case badSignature
        case wrongAuthor(expected: FeedID)
        case sequenceGap(expected: UInt64)
        case wrongBacklink(expected: EntryID, found: EntryID?)
        case wrongLipmaaLink(target: UInt64, expected: EntryID, found: EntryID?)
        case missingCertificate(sequence: UInt64)
        case payloadSizeMismatch(claimed: UInt32, actual: Int)
        case payloadHashMismatch
        case payloadInvalid(PayloadError)
        case claimedPayloadTooLarge(UInt32)
        case feedForked
        case idMismatch(stored: EntryID)
        case headMismatch(recorded: EntryID, lastStored: EntryID?)
        case invalidForkProof
        /// Entries are stored for a feed the store has no head row for.
        case missingHead(lastStored: UInt64)
        /// A stored row that cannot be read as an entry of any feed (a store edited by hand).
        case malformedRow(String)

        public var description: String {
            switch self {
            case let .malformed(error): "malformed: \(error)"
            case .badSignature: "signature does not verify"
            case let .wrongAuthor(expected): "author is not \(expected)"
            case let .sequenceGap(expected): "sequence gap: the next entry of this feed is \(expected)"
            case let .wrongBacklink(expected, found):
                "backlink \(found.map(\.description) ?? "absent") does not match previous entry \(expected)"
            case let .wrongLipmaaLink(target, expected, found):
                "lipmaa link \(found.map(\.description) ?? "absent") does not match entry \(target), \(expected)"
            case let .missingCertificate(sequence): "certificate pool lacks entry \(sequence)"
            case let .payloadSizeMismatch(claimed, actual): "payload is \(actual) bytes but the entry claims \(claimed)"
            case .payloadHashMismatch: "payload hash does not match the entry"
            case let .payloadInvalid(error): "\(error)"
            case let .claimedPayloadTooLarge(size): "entry claims a \(size)-byte payload, over the limit of \(Payload.maximumSize)"
            case .feedForked: "feed is forked; it is not extended further"
            case let .idMismatch(stored): "stored under id \(stored) but hashes to another id"
            case let .headMismatch(recorded, lastStored):
                "feed head records \(recorded) but the last stored entry is \(lastStored.map(\.description) ?? "absent")"
            case .invalidForkProof: "fork proof is not two validly signed entries of one sequence"
            case let .malformedRow(detail): "malformed stored row: \(detail)"
            case let .missingHead(lastStored): "entries up to #\(lastStored) are stored but the feed has no head row"
            }
        }

    }

    public var description: String {
        let feedText = feed.map(\.description) ?? "unknown feed"
        let seqText = sequence.map { " #\($0)" } ?? ""
        return "\(feedText)\(seqText): \(reason)"
    }
}
