import ArgumentParser
import Foundation
import VFGraph
import VFGraphStore
import VFLog

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List entries: every feed's, or one author's.")

    @OptionGroup var options: HomeOptions
    @Option(help: ArgumentHelp("Only this feed.", valueName: "FEED-ID")) var author: String?
    @Flag(help: "Print a JSON array of entries; a ValueFlows entry has \"status\" (applied, pending, invalid, unauthorized) and, unless applied, \"reason\"; an entry whose payload this node forgot has \"forgotten\": true.")
    var json = false

    func run() throws {
        let store = try options.resolved.openStore()
        // Opened, and the tables brought up to date, only once a ValueFlows entry is met, so a
        // log of other JSON never pays for it; then each status is one lookup by index.
        var reader: GraphReader?
        let authors = try author.map { [try parseFeedID($0)] } ?? store.feeds().map(\.author)
        var stream = JSONOutput.ArrayStream()
        for feed in authors {
            var after: UInt64 = 0
            while true {
                let page = try store.entries(author: feed, after: after, limit: 1000)
                for signed in page {
                    // Only an entry held without its payload can have been forgotten.
                    let forgotten = try signed.payload == nil && store.isForgotten(signed.entry.id)
                    guard json else { printPlain(signed, forgotten: forgotten); continue }
                    var status: EventStatus?
                    if let payload = signed.payload, PublishVerdict.isValueFlows(payload) {
                        if reader == nil { reader = try GraphContext(options).reader() }
                        status = try reader?.status(of: signed.entry.id, at: signed.entry.place)
                    }
                    stream.append { EntryJSON.entry(signed, status: status, forgotten: forgotten, to: &$0) }
                }
                guard let last = page.last else { break }
                after = last.entry.sequence
            }
        }
        if json { stream.close() }
    }

    private func printPlain(_ signed: SignedEntry, forgotten: Bool) {
        let e = signed.entry
        print("\(e.author) #\(e.sequence) \(e.id)")
        print("  previous \(e.backlink?.description ?? "-")  at \(TimeText.iso8601(milliseconds: e.timestamp))")
        if let payload = signed.payload {
            print("  " + String(decoding: payload, as: UTF8.self))
        } else if forgotten {
            print("  (payload forgotten on this node: \(e.payloadSize) bytes)")
        } else {
            print("  (payload not held: \(e.payloadSize) bytes)")
        }
    }
}

struct Feeds: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every feed held, with its latest sequence and whether it is forked.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        let home = options.resolved
        let store = try home.openStore()
        let me = try? home.loadKey().feed
        let heads = try store.feeds()
        if json {
            JSONOutput.print(heads.map { head -> [String: Any] in
                ["id": head.author.description, "sequence": head.sequence, "head": head.id.description,
                 "forked": head.forked, "self": head.author == me]
            })
            return
        }
        if heads.isEmpty { print("no feeds yet") }
        for head in heads {
            var line = "\(head.author)  sequence \(head.sequence)"
            if head.author == me { line += "  (this node)" }
            if head.forked { line += "  FORKED: the author signed two entries with one sequence; not extended further" }
            print(line)
        }
    }
}
