import GRDB
import VFLog

/// Reading resources back from the tables, so listing them needs no derivation at all.
extension GraphStore {
    /// Every resource in the tables, ordered by id; the same values as the graph's `resources`.
    public func resources() throws -> [EconomicResource] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM resource").map(Self.resource).sorted { $0.id < $1.id }
        }
    }

    static func resource(_ row: Row) throws -> EconomicResource {
        func text(_ column: String) -> String? { row[column] }
        func entry(_ column: String) throws -> EntryID? {
            try text(column).map { value in
                do { return try EntryID(parsing: value) } catch { throw GraphStoreError("resource row: \(column): \(error)") }
            }
        }
        func resourceID(_ column: String) throws -> ResourceID? {
            try text(column).map { value in
                do { return try ResourceID(parsing: value) } catch { throw GraphStoreError("resource row: \(column): \(error)") }
            }
        }
        func agent(_ column: String) throws -> AgentID? {
            guard let value = text(column) else { return nil }
            if let feed = try? FeedID(parsing: value) { return .feed(feed) }
            if let described = try? EntryID(parsing: value) { return .described(described) }
            throw GraphStoreError("resource row: \(column): not an agent id: \(value)")
        }
        func decimal(_ column: String) throws -> ExactDecimal {
            let value = text(column) ?? ""
            do { return try ExactDecimal(parsing: value) } catch { throw GraphStoreError("resource row: \(column): \(error)") }
        }
        guard let id = try resourceID("id"), let createdBy = try entry("createdBy") else {
            throw GraphStoreError("resource row without id or createdBy")
        }
        var r = EconomicResource(id: id, createdBy: createdBy)
        r.name = text("name")
        r.trackingIdentifier = text("trackingIdentifier")
        r.note = text("note")
        r.conformsTo = try entry("conformsTo")
        r.unit = text("unit")
        r.accountingQuantity = try decimal("accountingQuantity")
        r.onhandQuantity = try decimal("onhandQuantity")
        r.primaryAccountable = try agent("primaryAccountable")
        r.holder = try agent("holder")
        r.currentLocation = text("currentLocation")
        r.containedIn = try resourceID("containedIn")
        r.stage = text("stage")
        r.state = text("state")
        return r
    }
}
