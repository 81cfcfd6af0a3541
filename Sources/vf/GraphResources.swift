import ArgumentParser
import VFGraph

struct Resources: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the economic resources derived from every feed held, with their quantities.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print a JSON array of resources.") var json = false

    func run() throws {
        // Straight from the tables: no derivation when the log has not grown.
        let resources = try GraphContext(options).resources()
        if json {
            JSONOutput.print(resources.map(GraphJSON.resource))
        } else {
            if resources.isEmpty { print("no resources yet") }
            for r in resources { print(GraphText.resource(r)) }
        }
    }
}

struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "Show one resource and the applied events that made its current state, in causal order.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The resource id, %….vf1res.") var id: String
    @Flag(help: "Print {\"resource\": …, \"events\": […]}.") var json = false

    func run() throws {
        let graph = try GraphContext(options).graph()
        guard case let .resource(rid) = try parseFlowItem(id, in: graph), let resource = graph.resources[rid] else {
            throw CLIError("\(id) is not a resource id")
        }
        let events = graph.appliedOrder.compactMap { graph.events[$0] }.filter {
            $0.fromResource == rid || $0.toResource == rid || $0.container == rid
        }
        if json {
            JSONOutput.print(["resource": GraphJSON.resource(resource), "events": events.map(GraphJSON.event)])
        } else {
            print(GraphText.resource(resource))
            for e in events { print("  " + GraphText.event(e)) }
        }
    }
}
