import Foundation
import VFGraph
import VFJSON
import VFLog
import VFShapes

/// A provenance proof (docs/protocol.md §17): the signed entries a trace reaches, the entries
/// that tie each to its feed's head, and the figures the prover derived. A value: reading and
/// writing the file are pure.
public struct ProofFile: Sendable, Equatable {
    public static let version = 1
    /// The largest file read, and the most entries one holds.
    public static let maximumSize = 64 << 20
    public static let maximumEntries = 200_000
    /// The most JSON values a proof holds: at most `maximumEntries` entries, each an array of
    /// 2 (3 values), as many feeds, each an object of 3 members (4), a trace of at most twice
    /// as many items (2 per entry), as many resource claims, each an object of 4 members (5),
    /// and a few at the top. The reader refuses a file of more while reading it, before
    /// building them (the page's reader, too).
    static let maximumValues = (3 + 4 + 2 + 5) * maximumEntries + 64

    public struct Feed: Sendable, Equatable {
        public let author: FeedID
        public let head: UInt64
        public let forked: Bool

        public init(author: FeedID, head: UInt64, forked: Bool) {
            self.author = author
            self.head = head
            self.forked = forked
        }
    }

    /// A resource's figures, as the prover's node derived them.
    public struct ResourceClaim: Sendable, Equatable {
        public let id: ResourceID
        public let unit: String?
        public let accountingQuantity: ExactDecimal
        public let onhandQuantity: ExactDecimal

        public init(id: ResourceID, unit: String?, accountingQuantity: ExactDecimal, onhandQuantity: ExactDecimal) {
            self.id = id
            self.unit = unit
            self.accountingQuantity = accountingQuantity
            self.onhandQuantity = onhandQuantity
        }

        public init(_ resource: EconomicResource) {
            self.init(id: resource.id, unit: resource.unit, accountingQuantity: resource.accountingQuantity,
                      onhandQuantity: resource.onhandQuantity)
        }
    }

    public let subject: FlowItem
    public let provedAt: Int64
    public let feeds: [Feed]
    /// Decoded entries with their payloads when included, in file order.
    public let entries: [SignedEntry]
    /// The claimed trace: each item's bare text id (``text(_:)``), in walk order.
    public let trace: [String]
    public let resources: [ResourceClaim]

    public init(subject: FlowItem, provedAt: Int64, feeds: [Feed], entries: [SignedEntry], trace: [String], resources: [ResourceClaim]) {
        self.subject = subject
        self.provedAt = provedAt
        self.feeds = feeds.sorted { $0.author < $1.author }
        self.entries = entries.sorted { a, b in
            a.entry.author != b.entry.author ? a.entry.author < b.entry.author
                : a.entry.sequence != b.entry.sequence ? a.entry.sequence < b.entry.sequence : a.entry.id < b.entry.id
        }
        self.trace = trace
        self.resources = resources.sorted { $0.id.hash < $1.id.hash }
    }

    // MARK: writing

