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
        let entry = try parseItemID(id, FlowStart.entryID)
        let reader = try GraphContext(options).reader()
        guard let planned = try reader.planned(entry), planned.payload.kind.isFlow else {
            throw CLIError("no intent, commitment or claim \(entry) in the graph")
        }
        let progress = try reader.progress(of: planned)
        // An intent's commitments, then the events that count.
        var out = StreamedItem(json: json, heading: GraphText.progress(progress))
        try out.list("commitments", page: { try reader.promisingCommitments(of: planned, after: $0, limit: $1) }, cursor: \.planned.id,
                     json: GraphJSON.progress, line: { "  promised by " + GraphText.progress($0) })
        try out.list("events", page: { try reader.countingEvents(of: planned, after: $0, limit: $1) }, cursor: \.order,
                     json: GraphJSON.event, line: { "  " + GraphText.event($0) })
        out.member("progress") { GraphJSON.progress(progress, to: &$0) }
        out.end()
    }
}
