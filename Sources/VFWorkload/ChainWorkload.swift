import VFGraph
import VFLog

/// A deterministic economic record of the shape real groups make, for benchmarks and tests at
/// scale: `feeds` feeds, each writing chains of processes — a `produce`, then steps of a
/// `Process` with a `consume` of the last output and a `produce` of the next — ending in a
/// `transfer` of the last output to the next feed's agent, whose next chain begins by
/// consuming it in a process of its own (so feeds depend on each other, and a feed that
/// arrives late changes what the others' events could do, while a chain's trace stays its own). About one event in ten is
/// back-dated: stated before events already written, as when records are entered after the
/// fact. Entries are really signed, feed by feed, as their authors would.
public struct ChainWorkload {
    public let feeds: Int
    /// Steps per chain (each a Process, a consume and a produce).
    public let steps: Int
    public let keys: [SigningKey]
    private var builders: [FeedAppender]
    private var random: WorkloadRandom
    /// The stated time of the next event that is not back-dated, per feed, in milliseconds.
    private var clocks: [Int64]
    /// Each feed's last chain: its resource ids and the events that made them, newest last.
    public private(set) var lastChain: [[(event: EntryID, resource: ResourceID)]]
    /// Resources delivered to each feed and not consumed yet.
    private var deliveries: [[ResourceID]]
    /// How many economic events were written, and how many of them back-dated.
    public private(set) var events = 0
    public private(set) var backDated = 0

    public init(feeds: Int = 10, steps: Int = 30, seed: UInt64 = 1) {
        self.feeds = feeds
        self.steps = steps
        random = WorkloadRandom(seed: seed)
        keys = (0..<feeds).map { index in SigningKey(seed: Array(Sodium.blake2b256(Array("vf-workload-\(seed)-\(index)".utf8)).bytes)) }
        builders = keys.map(FeedAppender.init)
        clocks = Array(repeating: 1_700_000_000_000, count: feeds)
        lastChain = Array(repeating: [], count: feeds)
        deliveries = Array(repeating: [], count: feeds)
    }

    /// Writes whole chains until at least `count` more events are written, spreading chains
    /// over the feeds in turn, and returns the new entries of each feed, in feed order.
    public mutating func generate(events count: Int) -> [[SignedEntry]] {
        var fresh = Array(repeating: [SignedEntry](), count: feeds)
        let target = events + count
        var feed = events / max(1, 2 * steps + 2) % feeds
        while events < target {
            fresh[feed] += chain(feed)
            feed = (feed + 1) % feeds
        }
        return fresh
    }

    /// One chain of `feed`: produce, `steps` × (Process, consume, produce), transfer.
    private mutating func chain(_ feed: Int) -> [SignedEntry] {
        var written: [SignedEntry] = []
        let me = keys[feed].feed.description
        let next = keys[(feed + 1) % feeds].feed.description
        var made: [(event: EntryID, resource: ResourceID)] = []
        func event(_ action: String, receiver: String? = nil, _ fields: String) -> SignedEntry {
            let time = statedTime(feed)
            let json = #"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(me)","receiver":"\#(receiver ?? me)","hasPointInTime":"\#(DateTimeStamp.text(time))",\#(fields)}"#
            let signed = builders[feed].append(json, timestamp: clocks[feed])
            written.append(signed)
            events += 1
            return signed
        }
        // What the feed before delivered is unpacked by a process of its own, so a chain's
        // trace stays the chain's while the feeds still depend on each other.
        if let delivered = deliveries[feed].popLast() {
            let unpack = builders[feed].append(#"{"@type":"Process","name":"unpacking"}"#, timestamp: clocks[feed])
            written.append(unpack)
            _ = event("consume", #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"resourceInventoriedAs":"\#(delivered)","inputOf":"\#(unpack.entry.id)""#)
        }
        let produced = event("produce", #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"newInventoriedResource":{"name":"batch \#(events)"}"#)
        made.append((produced.entry.id, ResourceID(createdBy: produced.entry.id)))
        for step in 1...steps {
            let process = builders[feed].append(#"{"@type":"Process","name":"step \#(step)","basedOn":"spec:step-\#(step)"}"#, timestamp: clocks[feed])
            written.append(process)
            let pid = process.entry.id.description
            _ = event("consume", #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"resourceInventoriedAs":"\#(made.last!.resource)","inputOf":"\#(pid)""#)
            let output = event("produce", #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"outputOf":"\#(pid)","newInventoriedResource":{"name":"batch \#(events) step \#(step)"}"#)
            made.append((output.entry.id, ResourceID(createdBy: output.entry.id)))
        }
        let transfer = event("transfer", receiver: next,
                             #""resourceQuantity":{"hasNumericalValue":"100","hasUnit":"kg"},"resourceInventoriedAs":"\#(made.last!.resource)","newInventoriedResource":{"name":"delivered \#(events)"}"#)
        made.append((transfer.entry.id, ResourceID(createdBy: transfer.entry.id)))
        deliveries[(feed + 1) % feeds].append(ResourceID(createdBy: transfer.entry.id))
        lastChain[feed] = made
        return written
    }

    /// The next event's stated time: a minute after the last, or, one time in ten, up to a
    /// hundred days before it.
    private mutating func statedTime(_ feed: Int) -> Int64 {
        clocks[feed] += 60_000
        guard random.next() % 10 == 0 else { return clocks[feed] }
        backDated += 1
        return clocks[feed] - Int64(random.next() % (100 * 86_400_000))
    }
}

/// Appends to one feed in memory, signing each entry as its author would.
private struct FeedAppender {
    let key: SigningKey
    private var previous: EntryID?
    private var sequence: UInt64 = 0
    /// The ids a later entry may link to (its lipmaa link), by sequence.
    private var ids: [UInt64: EntryID] = [:]

    init(key: SigningKey) { self.key = key }

    mutating func append(_ json: String, timestamp: Int64) -> SignedEntry {
        sequence += 1
        let payload = Array(json.utf8)
        let entry = EntryCodec.sign(key: key, sequence: sequence, timestamp: timestamp,
                                    payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
                                    backlink: previous,
                                    lipmaaLink: Lipmaa.hasDistinctLink(sequence) ? ids[Lipmaa.link(sequence)] : nil)
        previous = entry.id
        ids[sequence] = entry.id
        return SignedEntry(entry: entry, payload: payload)
    }
}

/// SplitMix64: the same numbers on every machine for a seed.
private struct WorkloadRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
