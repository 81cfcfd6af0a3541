import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog

struct Processes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the processes held, with their first input and output events, in id order.",
        discussion: "Each process shows at most its first 100 inputs and 100 outputs; `vf process ID` pages through all of them.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.entry)
        let reader = try GraphContext(options).reader()
        let cap = GraphReader.flowsPerProcess
        try Listing(
            page: { try reader.processFlows(after: $0, limit: $1) },
            cursor: \.process.id,
            json: ProcessCommand.json,
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
        let pid: EntryID
        do { pid = try EntryID(parsing: id) } catch { throw CLIError("\(error)") }
        let reader = try GraphContext(options).reader()
        guard let flows = try reader.processFlows(pid) else { throw CLIError("no process \(pid) in the graph") }
        try ItemEvents.print(json: json, key: "process", item: { Self.json(flows, to: &$0) }, text: GraphText.process(flows.process),
                             line: { ($0.payload.outputOf == pid ? "  out  " : "  in   ") + GraphText.event($0) },
                             page: { try reader.events(of: pid, after: $0, limit: $1) })
    }

    /// A process of a listing, as JSON.
    static func json(_ flows: ProcessFlows, to w: inout JSONWriter) {
        GraphJSON.process(flows.process, inputs: flows.inputs, outputs: flows.outputs, moreInputs: flows.moreInputs,
                          moreOutputs: flows.moreOutputs, to: &w)
    }
}

struct Agents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the economic agents: feeds that take part in events or publish a profile, and agents described by an entry; in id order.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.agent)
        let reader = try GraphContext(options).reader()
        try Listing(page: { try reader.agents(after: $0, limit: $1) }, cursor: \.id,
                    json: GraphJSON.agent, text: GraphText.agent, empty: "no agents yet")
            .print(listing, after: after)
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Maintain the derived economic graph in HOME/graph.sqlite.",
        subcommands: [GraphRebuild.self])
}

struct GraphRebuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute HOME/graph.sqlite from the log alone.",
        discussion: """
            The graph store is a cache of what the log implies; rebuilding is always safe. \
            It derives the whole graph in memory when that takes at most half the memory the \
            system has available (reckoned at 3,500 bytes per log entry), else in steps of at most 20,000 \
            entries, which gives the same tables in bounded memory, about three times slower.
            """)

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print the counts as JSON.") var json = false
    @Flag(help: "Say on standard error where the time went.") var timings = false
    @Flag(help: "Derive in steps, in bounded memory, whatever the memory available.") var inSteps = false
    @Flag(help: "Derive in memory, whatever the memory available.") var inMemory = false

    func validate() throws {
        if inSteps && inMemory { throw ValidationError("give --in-steps or --in-memory, not both") }
    }

    func run() throws {
        let home = options.resolved
        let log = try home.openStore()
        let store: GraphStore
        do { store = try GraphStore(home: home) } catch { throw CLIError("\(error)") }
        try store.rebuild(from: log, mode: inSteps ? .inSteps : inMemory ? .inMemory : nil)
        if timings, let t = store.lastRebuild, t.steps > 0 {
            printErr(String(format: "derived in %d steps in %.2f s; resident memory %.0f MB at the end, peak %.0f MB",
                            t.steps, t.fill, t.residentAfterFill, t.residentPeak))
        } else if timings, let t = store.lastRebuild {
            printErr(String(format: "read and catalogue %.2f s, resolve %.2f s, fold %.2f s; "
                            + "fill %.2f s, indexes %.2f s, commit %.2f s",
                            t.readAndCatalogue, t.resolve, t.fold, t.fill, t.indexes, t.commit))
            printErr(String(format: "resident memory: %.0f MB after the catalogue, %.0f MB after the fold, %.0f MB after filling the tables; peak %.0f MB",
                            t.residentAfterCatalogue, t.residentAfterFold, t.residentAfterFill, t.residentPeak))
        }
        let counts = try store.reader(log: log).counts()
        if json {
            JSONOutput.print([
                "events": counts.events, "applied": counts.applied, "resources": counts.resources,
                "processes": counts.processes, "agents": counts.agents, "rejected": counts.rejected,
            ])
        } else {
            print("rebuilt \(store.path): \(counts.events) events (\(counts.applied) applied), "
                  + "\(counts.resources) resources, \(counts.processes) processes, \(counts.agents) agents, "
                  + "\(counts.rejected) rejected entries")
        }
    }
}
