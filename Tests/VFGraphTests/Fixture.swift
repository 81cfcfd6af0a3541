import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// A small network of feeds for tests: agents with real keys, entries as plain input structs.
final class Fixture {
    struct Agent {
        let name: String
        let key: SigningKey
        var feed: FeedID { key.feed }
        var id: String { feed.description }
    }

    private(set) var entries: [GraphEntry] = []
    private var sequences: [FeedID: UInt64] = [:]
    private var clock: Int64 = 1_700_000_000_000
    var verified = true

    func agent(_ name: String) -> Agent {
        Agent(name: name, key: SigningKey(seed: Array(Sodium.blake2b256(Array(name.utf8)).bytes)))
    }

    /// Appends an entry to `author`'s feed and returns its id.
    @discardableResult
    func post(_ author: Agent, _ payload: JSONValue) -> EntryID {
        post(author, bytes: payload.serialized)
    }

    @discardableResult
    func post(_ author: Agent, bytes: [UInt8]) -> EntryID {
        let sequence = (sequences[author.feed] ?? 0) + 1
        sequences[author.feed] = sequence
        clock += 1000
        let id = EntryID(hash: Sodium.blake2b256(author.feed.bytes + withUnsafeBytes(of: sequence.bigEndian, Array.init) + bytes))
        entries.append(GraphEntry(author: author.feed, sequence: sequence, id: id, timestamp: clock,
                                  signatureVerified: verified, payload: bytes))
        return id
    }

    var graph: EconomicGraph { Derivation.derive(entries) }

    func entry(_ id: EntryID) -> GraphEntry { entries.first { $0.id == id }! }

    // MARK: payload builders

    func process(_ author: Agent, name: String, basedOn: String? = nil) -> EntryID {
        var json: [JSONName: JSONValue] = ["@type": "Process", "name": .string(name)]
        if let basedOn { json["basedOn"] = .string(basedOn) }
        return post(author, .object(json))
    }

    func spec(_ author: Agent, name: String, unit: String? = nil) -> EntryID {
        var json: [JSONName: JSONValue] = ["@type": "ResourceSpecification", "name": .string(name)]
        if let unit { json["defaultUnitOfResource"] = .string(unit) }
        return post(author, .object(json))
    }

    /// Posts an event signed by `signer` (default: the provider).
    @discardableResult
    func event(_ action: String, by signer: Agent? = nil, provider: Agent, receiver: Agent? = nil,
               _ fields: [JSONName: JSONValue] = [:]) -> EntryID {
        var json: [JSONName: JSONValue] = ["@type": "EconomicEvent", "action": .string(action),
                                         "provider": .string(provider.id), "receiver": .string((receiver ?? provider).id)]
        json.merge(fields) { _, new in new }
        return post(signer ?? provider, .object(json))
    }

    /// Creates a resource with `raise` and returns its id.
    func raise(_ owner: Agent, _ amount: String, _ unit: String, name: String = "stock", fields: [JSONName: JSONValue] = [:]) -> ResourceID {
        var f: [JSONName: JSONValue] = ["resourceQuantity": qty(amount, unit), "newInventoriedResource": ["name": .string(name)]]
        f.merge(fields) { _, new in new }
        return ResourceID(createdBy: event("raise", provider: owner, f))
    }
}

func qty(_ value: String, _ unit: String) -> JSONValue {
    ["hasNumericalValue": .number(value), "hasUnit": .string(unit)]
}

func ref(_ id: EntryID) -> JSONValue { .string(id.description) }
func ref(_ id: ResourceID) -> JSONValue { .string(id.description) }

func dec(_ text: String) -> ExactDecimal { try! ExactDecimal(parsing: text) }

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(dictionaryLiteral elements: (JSONName, JSONValue)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}

extension EconomicGraph {
    func resource(_ id: ResourceID, file: StaticString = #filePath, line: UInt = #line) -> EconomicResource {
        guard let r = resources[id] else {
            XCTFail("no resource \(id)", file: file, line: line)
            return EconomicResource(id: id, createdBy: EntryID(hash: .zero))
        }
        return r
    }

