import VFGraph
import GRDB
import VFLog

/// The consent rules' facts (``ConsentFacts``) read from the tables: links by index, planning
/// objects and their timestamps from the log, described agents from `agent`.
struct TableConsentFacts: ConsentFacts {
    typealias Failure = any Error
    let db: Database
    /// An entry's author, claimed timestamp and the graph object it holds; nil when it is not held.
    let entry: (EntryID) throws -> (author: FeedID, timestamp: Int64, object: VFObject)?
    /// The feed that answers for an agent described by an entry.
    let describedAgent: (AgentID) throws -> FeedID?

    func plannedEntry(_ id: EntryID) throws -> (planned: GraphPlanned, timestamp: Int64)? {
        guard let (author, timestamp, object) = try entry(id), case let .planned(payload) = object else { return nil }
        return (GraphPlanned(id: id, author: author, payload: payload), timestamp)
    }

    func sources(naming target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]?) throws -> [EntryID] {
        try Self.sources(db, naming: target, by: relation, signedBy: authors)
    }

    /// The entries that name `target` by `relation`, in id order (index `linkByTargetInSourceOrder`);
    /// with `signedBy`, one range of the `link` key per author, so the links others made are not read.
    static func sources(_ db: Database, naming target: EntryID, by relation: PlanningRelation,
                        signedBy authors: [FeedID]? = nil, limit: Int = .max) throws -> [EntryID] {
        let limit = Int64(clamping: max(0, limit))
        guard let authors else {
            return try GraphReader.ids(db, "SELECT source FROM link WHERE target = ?1 AND relation = ?2 ORDER BY source LIMIT ?3") {
                $0.bind(1, target)
                $0.bind(2, relation.rawValue)
                $0.bind(3, limit)
            }
        }
        var result: [EntryID] = []
        for author in Set(authors) where result.count < limit {
            result += try GraphReader.ids(db, "SELECT source FROM link WHERE target = ?1 AND relation = ?2 AND author = ?3 LIMIT ?4") {
                $0.bind(1, target)
                $0.bind(2, relation.rawValue)
                $0.bind(3, author)
                $0.bind(4, limit - Int64(result.count))
            }
        }
        return result.sorted()
    }

    func sources(naming target: EntryID, by relation: PlanningRelation, publishedOrAcceptedBy party: FeedID) throws -> [EntryID] {
        try Self.sources(db, naming: target, by: relation, publishedOrAcceptedBy: party).ids
    }

    /// ``sources(naming:by:publishedOrAcceptedBy:)``, with the SQLite virtual-machine steps it
    /// took, for tests of what it costs.
    ///
    /// What `party` published is one range of the `link` key. What it accepted is the
    /// intersection of two lists, each read in id order by index: the entries naming `target`
    /// by `relation` (`linkByTargetInSourceOrder`), which anyone can make long, and the entries `party`'s
    /// acceptances name (`linkByAuthor`), which only `party` can. They are intersected by
    /// seeking in each the next id of the other (a leapfrog join), so the work grows with the
    /// shorter of the two, not with what strangers name `target` with.
    static func sources(_ db: Database, naming target: EntryID, by relation: PlanningRelation,
                        publishedOrAcceptedBy party: FeedID) throws -> (ids: [EntryID], steps: Int) {
        let published = try RawStatement(db, "SELECT source FROM link WHERE target = ?1 AND relation = ?2 AND author = ?3")
        published.bind(1, target)
        published.bind(2, relation.rawValue)
        published.bind(3, party)
        var found = Set<EntryID>()
        while try published.next() {
            if let source = try published.hash(0, table: "link") { found.insert(EntryID(hash: source)) }
        }
        // The first id at or after a bound: of what names `target`, and of what `party` accepted.
        let naming = try RawStatement(db, "SELECT source FROM link WHERE target = ?1 AND relation = ?2 AND source >= ?3 ORDER BY source LIMIT 1")
        naming.bind(1, target)
        naming.bind(2, relation.rawValue)
        let accepted = try RawStatement(db, "SELECT target FROM link WHERE author = ?1 AND relation = ?2 AND target >= ?3 ORDER BY target LIMIT 1")
        accepted.bind(1, party)
        accepted.bind(2, PlanningRelation.accepts.rawValue)
        func first(_ s: RawStatement, atOrAfter bound: [UInt8]) throws -> Hash32? {
            s.bind(3, blob: bound)
            defer { s.reset() }
            guard try s.next() else { return nil }
            return try s.hash(0, table: "link")
        }
        var candidate = try first(naming, atOrAfter: [])
        while let x = candidate, let y = try first(accepted, atOrAfter: x.bytes) {
            if y == x {
                found.insert(EntryID(hash: x))
                // x followed by a zero byte: the least blob after x.
                candidate = try first(naming, atOrAfter: x.bytes + [0])
            } else {
                candidate = try first(naming, atOrAfter: y.bytes)
            }
        }
        // Each statement counts its steps over every run since it was prepared.
        let steps = published.virtualMachineSteps + naming.virtualMachineSteps + accepted.virtualMachineSteps
        return (found.sorted(), steps)
    }

    func answeredBy(_ agent: AgentID) throws -> FeedID? {
        switch agent {
        case let .feed(feed): feed
        case .described: try describedAgent(agent)
        }
    }
}

extension TableConsentFacts {
    /// The facts as a reader sees them: every entry the log holds.
    init(db: Database, log: LogStore) {
        self.init(db: db, entry: { id in
            guard let record = try log.records(ids: [id]).first ?? nil, let payload = record.payload,
                  let object = try? VFObject.decode(payload, author: record.author) else { return nil }
            return (record.author, record.timestamp, object)
        }, describedAgent: { agent in
            try GraphTableReader.agentRows(db, where: "id = ?1") { $0.bind(1, agent.description) }.first?.1.answeredBy
        })
    }
}
