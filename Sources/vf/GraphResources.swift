import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore

struct Resources: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the economic resources derived from every feed held, with their quantities, in id order.")

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
        let rid: ResourceID
        do { rid = try FlowStart.resourceID(id) } catch { throw CLIError(error.reason) }
        let reader = try GraphContext(options).reader()
        guard let resource = try reader.resource(rid) else { throw CLIError("no resource \(rid) in the graph") }
        // The events a page at a time, printed as they are read: a lot shared by many makes
        // a long list, and memory stays flat however long.
        var writer = JSONWriter(capacity: StandardOutput.chunkSize)
        if json {
            writer.beginObject()
            writer.key("events")
            writer.beginArray()
        } else {
            print(GraphText.resource(resource))
        }
        var after: EventOrder?
        while true {
            let page = try reader.events(touching: rid, after: after, limit: GraphReader.maximumPage)
            for e in page {
                if json { GraphJSON.event(e, to: &writer) } else { print("  " + GraphText.event(e)) }
            }
            StandardOutput.write(writer.take())
            guard page.count == GraphReader.maximumPage, let last = page.last?.order else { break }
            after = last
        }
        if json {
            writer.endArray()
            writer.key("resource"); GraphJSON.resource(resource, to: &writer)
            writer.endObject()
            writer.endLine()
            StandardOutput.write(writer.take())
        }
    }
}
