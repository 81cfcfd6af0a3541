import ArgumentParser
import VFGraph

/// `vf trace` and `vf track`: one walk over the graph, in one direction.
struct FlowOptions: ParsableArguments {
    @OptionGroup var options: HomeOptions
    @Argument(help: "A resource id (%….vf1res), or the entry id of an applied event or a process.") var id: String
    @Flag(help: "Print a JSON array of steps: type, id, parent, and for events author, sequence, entryId, signatureVerified, action.")
    var json = false

    func run(backwards: Bool) throws {
        let graph = try GraphContext(options).graph()
        let start = try parseFlowItem(id, in: graph)
        let steps = backwards ? graph.trace(from: start) : graph.track(from: start)
        if json {
            JSONOutput.print(steps.map(GraphJSON.step))
        } else {
            for step in steps { print(GraphText.step(step, graph: graph)) }
        }
    }
}

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Everything a resource or event came from, back through processes and transfers, with who signed each event.")

    @OptionGroup var flow: FlowOptions

    func run() throws { try flow.run(backwards: true) }
}

struct Track: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Everything a resource or event went into, forward through processes and transfers, with who signed each event.")

    @OptionGroup var flow: FlowOptions

    func run() throws { try flow.run(backwards: false) }
}