    /// The file's bytes: members in the order §17 shows them, on one line ending with a newline.
    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 1024 + entries.count * 400)
        w.beginObject()
        w.key("vfProof"); w.integer(Self.version)
        w.key("subject"); w.string(Self.text(subject))
        w.key("provedAt"); w.string(DateTimeStamp.text(provedAt))
        w.key("feeds"); w.array(feeds) { f, w in
            w.beginObject()
            w.key("author"); w.id(f.author)
            w.key("head"); w.integer(f.head)
            w.key("forked"); w.bool(f.forked)
            w.endObject()
        }
        w.key("entries"); w.array(entries) { e, w in
            w.beginArray()
            w.string(StrictBase64.encode(e.entry.encoded))
            if let payload = e.payload { w.string(StrictBase64.encode(payload)) } else { w.null() }
            w.endArray()
        }
        w.key("claims")
        w.beginObject()
        w.key("trace"); w.array(trace) { item, w in w.string(item) }
        w.key("resources"); w.array(resources) { r, w in
            w.beginObject()
            w.key("id"); w.id(r.id)
            w.key("unit"); w.string(r.unit)
            w.key("accountingQuantity"); w.string(r.accountingQuantity.description)
            w.key("onhandQuantity"); w.string(r.onhandQuantity.description)
            w.endObject()
        }
        w.endObject()
        w.endObject()
        w.endLine()
        return w.take()
    }

    // MARK: reading

    /// Reads a proof file, refusing anything §17 does not allow, with the reason.
    public static func decode(_ bytes: [UInt8]) throws(ProofFileError) -> ProofFile {
        guard bytes.count <= maximumSize else { throw ProofFileError("the file is \(bytes.count) bytes; a proof is at most \(maximumSize)") }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, maximumValues: maximumValues) } catch { throw ProofFileError("not JSON: \(error)") }
        let top = try Members(json, "the proof", ["vfProof", "subject", "provedAt", "feeds", "entries", "claims"])
        guard case let .number(version)? = top.value("vfProof"), version == String(Self.version) else {
            throw ProofFileError("vfProof is not \(Self.version): this checker reads version \(Self.version)")
        }
        let subject = try item(try top.string("subject"), "subject")
        let provedAt: Int64
        do { provedAt = try DateTimeStamp.milliseconds(from: try top.string("provedAt")) } catch { throw ProofFileError("provedAt: \(error)") }

        let feedValues = try top.array("feeds")
        guard feedValues.count <= maximumEntries else { throw ProofFileError("more than \(maximumEntries) feeds") }
        var feeds: [Feed] = []
        for (i, value) in feedValues.enumerated() {
            let f = try Members(value, "feeds[\(i)]", ["author", "head", "forked"])
            let author: FeedID
            do { author = try FeedID(parsing: try f.string("author")) } catch { throw ProofFileError("feeds[\(i)].author: \(error)") }
            guard case let .number(text)? = f.value("head"), let head = UInt64(text), head >= 1, head <= Entry.maximumSequence else {
                throw ProofFileError("feeds[\(i)].head is not a sequence number")
            }
            guard case let .bool(forked)? = f.value("forked") else { throw ProofFileError("feeds[\(i)].forked is not true or false") }
            feeds.append(Feed(author: author, head: head, forked: forked))
        }
        guard Set(feeds.map(\.author)).count == feeds.count else { throw ProofFileError("a feed is listed twice") }

        let entryValues = try top.array("entries")
        guard entryValues.count <= maximumEntries else { throw ProofFileError("more than \(maximumEntries) entries") }
        var entries: [SignedEntry] = []
        entries.reserveCapacity(entryValues.count)
        var seen: [String: Int] = [:]
        for (i, value) in entryValues.enumerated() {
            guard case let .array(pair) = value, pair.count == 2 else { throw ProofFileError("entries[\(i)] is not a pair [entry, payload]") }
            guard case let .string(encodedText) = pair[0], let encoded = StrictBase64.decode(encodedText, maximumCount: EntryCodec.maximumSize) else {
                throw ProofFileError("entries[\(i)]: the entry is not base64")
            }
            if let earlier = seen.updateValue(i, forKey: encodedText) { throw ProofFileError("entries[\(i)] repeats entries[\(earlier)]") }
            let entry: Entry
            do { entry = try EntryCodec.decode(encoded) } catch { throw ProofFileError("entries[\(i)]: \(error)") }
            var payload: [UInt8]?
            switch pair[1] {
            case .null: payload = nil
            case let .string(text):
                guard let bytes = StrictBase64.decode(text, maximumCount: Payload.maximumSize) else {
                    throw ProofFileError("entries[\(i)]: the payload is not base64 of at most \(Payload.maximumSize) bytes")
                }
                payload = bytes
            default: throw ProofFileError("entries[\(i)]: the payload is neither base64 text nor null")
            }
            entries.append(SignedEntry(entry: entry, payload: payload))
        }

        let claims = try Members(try top.value("claims").orThrow("claims"), "claims", ["trace", "resources"])
        let traceValues = try claims.array("trace")
        guard traceValues.count <= maximumEntries * 2 else { throw ProofFileError("the claimed trace is longer than any proof holds") }
        var trace: [String] = []
        for (i, value) in traceValues.enumerated() {
            guard case let .string(text) = value else { throw ProofFileError("claims.trace[\(i)] is not an id") }
            trace.append(ProofFile.text(try item(text, "claims.trace[\(i)]")))
        }
        var resources: [ResourceClaim] = []
        let resourceValues = try claims.array("resources")
        guard resourceValues.count <= maximumEntries else { throw ProofFileError("more than \(maximumEntries) resource claims") }
        for (i, value) in resourceValues.enumerated() {
            let r = try Members(value, "claims.resources[\(i)]", ["id", "unit", "accountingQuantity", "onhandQuantity"])
            do {
                let id = try ResourceID(parsing: try r.string("id"))
                let unit: String?
                switch r.value("unit") {
                case .null?: unit = nil
                case let .string(text)?: unit = text
                default: throw ProofFileError("claims.resources[\(i)].unit is neither text nor null")
                }
                resources.append(ResourceClaim(id: id, unit: unit, accountingQuantity: try ExactDecimal(parsing: try r.string("accountingQuantity")),
                                               onhandQuantity: try ExactDecimal(parsing: try r.string("onhandQuantity"))))
            } catch let error as ProofFileError {
                throw error
            } catch {
                throw ProofFileError("claims.resources[\(i)]: \(error)")
            }
        }
        return ProofFile(subject: subject, provedAt: provedAt, feeds: feeds, entries: entries, trace: trace, resources: resources)
    }

    /// A trace item's bare text id, as the file writes it.
    public static func text(_ item: FlowItem) -> String {
        switch item {
        case let .event(id), let .process(id): id.description
        case let .resource(id): id.description
        }
    }

    /// A trace item from its text id: `%….vf1res` a resource, else an entry (an event or a process).
    static func item(_ text: String, _ what: String) throws(ProofFileError) -> FlowItem {
        if text.hasSuffix("res") {
            do { return .resource(try ResourceID(parsing: text)) } catch { throw ProofFileError("\(what): \(error)") }
        }
        do { return .event(try EntryID(parsing: text)) } catch { throw ProofFileError("\(what): \(error)") }
    }
}

/// Why a proof file cannot be read.
public struct ProofFileError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An object's members, none but `allowed`.
private struct Members {
    let members: [JSONName: JSONValue]
    let what: String

    init(_ value: JSONValue, _ what: String, _ allowed: Set<String>) throws(ProofFileError) {
        guard let members = value.objectValue else { throw ProofFileError("\(what) is not an object") }
        for name in members.keys where !allowed.contains(name.text) {
            throw ProofFileError("\(what) has an unknown member \"\(name.text)\"")
        }
        self.members = members
        self.what = what
    }

    func value(_ name: String) -> JSONValue? { members[JSONName(name)] }

    func string(_ name: String) throws(ProofFileError) -> String {
        guard let text = value(name)?.stringValue else { throw ProofFileError("\(what).\(name) is missing or not text") }
        return text
    }

    func array(_ name: String) throws(ProofFileError) -> [JSONValue] {
        guard case let .array(items)? = value(name) else { throw ProofFileError("\(what).\(name) is missing or not an array") }
        return items
    }
}

private extension Optional where Wrapped == JSONValue {
    func orThrow(_ name: String) throws(ProofFileError) -> JSONValue {
        guard let self else { throw ProofFileError("the proof has no \(name)") }
        return self
    }
}
