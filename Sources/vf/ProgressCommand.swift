import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog
import VFShapes

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Show how far one intent, commitment or claim has come: for an intent, every commitment that promises it; and every applied event that counts for it, in causal order.",
        discussion: "The listings (vf offers, vf commitments, …) name the first 100 commitments and events of each; this shows them all.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The entry id of the intent, commitment or claim, %….vf1.") var id: String
    @Flag(help: "Print {\"commitments\": […], \"events\": […], \"progress\": …}.") var json = false

    func run() throws {
        let entry: EntryID
        do { entry = try EntryID(parsing: id) } catch { throw CLIError("\(error)") }
        let reader = try GraphContext(options).reader()
        guard let planned = try reader.planned(entry), planned.payload.kind.isFlow else {
            throw CLIError("no intent, commitment or claim \(entry) in the graph")
        }
        let progress = try reader.progress(of: planned)
        var writer = JSONWriter(capacity: StandardOutput.chunkSize)
        func flush() { StandardOutput.write(writer.take()) }
        if json {
            writer.beginObject()
            writer.key("commitments")
            writer.beginArray()
        } else {
            print(GraphText.progress(progress))
        }
        // An intent's commitments, then the events that count, each list a page at a time.
        try PagedRows.each({ try reader.promisingCommitments(of: planned, after: $0, limit: $1) }, cursor: \.planned.id, flush: flush) {
            if json { GraphJSON.progress($0, to: &writer) } else { print("  promised by " + GraphText.progress($0)) }
        }
        if json {
            writer.endArray()
            writer.key("events")
            writer.beginArray()
        }
        try PagedRows.each({ try reader.countingEvents(of: planned, after: $0, limit: $1) }, cursor: \.order, flush: flush) {
            if json { GraphJSON.event($0, to: &writer) } else { print("  " + GraphText.event($0)) }
        }
        if json {
            writer.endArray()
            writer.key("progress"); GraphJSON.progress(progress, to: &writer)
            writer.endObject()
            writer.endLine()
            flush()
        }
    }
}
