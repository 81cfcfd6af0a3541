/// The feed of a backup file as the file streams in (docs/protocol.md §18): the bytes after the
/// key section, fed in chunks of any size, read as a bundle whose entries must all be the
/// backed-up identity's. Pure: `vf restore` feeds it from the file a chunk at a time,
/// ``BackupFile/decode(_:feed:)`` and the fuzz target from memory, so there is one reader.
///
/// Every record is checked as it completes: damaged framing, a malformed entry or another
/// feed's entry stops the read with the record's number, and nothing the file declares is
/// allocated before its bytes arrive (``BundleDecoder``).
public struct BackupFeedReader {
    public let sealed: BackupFile.Sealed
    /// The feed every entry must belong to; nil before the passphrase has opened the key.
    public let feed: FeedID?
    private var decoder = BundleDecoder()
    /// Bytes given after the key section of a backup without a feed: all of them are too many.
    private var extra = 0
    /// The records read so far.
    public private(set) var count = 0

    public init(_ sealed: BackupFile.Sealed, feed: FeedID?) {
        self.sealed = sealed
        self.feed = feed
    }

    /// The next bytes of the file after its key section.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if sealed.hasFeed {
            decoder.append(bytes)
        } else {
            extra = extra.addingReportingOverflow(bytes.count).overflow ? Int.max : extra + bytes.count
        }
    }

    /// Whether the feed is whole (its end record read, or there is none): what follows can
    /// only be bytes after the end, which ``finish(notGiven:)`` refuses without being given them.
    public var isEnded: Bool { !sealed.hasFeed || decoder.isEnded }

    /// The next record's entry; nil until more bytes arrive, and after the end record.
    public mutating func next() throws(BackupFileError) -> SignedEntry? {
        guard sealed.hasFeed else { return nil }
        let record: Result<SignedEntry, VerificationError>?
        do { record = try decoder.next() } catch { throw .feed(error) }
        guard let record else { return nil }
        count += 1
        switch record {
        case .success(let signed):
            if let feed, signed.entry.author != feed { throw .foreignEntry(record: count, author: signed.entry.author, feed: feed) }
            return signed
        case .failure(let error):
            throw .malformedEntry(record: count, error)
        }
    }

    /// At the end of the file: refuses a feed cut short, and bytes after the backup's end —
    /// those given and `notGiven` more, which a reader that stopped at the end (``isEnded``)
    /// counted in the file without reading them.
    public mutating func finish(notGiven: Int = 0) throws(BackupFileError) {
        let notGiven = max(0, notGiven)
        guard sealed.hasFeed else {
            let total = extra.addingReportingOverflow(notGiven)
            if total.overflow || total.partialValue > 0 { throw .trailingBytes(total.overflow ? Int.max : total.partialValue) }
            return
        }
        do {
            try decoder.finish()
        } catch .trailingBytes(let given) {
            let total = given.addingReportingOverflow(notGiven)
            throw .feed(.trailingBytes(total.overflow ? Int.max : total.partialValue))
        } catch {
            throw .feed(error)
        }
        if notGiven > 0 { throw .feed(.trailingBytes(notGiven)) }
    }
}
