import ArgumentParser
import VFGraph
import VFGraphStore

/// `vf trace` and `vf track`: one walk over the graph, in one direction, each step read by index.
struct FlowOptions: ParsableArguments {
    @OptionGroup var options: HomeOptions
    @Argument(help: "A resource id (%….vf1res), or the entry id of an applied event or a process.") var id: String
    @Flag(help: "Print a JSON array of steps: type, id, parent, and for events author, sequence, entryId, signatureVerified, action.")
    var json = false

    func run(backwards: Bool) throws {
        let reader = try GraphContext(options).reader()
        let start = try parseFlowItem(id, in: reader)
        let steps = backwards ? try reader.trace(from: start) : try reader.track(from: start)
        if json {
            JSONOutput.print { $0.array(steps, GraphJSON.step) }
        } else {
            for step in steps { print(try GraphText.step(step, reader: reader)) }
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
