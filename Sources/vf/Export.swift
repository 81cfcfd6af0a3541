import ArgumentParser
import Foundation
import VFGraph
import VFGraphStore
import VFLog

/// What `vf export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// Signed entries and payloads, for `vf import` (docs/protocol.md, "Bundle format").
    case bundle
    /// Applied events and derived resources as JSON-LD with the VF 1.0 vocabulary, for other tools.
    case jsonld
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write entries and their payloads to a portable bundle (docs/protocol.md, \"Bundle format\"), or the economic graph as JSON-LD.",
        discussion: """
            Feeds are written in sequence order; a forked feed's conflicting entries follow it, so the fork travels too. \
            With --format jsonld, the applied events (in causal order) and the derived resources are written as one \
            JSON-LD document; quantities are xsd:decimal strings.
            """)

    @OptionGroup var options: HomeOptions
    @Option(help: ArgumentHelp("Only this feed.", valueName: "FEED-ID")) var author: String?
    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE")) var out: String
    @Option(help: "bundle (signed entries, for vf import) or jsonld (the economic graph).") var format: ExportFormat = .bundle

    func validate() throws {
        if format == .jsonld, author != nil { throw ValidationError("--author applies to bundles only; a JSON-LD export is the whole graph") }
    }

    func run() throws {
        if format == .jsonld { return try exportJSONLD() }
        let store = try options.resolved.openStore()
        let authors = try author.map { [try parseFeedID($0)] } ?? store.feeds().map(\.author)
        // A crash never leaves half a bundle under its name.
        var count: UInt64 = 0
        try WholeFile.write(out, existing: .replace) { handle in
            try handle.write(contentsOf: BundleCodec.header)
            for feed in authors {
                count += try BundleWriting.writeFeed(feed, from: store, to: handle)
                for proof in try store.forkProofs(author: feed) {
                    try handle.write(contentsOf: BundleCodec.encodeRecord(SignedEntry(entry: proof.conflicting, payload: nil)))
                    count += 1
                }
            }
            try handle.write(contentsOf: BundleCodec.encodeEnd(count: count))
        }
        printErr("exported \(count) entries from \(authors.count) feeds to \(out)")
    }

    private func exportJSONLD() throws {
        let graph = try GraphContext(options).graph()
        let document = JSONLDExport.document(graph)
        do {
            try Data(document.serialized).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw CLIError("cannot write \(out): \(error.localizedDescription)")
        }
        printErr("exported \(graph.appliedOrder.count) events and \(graph.resources.count) resources as JSON-LD to \(out)")
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify and store the entries of a bundle (- for standard input).",
        discussion: """
            Every entry is verified as if it came from the network. Valid entries are kept; for each feed, \
            the first bad entry is reported with its reason and the feed's later entries are skipped. \
            Exits 1 if anything was refused or the bundle is damaged.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "The bundle file.") var file: String
    @Option(help: "Entries per verification batch and transaction.") var batchSize = 4096

    func run() throws {
        let store = try options.resolved.openStore()
        let input: FileHandle
        if file == "-" { input = .standardInput } else {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot open \(file)") }
            input = handle
        }
        var decoder = BundleDecoder()
        var pending: [SignedEntry] = []
        var failedFeeds = Set<FeedID>()
        var totals = (stored: 0, duplicates: 0, forks: 0, skipped: 0, forgotten: 0)
        var problems: [VerificationError] = []

        func flush() throws {
            guard !pending.isEmpty else { return }
            let report = try store.ingest(pending.filter { !failedFeeds.contains($0.entry.author) })
            totals.skipped += pending.count(where: { failedFeeds.contains($0.entry.author) }) + report.skipped
            totals.stored += report.stored.count
            totals.duplicates += report.duplicates
            totals.forks += report.forks.count
            totals.forgotten += report.payloadsForgotten
            for fork in report.forks { printErr("FORK \(fork.author) #\(fork.sequence): two signed entries, \(fork.stored.id) and \(fork.conflicting.id)") }
            for error in report.rejected {
                problems.append(error)
                if let feed = error.feed { failedFeeds.insert(feed) }
            }
            pending.removeAll(keepingCapacity: true)
        }

        var framingError: BundleError?
        reading: while true {
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            decoder.append(chunk)
            do {
                while let record = try decoder.next() {
                    switch record {
                    case .success(let signed): pending.append(signed)
                    case .failure(let error):
                        try flush()
                        problems.append(error)
                        if let feed = error.feed { failedFeeds.insert(feed) }
                    }
                    if pending.count >= batchSize { try flush() }
                }
            } catch let error as BundleError {
                framingError = error
                break reading
            }
        }
        try flush()
        if framingError == nil {
            do { try decoder.finish() } catch { framingError = error }
        }
        for problem in problems { printErr("REFUSED \(problem)") }
        if let framingError { printErr("BUNDLE \(framingError); the \(decoder.recordsRead) records before it were processed") }
        print("imported \(totals.stored) new entries, \(totals.duplicates) already held, \(totals.forks) forks detected, "
              + "\(problems.count) refused, \(totals.skipped) skipped after a refusal"
              + (totals.forgotten > 0 ? "; \(totals.forgotten) payloads this node forgot were not stored again" : ""))
        if !problems.isEmpty || framingError != nil { throw ExitCode(1) }
    }
}
