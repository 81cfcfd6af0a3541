import NIOCore
import VFLog

/// What a connection has yet to send, in order: frames, ranges of entries to read from the
/// store a page at a time, fork proofs, and the goodbye. One store read at a time, and only
/// when the page before it is sent, so a stalled peer costs at most one page of memory.
struct OutboundPump: Sendable {
    /// The next thing to do to send what is queued.
    enum Step: Sendable, Equatable {
        case send(SyncFrame)
        /// An entry from a page read, for the peer.
        case sendEntry(SignedEntry)
        /// Read entries `after+1 … through` of `feed`, at most `limit`; then ``entriesRead(_:)``.
        case readEntries(feed: FeedID, after: UInt64, through: UInt64, limit: Int)
        /// Read the conflicting entries of `feed`'s fork proofs; then ``forkEvidenceRead(_:)``.
        case readForkEvidence(FeedID)
        /// Everything before it is sent: say goodbye and close.
        case goodbye
    }

    private enum Job: Sendable {
        case frame(SyncFrame)
        /// Entries `after+1 … through` of a feed; `page` holds those read from the store and
        /// not yet sent.
        case entries(feed: FeedID, after: UInt64, through: UInt64, page: ArraySlice<SignedEntry>)
        /// The ranges of an answer from `next` on, each opened into an `entries` job (and a
        /// `forkEvidence` one) only when it reaches the front: queuing a million costs nothing.
        /// `answer`: they answer a clock message of the peer's (``answerLoad``).
        case ranges([EntryRange], next: Int, answer: Bool)
        case forkEvidence(FeedID)
        case goodbye
    }

    /// A ring, so jobs are taken from the front and put back there cheaply.
    private var jobs = CircularBuffer<Job>()
    /// A store read is under way for the job at the front.
    private(set) var isReading = false
    /// Roughly how many bytes of entries to read from the store at once.
    let pageBytes: Int
    private var lastEntryBytes = 512
    /// Feeds with a fork proof: their proofs follow their entries, once a connection.
    private var forked: Set<FeedID>
    private var forkEvidenceSent: Set<FeedID> = []

    /// The most entries one read asks for.
    static let maximumPage = 256

    init(forked: Set<FeedID>, pageBytes: Int = 1 << 20) {
        self.forked = forked
        self.pageBytes = pageBytes
    }

    var isEmpty: Bool { jobs.isEmpty }

    /// How much of what is queued answers the peer's clock messages: each `plan`, `caughtUp`
    /// and `needFull` frame 1, and the entry ranges of an answer 1, plus 1 per full 65,536
    /// ranges. Nothing else counts — the node's own clock, the entries it pushes, the idle
    /// frame — so two honest nodes, each answering the other's few clock messages, never reach
    /// what makes reading wait (``PeerSession/Limits/answerLoadPause``).
    private(set) var answerLoad = 0

    /// Queues `frame`.
    mutating func send(_ frame: SyncFrame) {
        answerLoad += Self.load(of: frame)
        jobs.append(.frame(frame))
    }

    /// Each range's entries, each followed by its feed's fork proofs if it is forked. O(1):
    /// the ranges are opened one by one as the pump reaches them. `answer`: they answer a
    /// clock message of the peer's (else the node pushes them).
    mutating func sendEntries(_ ranges: [EntryRange], answer: Bool = false) {
        guard !ranges.isEmpty else { return }
        answerLoad += Self.load(of: ranges, answer: answer)
        jobs.append(.ranges(ranges, next: 0, answer: answer))
    }

    mutating func sendGoodbye() { jobs.append(.goodbye) }

    /// The node learnt of forks in these feeds.
    mutating func forked(_ feeds: Set<FeedID>) { forked.formUnion(feeds) }

    /// The next step; nil while a read is under way or nothing is queued.
    mutating func next() -> Step? {
        while !isReading, let job = jobs.first {
            switch job {
            case let .frame(frame):
                jobs.removeFirst()
                answerLoad -= Self.load(of: frame)
                return .send(frame)
            case .goodbye:
                jobs.removeFirst()
                return .goodbye
            case let .entries(feed, _, through, page) where !page.isEmpty:
                var rest = page
                let signed = rest.removeFirst()
                let last = signed.entry.sequence
                if rest.isEmpty && last >= through {
                    jobs.removeFirst()
                } else {
                    jobs[jobs.startIndex] = .entries(feed: feed, after: last, through: through, page: rest)
                }
                return .sendEntry(signed)
            case let .entries(feed, after, through, _):
                guard after < through else { jobs.removeFirst(); continue }
                isReading = true
                let limit = max(8, min(Self.maximumPage, pageBytes / max(1, lastEntryBytes)))
                return .readEntries(feed: feed, after: after, through: through, limit: limit)
            case .forkEvidence(let feed):
                isReading = true
                return .readForkEvidence(feed)
            case let .ranges(ranges, next, answer):
                let range = ranges[next]
                if next + 1 < ranges.count {
                    jobs[jobs.startIndex] = .ranges(ranges, next: next + 1, answer: answer)
                } else {
                    jobs.removeFirst()
                    answerLoad -= Self.load(of: ranges, answer: answer)
                }
                if forked.contains(range.feed), !forkEvidenceSent.contains(range.feed) { jobs.prepend(.forkEvidence(range.feed)) }
                jobs.prepend(.entries(feed: range.feed, after: range.after, through: range.through, page: []))
            }
        }
        return nil
    }

    /// The page asked for by ``Step/readEntries(feed:after:through:limit:)``.
    mutating func entriesRead(_ page: [SignedEntry]) {
        guard isReading, case let .entries(feed, after, through, _)? = jobs.first else { return }
        isReading = false
        guard !page.isEmpty else {
            // The store holds less than announced: nothing more to send.
            jobs.removeFirst()
            return
        }
        lastEntryBytes = page.reduce(0) { $0 + $1.entry.encoded.count + ($1.payload?.count ?? 0) } / page.count
        jobs[jobs.startIndex] = .entries(feed: feed, after: after, through: through, page: page[...])
    }

    /// The entries asked for by ``Step/readForkEvidence(_:)``; empty if it could not be read.
    mutating func forkEvidenceRead(_ evidence: [Entry]) {
        guard isReading, case let .forkEvidence(feed)? = jobs.first else { return }
        isReading = false
        jobs.removeFirst()
        guard !evidence.isEmpty else { return }
        forkEvidenceSent.insert(feed)
        for entry in evidence.reversed() { jobs.prepend(.frame(.entry(encoded: entry.encoded, payload: nil))) }
    }

    /// What a queued frame weighs on ``answerLoad``: only the frames that answer a clock message.
    private static func load(of frame: SyncFrame) -> Int {
        switch frame {
        case .plan, .caughtUp, .needFull: 1
        default: 0
        }
    }

    /// What queued ranges weigh: 1, plus 1 per full 65,536 ranges, when they answer a clock message.
    private static func load(of ranges: [EntryRange], answer: Bool) -> Int {
        answer ? 1 + ranges.count / 65_536 : 0
    }
}
