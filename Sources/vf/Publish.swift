import ArgumentParser
import Foundation
import VFLog

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append entries to this node's feed, offline.",
        discussion: """
            PAYLOAD is a JSON object: given as text, as @FILE, or as - for standard input. \
            With --lines FILE (or - for standard input), every non-empty line is one payload; \
            lines are appended in batched transactions and each id is printed once its batch is durable. \
            A bad line stops the run with its line number; the lines before it stay appended.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "A JSON object, @FILE, or - for standard input.") var payload: String?
    @Option(help: ArgumentHelp("Append one entry per line of a JSON-lines file (- for standard input).", valueName: "FILE"))
    var lines: String?
    @Option(help: "Entries per transaction with --lines.") var batchSize = 1000
    @Flag(help: "Print {\"id\", \"author\", \"sequence\"} for each entry.") var json = false

    func validate() throws {
        guard (payload == nil) != (lines == nil) else { throw ValidationError("give either PAYLOAD or --lines FILE") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let home = options.resolved
        let key = try home.loadKey()
        let store = try home.openStore()
        if let lines {
            try publishLines(lines, key: key, store: store)
        } else if let payload {
            let bytes = try readArgumentBytes(payload)
            do { try Payload.validate(bytes) } catch { throw CLIError("\(error)") }
            report(try store.append(bytes, key: key).entry)
        }
    }

    private func publishLines(_ path: String, key: SigningKey, store: LogStore) throws {
        let reader = try LineReader(path: path)
        var batch: [[UInt8]] = []
        var lineNumber = 0
        var appended = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            for signed in try store.appendBatch(batch, key: key) { report(signed.entry) }
            appended += batch.count
            batch.removeAll(keepingCapacity: true)
            fflush(nil)
        }
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                try Payload.validate(line)
            } catch {
                try flush()
                throw CLIError("line \(lineNumber): \(error); \(appended) entries before it were appended")
            }
            batch.append(line)
            if batch.count >= batchSize { try flush() }
        }
        try flush()
        printErr("appended \(appended) entries")
    }

    private func report(_ entry: Entry) {
        if json {
            JSONOutput.print(["id": entry.id.description, "author": entry.author.description, "sequence": entry.sequence])
        } else {
            print(entry.id)
        }
    }
}
