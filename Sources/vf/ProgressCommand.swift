import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Show how far one intent, commitment or claim has come, and every applied event that counts for it, in causal order.",
        discussion: "The listings (vf offers, vf commitments, …) name the first 100 events of each; this shows them all.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The entry id of the intent, commitment or claim, %….vf1.") var id: String
    @Flag(help: "Print {\"events\": […], \"progress\": …}.") var json = false

    func run() throws {
        let entry: EntryID
        do { entry = try EntryID(parsing: id) } catch { throw CLIError("\(error)") }
        let reader = try GraphContext(options).reader()
        guard let planned = try reader.planned(entry), planned.payload.kind.isFlow else {
            throw CLIError("no intent, commitment or claim \(entry) in the graph")
        }
        let progress = try reader.progress(of: planned)
        try ItemEvents.print(json: json, key: "progress", item: { GraphJSON.progress(progress, to: &$0) }, text: GraphText.progress(progress),
                             line: { "  " + GraphText.event($0) }, page: { try reader.countingEvents(of: planned, after: $0, limit: $1) })
    }
}
