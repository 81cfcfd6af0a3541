import ArgumentParser
import Foundation
import VFGraph
import VFLog

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append entries to this node's feed, offline.",
        discussion: """
            PAYLOAD is a JSON object: given as text, as @FILE, or as - for standard input. \
            With --lines FILE (or - for standard input), every non-empty line is one payload; \
            lines are appended in batched transactions and each id is printed once its batch is durable. \
            A bad line stops the run with its line number; the lines before it stay appended. \
            A ValueFlows object (an @type of EconomicEvent, Process, ResourceSpecification, Person or Organization) \
            is checked against the graph derived from the log and refused, with the reason, if it is malformed, \
            refers to something unknown or would not be applied; other JSON objects are appended as they are.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "A JSON object, @FILE, or - for standard input.") var payload: String?
    @Option(help: ArgumentHelp("Append one entry per line of a JSON-lines file (- for standard input).", valueName: "FILE"))
    var lines: String?
    @Option(help: "Entries per transaction with --lines.") var batchSize = 1000
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
        var checker = LazyPublishCheck(home: home, log: store, author: key.feed)
        if let lines {
            do { try publishLines(lines, key: key, store: store, checker: &checker) } catch {
                updateGraph(checker)  // the lines before a bad one stay appended
                throw error
            }
        } else if let payload {
            let bytes = try readArgumentBytes(payload)
            do { try Payload.validate(bytes) } catch { throw CLIError("\(error)") }
            if case let .refused(reason) = try checker.check(bytes) { throw CLIError("refused: \(reason); nothing appended") }
            let signed = try store.append(bytes, key: key)
            checker.note([signed])
            report(signed)
        }
        updateGraph(checker)
    }

    /// Brings HOME/graph.sqlite up to date with what was appended, when the check derived the
    /// graph anyway. A failure here loses nothing: the entries are durable, and the next graph
    /// command catches the tables up.
    private func updateGraph(_ checker: LazyPublishCheck) {
        do { try checker.updateGraph() } catch { printErr("warning: graph.sqlite not updated: \(error)") }
    }

    private func publishLines(_ path: String, key: SigningKey, store: LogStore, checker: inout LazyPublishCheck) throws {
        let reader = try LineReader(path: path)
        var batch: [[UInt8]] = []
        var lineNumber = 0
        var appended = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let signed = try store.appendBatch(batch, key: key)
            checker.note(signed)
            for entry in signed { report(entry) }
            appended += batch.count
            batch.removeAll(keepingCapacity: true)
            fflush(nil)
        }
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var refusal: String?
            do { try Payload.validate(line) } catch { refusal = "\(error)" }
            if refusal == nil, case let .refused(reason) = try checker.check(line) { refusal = "refused: \(reason)" }
            if let refusal {
                try flush()
                throw CLIError("line \(lineNumber): \(refusal); \(appended) entries before it were appended")
            }
            batch.append(line)
            if batch.count >= batchSize { try flush() }
        }
        try flush()
        printErr("appended \(appended) entries")
    }

    private func report(_ signed: SignedEntry) {
        let entry = signed.entry
        if json {
            var object: [String: Any] = ["id": entry.id.description, "author": entry.author.description, "sequence": entry.sequence]
            if let payload = signed.payload, case let .event(event)? = try? VFObject.decode(payload, author: entry.author),
               event.newInventoriedResource != nil {
                object["createdResource"] = ResourceID(createdBy: entry.id).description
            }
            JSONOutput.print(object)
        } else {
            print(entry.id)
        }
    }
}
