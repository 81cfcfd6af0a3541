import ArgumentParser
import VFGraph

struct Processes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the processes held, with their input and output events.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print a JSON array of processes.") var json = false

    func run() throws {
        let graph = try GraphContext(options).graph()
        let processes = graph.processes.keys.sorted().map { graph.processes[$0]! }
        if json {
            JSONOutput.print(processes.map { GraphJSON.process($0, in: graph) })
            return
        }
        if processes.isEmpty { print("no processes yet") }
        for p in processes {
            print("\(p.id)  \(p.payload.name ?? "(unnamed)")  by \(p.author)")
            for e in graph.events(inputOf: p.id) { print("  in   " + GraphText.event(e)) }
            for e in graph.events(outputOf: p.id) { print("  out  " + GraphText.event(e)) }
        }
    }
}

struct Agents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the economic agents: feeds that take part in events or publish a profile, and agents described by an entry.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print a JSON array of agents.") var json = false

    func run() throws {
        let graph = try GraphContext(options).graph()
        let agents = graph.agents.keys.sorted().map { graph.agents[$0]! }
        if json {
            JSONOutput.print(agents.map(GraphJSON.agent))
            return
        }
        if agents.isEmpty { print("no agents yet") }
        for a in agents {
            var line = "\(a.id)  \(a.profile?.name ?? "(no profile)")"
            if case .described = a.id { line += "  answered by \(a.answeredBy)" }
            print(line)
        }
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
        discussion: "The graph store is a cache of what the log implies; rebuilding is always safe.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print the counts as JSON.") var json = false

    func run() throws {
        let home = options.resolved
        let log = try home.openStore()
        let store: GraphStore
        do { store = try GraphStore(home: home) } catch { throw CLIError("\(error)") }
        try store.rebuild(from: log)
        let graph = try store.graph(from: log)
        let counts: [String: Any] = [
            "events": graph.events.count, "applied": graph.appliedOrder.count, "resources": graph.resources.count,
            "processes": graph.processes.count, "agents": graph.agents.count, "rejected": graph.rejected.count,
        ]
        if json {
            JSONOutput.print(counts)
        } else {
            print("rebuilt \(store.path): \(graph.events.count) events (\(graph.appliedOrder.count) applied), "
                  + "\(graph.resources.count) resources, \(graph.processes.count) processes, \(graph.agents.count) agents, "
                  + "\(graph.rejected.count) rejected entries")
        }
    }
}
