import VFLog

/// Entries received on one connection on their way to the store: one batch is verified and
/// stored at a time, and what arrives meanwhile gathers into the next.
struct IngestQueue: Sendable {
    private var waiting: [SignedEntry] = []
    /// Entries in the batch being stored; zero when none is.
    private(set) var storing = 0

    /// Entries gathered for the next batch.
    var waitingCount: Int { waiting.count }
    /// Their bytes: encoded entries and payloads.
    private(set) var waitingBytes = 0

    mutating func append(_ entry: SignedEntry) {
        waiting.append(entry)
        waitingBytes += entry.entry.encoded.count + (entry.payload?.count ?? 0)
    }

    /// Everything gathered, if no batch is being stored and anything waits.
    mutating func nextBatch() -> [SignedEntry]? {
        guard storing == 0, !waiting.isEmpty else { return nil }
        defer { waiting = []; waitingBytes = 0 }
        storing = waiting.count
        return waiting
    }

    /// The batch being stored is done; returns how many entries it held (zero if none was out).
    mutating func batchStored() -> Int {
        defer { storing = 0 }
        return storing
    }
}
