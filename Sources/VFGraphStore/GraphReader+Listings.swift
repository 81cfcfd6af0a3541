import VFGraph
import Foundation
import GRDB
import VFLog

/// What listings need beside the rows themselves: the events of each process of a page, a search
/// by name whose work per page is bounded, and the resources a batch of new events names.
extension GraphReader {
    /// The most rows one search reads, by default, before it answers with what it found and
    /// where to go on: a page of a search costs at most this much, however rare the matches.
    public static let searchScanLimit = 10_000

    /// Processes in number order (``processes(after:limit:)``), the first after `after`, at most `limit`, each with the ids of
    /// its first ``EmbeddedList/most`` applied input and output events in causal order, and
    /// whether it has more: ``processes(after:limit:)`` and, without reading those events, the
    /// ids ``events(of:outputs:limit:)`` would give, and whether either list goes on.
    public func processFlows(after: EntryID?, limit: Int) throws -> [ProcessFlows] {
        try flows(of: try processes(after: after, limit: limit))
    }

    /// One process as ``processFlows(after:limit:)`` gives it; nil if the graph has no such process.
    public func processFlows(_ id: EntryID) throws -> ProcessFlows? {
        guard let process = try process(id) else { return nil }
        return try flows(of: [process]).first
    }

    private func flows(of processes: [GraphProcess]) throws -> [ProcessFlows] {
        let (inputs, outputs) = try tables.read { db in
            (try Self.eventIDs(db, of: processes, column: "inputOf"), try Self.eventIDs(db, of: processes, column: "outputOf"))
        }
        return processes.indices.map { index in
            let cap = EmbeddedList.most
            return ProcessFlows(process: processes[index], inputs: Array(inputs[index].prefix(cap)), outputs: Array(outputs[index].prefix(cap)),
                                moreInputs: inputs[index].count > cap, moreOutputs: outputs[index].count > cap)
        }
    }

    /// For each process, the ids of its first ``EmbeddedList/most`` + 1 applied events in `column`.
    private static func eventIDs(_ db: Database, of processes: [GraphProcess], column: String) throws -> [[EntryID]] {
        let s = try RawStatement(db, "SELECT id FROM event WHERE \(column) = \(GraphSchema.itemNumber("?1")) AND status = 0 ORDER BY ord LIMIT ?2")
        return try processes.map { process in
            s.bind(1, process.id)
            s.bind(2, Int64(EmbeddedList.most + 1))
            var ids: [EntryID] = []
            while try s.next() {
                guard let id = try s.hash(0, table: "event") else { throw GraphStoreError("event: row without id; run vf graph rebuild") }
                ids.append(EntryID(hash: id))
            }
            return ids
        }
    }

    /// Resources whose name contains `text`, ignoring case, in number order (``resources(after:limit:)``), the first after
    /// `after`, at most `limit`; reading at most `scanLimit` rows.
    public func resources(named text: String, after: ResourceID?, limit: Int,
                          scanLimit: Int = searchScanLimit) throws -> SearchPage<EconomicResource, ResourceID> {
        try search(after: after, limit: limit, scanLimit: scanLimit, rows: { try resources(after: $0, limit: $1) }, cursor: \.id) {
            $0.name.map { Self.contains($0, text) } ?? false
        }
    }

    /// Agents whose profile name contains `text`, ignoring case, in the order of their text
    /// ids, the first after `after`, at most `limit`; reading at most `scanLimit` rows.
    public func agents(named text: String, after: AgentID?, limit: Int, scanLimit: Int = searchScanLimit) throws -> SearchPage<GraphAgent, AgentID> {
        try search(after: after, limit: limit, scanLimit: scanLimit, rows: { try agents(after: $0, limit: $1) }, cursor: \.id) {
            $0.profile?.name.map { Self.contains($0, text) } ?? false
        }
    }

    /// The resources each of `entries` that is an event (whatever its status) names — as
    /// `resourceInventoriedAs`, `toResourceInventoriedAs` (given or created) or the container of
    /// a `combine` — keyed by event; entries that are not events are absent.
    public func resourcesNamed(byEvents entries: [EntryID]) throws -> [EntryID: [ResourceID]] {
        try tables.read { db in
            let s = try RawStatement(db, "SELECT " + ["fromResource", "toResource", "container"].map { GraphSchema.itemID("event." + $0) }.joined(separator: ", ")
                                     + " FROM event WHERE \(GraphSchema.eventAt(1))")
            var named: [EntryID: [ResourceID]] = [:]
            for (entry, place) in zip(entries, try log.places(ids: entries)) {
                guard let place else { continue }
                try s.bindEvent(place, entry, from: 1)
                guard try s.next() else { continue }
                defer { s.reset() }
                named[entry] = try (0 ..< 3).compactMap { try s.hash(Int32($0), table: "event").map(ResourceID.init) }
            }
            return named
        }
    }

    /// A search over one listing: reads `rows` a page at a time from `after`, keeps those that
    /// match, and stops at `limit` matches or `scanLimit` rows read; `next` is the last row read
    /// when rows remain after it.
    func search<Item, Cursor>(after: Cursor?, limit: Int, scanLimit: Int, rows: (Cursor?, Int) throws -> [Item],
                                      cursor: (Item) -> Cursor, matches: (Item) -> Bool) throws -> SearchPage<Item, Cursor> {
        var items: [Item] = []
        var last = after
        var scanned = 0
        scanning: while scanned < scanLimit {
            let requested = min(Self.maximumPage, scanLimit - scanned)
            let page = try rows(last, requested)
            for row in page {
                scanned += 1
                last = cursor(row)
                if matches(row) {
                    items.append(row)
                    if items.count >= limit { break scanning }
                }
            }
            if page.count < requested { return SearchPage(items: items, next: nil) }
        }
        let more = try !rows(last, 1).isEmpty
        return SearchPage(items: items, next: more ? last : nil)
    }

    /// Whether `name` contains `text`, ignoring case (Unicode's, not only ASCII's).
    private static func contains(_ name: String, _ text: String) -> Bool {
        name.range(of: text, options: [.caseInsensitive]) != nil
    }
}

/// One page of a search: what matched, and the cursor to go on from.
public struct SearchPage<Item, Cursor> {
    public let items: [Item]
    /// The last row the search read, when rows remain after it; nil once it has read the last
    /// row. A page may hold fewer than the `limit` asked for, or none, and still have a `next`:
    /// the search stopped after reading as many rows as it may (``GraphReader/searchScanLimit``).
    public let next: Cursor?
}

extension SearchPage: Sendable where Item: Sendable, Cursor: Sendable {}
