import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore

struct Resources: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the economic resources derived from every feed held, with their quantities, in this node's numbering order (roughly as first named here).")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.resource)
        let reader = try GraphContext(options).reader()
        try Listing(page: { try reader.resources(after: $0, limit: $1) }, cursor: \.id,
                    json: GraphJSON.resource, text: GraphText.resource, empty: "no resources yet")
            .print(listing, after: after)
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
        let rid = try parseItemID(id, FlowStart.resourceID)
        let reader = try GraphContext(options).reader()
        guard let resource = try reader.resource(rid) else { throw CLIError("no resource \(rid) in the graph") }
        var out = StreamedItem(json: json, heading: GraphText.resource(resource))
        try out.list("events", page: { try reader.events(touching: rid, after: $0, limit: $1) }, cursor: \.order,
                     json: GraphJSON.event, line: { "  " + GraphText.event($0) })
        out.member("resource") { GraphJSON.resource(resource, to: &$0) }
        out.end()
    }
}
