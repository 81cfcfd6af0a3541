import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore

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
            entries, which gives the same tables in bounded memory (at a million events, about \
            half a gigabyte against four and a half, and about 1.5 times as long).
            """)

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print the counts as JSON.") var json = false
    @Flag(help: "Say on standard error where the time went.") var timings = false
    @Flag(help: "Derive in steps, in bounded memory, whatever the memory available.") var inSteps = false
    @Flag(help: "Derive in memory, whatever the memory available (a log of more than 2^30 entries is still derived in steps).") var inMemory = false

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