    func assertApplied(_ ids: EntryID..., file: StaticString = #filePath, line: UInt = #line) {
        for id in ids { XCTAssertEqual(events[id]?.status, .applied, "\(id)", file: file, line: line) }
    }
}

/// Asserts two graphs are equal, naming the first differences instead of dumping both.
func assertSame(_ a: EconomicGraph, _ b: EconomicGraph, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard a != b else { return }
    var diffs = [String]()
    for id in Set(a.resources.keys).union(b.resources.keys) where a.resources[id] != b.resources[id] {
        diffs.append("resource \(id): \(String(describing: a.resources[id])) vs \(String(describing: b.resources[id]))")
    }
    for id in Set(a.events.keys).union(b.events.keys) where a.events[id] != b.events[id] {
        let x = a.events[id], y = b.events[id]
        diffs.append("event \(id) \(x?.payload.action.rawValue ?? "-"): \(x?.status.description ?? "absent") @\(String(describing: x?.order)) prev \(String(describing: x?.previousEvent)) vs \(y?.status.description ?? "absent") @\(String(describing: y?.order)) prev \(String(describing: y?.previousEvent))")
    }
    if a.appliedOrder != b.appliedOrder { diffs.append("applied order differs") }
    if a.agents != b.agents { diffs.append("agents differ") }
    if a.rejected != b.rejected { diffs.append("rejected differ") }
    if a.lastEventByResource != b.lastEventByResource { diffs.append("breadcrumbs differ") }
    XCTFail("\(message): graphs differ:\n" + diffs.prefix(6).joined(separator: "\n"), file: file, line: line)
}

/// Asserts two stores' tables (``GraphStore/tableContents()``) are equal, naming only the rows
/// that differ instead of dumping both.
/// `store`'s tables equal those a rebuild from `log` gives, made in a new file beside it.
func assertMatchesRebuild(_ store: GraphStore, _ log: LogStore, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) throws {
    let rebuilt = try GraphStore(path: store.path + ".rebuilt-\(UUID().uuidString).sqlite")
    try rebuilt.rebuild(from: log)
    assertSameTables(try store.tableContents(), try rebuilt.tableContents(), message, file: file, line: line)
}

func assertSameTables(_ a: [String: [[String]]], _ b: [String: [[String]]], _ message: String = "",
                      file: StaticString = #filePath, line: UInt = #line) {
    guard a != b else { return }
    var diffs: [String] = []
    for table in Set(a.keys).union(b.keys).sorted() {
        let x = Set((a[table] ?? []).map { $0.joined(separator: " | ") }), y = Set((b[table] ?? []).map { $0.joined(separator: " | ") })
        for row in x.subtracting(y).sorted() { diffs.append("\(table) only in the first: \(row)") }
        for row in y.subtracting(x).sorted() { diffs.append("\(table) only in the second: \(row)") }
    }
    XCTFail("\(message): tables differ:\n" + diffs.prefix(8).joined(separator: "\n"), file: file, line: line)
}

/// The verdicts of checking `payloads` in turn, as `author` would publish them, against the
/// graph derived in memory from `log`, up to and including the first refusal: what a check
/// against the tables must give.
func verdictsInMemory(_ log: LogStore, author: FeedID, _ payloads: [[UInt8]],
                      timestamp: Int64 = 1_900_000_000_000) throws -> [PublishVerdict] {
    var builder = GraphBuilder()
    builder.insert(try log.feeds().flatMap { try log.records(author: $0.author) }.map { GraphEntry($0, verified: true) })
    var check = PublishCheck(builder: builder, author: author, headSequence: try log.head(of: author)?.sequence ?? 0, timestamp: timestamp)
    var verdicts: [PublishVerdict] = []
    for payload in payloads {
        verdicts.append(check.check(payload))
        if case .refused = verdicts.last! { break }
    }
    return verdicts
}
