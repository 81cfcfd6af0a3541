import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog

struct Processes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the processes held, with their first input and output events, in this node's numbering order (roughly as first named here).",
        discussion: "Each process shows at most its first 100 inputs and 100 outputs; `vf process ID` pages through all of them.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.entry)
        let reader = try GraphContext(options).reader()
        let cap = EmbeddedList.most
        try Listing(
            page: { try reader.processFlows(after: $0, limit: $1) },
            cursor: \.process.id,
            json: GraphJSON.process,
            text: { row in
                let p = row.process
                return ([GraphText.process(p)]
                    + (try reader.events(of: p.id, outputs: false, limit: cap)).map { "  in   " + GraphText.event($0) }
                    + (try reader.events(of: p.id, outputs: true, limit: cap)).map { "  out  " + GraphText.event($0) }
                    + (row.moreInputs || row.moreOutputs ? ["  … more: vf process \(p.id)"] : [])).joined(separator: "\n")
            },
            empty: "no processes yet"
        ).print(listing, after: after)
    }
}

struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Show one process and all its applied input and output events, together in causal order.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The process id, %….vf1.") var id: String
    @Flag(help: "Print {\"events\": […], \"process\": …}.") var json = false

    func run() throws {
        let pid = try parseItemID(id, FlowStart.entryID)
        let reader = try GraphContext(options).reader()
        guard let flows = try reader.processFlows(pid) else { throw CLIError("no process \(pid) in the graph") }
        var out = StreamedItem(json: json, heading: GraphText.process(flows.process))
        try out.list("events", page: { try reader.events(of: pid, after: $0, limit: $1) }, cursor: \.order, json: GraphJSON.event,
                     line: { ($0.payload.outputOf == pid ? "  out  " : "  in   ") + GraphText.event($0) })
        out.member("process") { GraphJSON.process(flows, to: &$0) }
        out.end()
    }
}
