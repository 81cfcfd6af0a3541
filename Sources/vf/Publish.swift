import ArgumentParser
import Foundation
import VFGraph
import VFGraphStore
import VFLog

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append entries to this node's feed, offline.",
        discussion: """
            PAYLOAD is a JSON object: given as text, as @FILE, or as - for standard input. \
            With --lines FILE (or - for standard input), every non-empty line is one payload; \
            lines are appended in batches (a batch also ends when standard input has no line ready) \
            and each id is printed once its batch is durable. \
            A bad line stops the run with its line number; the lines before it stay appended. \
            A ValueFlows object (an @type of EconomicEvent, Process, ResourceSpecification, Person or Organization) \
            is checked against the graph derived from the log and refused, with the reason, if it is malformed, \
            refers to something unknown or would not be applied, or if it would leave a resource this node is \
            accountable for or holds below zero (unless --allow-negative); other JSON objects are appended as they are.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "A JSON object, @FILE, or - for standard input.") var payload: String?
    @Option(help: ArgumentHelp("Append one entry per line of a JSON-lines file (- for standard input).", valueName: "FILE"))
    var lines: String?
    @Option(help: "Entries per batch with --lines: each is signed, checked and stored as one.") var batchSize = 1000
    @Flag(help: "Record events that leave a resource of this node's below zero (taking out more than was put in).")
    var allowNegative = false
    @Flag(help: "Print {\"id\", \"author\", \"sequence\"} for each entry, and \"createdResource\" for an event that creates one.")
    var json = false

    func validate() throws {
        guard (payload == nil) != (lines == nil) else { throw ValidationError("give either PAYLOAD or --lines FILE") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let home = options.resolved
        let key = try home.loadKey()
        let store = try home.openStore()
        let graph = Graph(home: home, log: store, author: key.feed, allowNegative: allowNegative)
        if let lines {
            do { try publishLines(lines, key: key, store: store, graph: graph) } catch {
                graph.update()  // the lines before a bad one stay appended
                throw error
            }
        } else if let payload {
            let bytes = try readArgumentBytes(payload)
            do { try Payload.validate(bytes) } catch { throw CLIError("\(error)") }
            let (outcome, prepared) = try graph.signAndPublish([bytes], key: key)
            switch outcome {
            case .published:
                report(prepared.entries[0])
            case let .refused(_, reason):
                throw CLIError("refused: \(reason); nothing appended")
            case .notAllValueFlows:
                if let (_, reason) = try graph.firstRefusal([bytes]) { throw CLIError("refused: \(reason); nothing appended") }
                report(try store.append(bytes, key: key))
            }
        }
        graph.update()
    }

    /// HOME/graph.sqlite: checks ValueFlows payloads before they are appended, and is brought
    /// up to date after.
    private final class Graph {
        let home: NodeHome
        let log: LogStore
        let author: FeedID
        let allowNegative: Bool
        private var store: GraphStore?

        init(home: NodeHome, log: LogStore, author: FeedID, allowNegative: Bool) {
            self.home = home
            self.log = log
            self.author = author
            self.allowNegative = allowNegative
        }

        /// The graph store, opened the first time it is needed.
        private func opened() throws -> GraphStore {
            if let store { return store }
            do {
                let opened = try GraphStore(home: home)
                store = opened
                return opened
            } catch { throw CLIError("\(error)") }
        }

        /// The first of `payloads` the graph refuses, by its place, with the reason; each is
        /// checked against the ones before it (``GraphStore/check(_:author:timestamp:log:)``).
        func firstRefusal(_ payloads: [[UInt8]]) throws -> (Int, String)? {
            guard payloads.contains(where: PublishVerdict.isValueFlows) else { return nil }
            let verdicts = try opened().check(payloads, author: author, timestamp: Int64(Date().timeIntervalSince1970 * 1000), log: log,
                                              allowNegative: allowNegative)
            for (index, verdict) in verdicts.enumerated() { if case let .refused(reason) = verdict { return (index, reason) } }
            return nil
        }

        /// Publishes batches of ValueFlows payloads (``GraphStore/publishBatches(key:log:allowNegative:next:inputReady:stored:)``).
        func publishBatches(key: SigningKey, next: () throws -> [[UInt8]]?, inputReady: () -> Bool,
                            stored: ([SignedEntry]) -> Void) throws -> GraphStore.BatchesEnd {
            try opened().publishBatches(key: key, log: log, allowNegative: allowNegative, next: next, inputReady: inputReady, stored: stored)
        }

        /// Signs ValueFlows payloads and, if the graph accepts them all, stores them and applies
        /// them in one go (``GraphStore/signAndPublish(_:key:log:allowNegative:)``).
        func signAndPublish(_ payloads: [[UInt8]], key: SigningKey) throws -> (outcome: GraphStore.PublishOutcome, prepared: PreparedAppend) {
            try opened().signAndPublish(payloads, key: key, log: log, allowNegative: allowNegative)
        }

        /// Brings the tables up to date with what was appended, so the next graph command reads
        /// them without deriving (entries that are not ValueFlows only move a cursor). A failure
        /// here loses nothing: the entries are durable, and the next graph command catches up.
        func update() {
            do {
                try opened().update(from: log)
            } catch {
                printErr("warning: graph.sqlite not updated: \(error)")
            }
        }
    }

    private func publishLines(_ path: String, key: SigningKey, store: LogStore, graph: Graph) throws {
        var batches = try LineBatches(path: path, size: batchSize)
        var appended = 0
        var stop: (line: Int, reason: String)?
        /// The line numbers of the batches read and not yet stored, oldest first.
        var given: [[Int]] = []
        func report(_ entries: [SignedEntry]) {
            for entry in entries { self.report(entry) }
            appended += entries.count
            if !entries.isEmpty { fflush(nil) }
        }
        /// The next batch's payloads; nil after the last, or the bad line that ends the run.
        func next() throws -> [[UInt8]]? {
            guard stop == nil, let batch = try batches.next() else { return nil }
            stop = batch.stop
            guard !batch.payloads.isEmpty else { return nil }
            given.append(batch.lineNumbers)
            return batch.payloads
        }
        var otherJSON: [[UInt8]]?
        runs: while let payloads = try otherJSON ?? next() {
            otherJSON = nil
            if payloads.allSatisfy(PublishVerdict.isValueFlows) {
                // Batches of ValueFlows lines: each checked by folding it in, stored while the
                // next is checked, and signed while the one before it is checked.
                var first: [[UInt8]]? = payloads
                let end: GraphStore.BatchesEnd
                do {
                    end = try graph.publishBatches(key: key, next: {
                        defer { first = nil }
                        return try first ?? next()
                    }, inputReady: { batches.lineReady }, stored: { entries in
                        given.removeFirst()
                        report(entries)
                    })
                } catch AppendError.headMoved {
                    let line = given.first?.first.map { "line \($0): " } ?? ""
                    throw CLIError("\(line)another writer extended this feed twice while it was published; "
                                   + "\(appended) entries before it were appended")
                }
                switch end {
                case .finished:
                    break runs
                case let .refused(prepared, index, reason):
                    stop = (given[0][index], "refused: \(reason)")
                    try store.commit(prepared, count: index)
                    report(Array(prepared.entries.prefix(index)))
                    graph.update()
                    break runs
                case let .otherJSON(payloads):
                    otherJSON = payloads
                }
            } else {
                // Other JSON among them: checked against the graph, appended, then folded.
                var accepted = payloads
                if let (index, reason) = try graph.firstRefusal(payloads) {
                    stop = (given[0][index], "refused: \(reason)")
                    accepted.removeSubrange(index...)
                }
                given.removeFirst()
                if !accepted.isEmpty { report(try store.appendBatch(accepted, key: key)) }
                graph.update()
                if stop != nil { break runs }
            }
        }
        if let stop { throw CLIError("line \(stop.line): \(stop.reason); \(appended) entries before it were appended") }
        printErr("appended \(appended) entries")
    }

    private func report(_ signed: SignedEntry) {
        let entry = signed.entry
        if json {
            let created = EntryJSON.createdResource(signed)
            // Keys in order, as JSONOutput writes an object's: one line per entry.
            JSONOutput.print { w in
                w.beginObject()
                w.key("author")
                w.string(entry.author.description)
                if let created {
                    w.key("createdResource")
                    w.string(created.description)
                }
                w.key("id")
                w.string(entry.id.description)
                w.key("sequence")
                w.integer(entry.sequence)
                w.endObject()
            }
        } else {
            print(entry.id)
        }
    }
}
