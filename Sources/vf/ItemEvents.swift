import VFAPI
import VFGraph
import VFGraphStore
import VFShapes

/// One item of the graph and its applied events, printed a page at a time as they are read, so
/// memory stays flat however many there are (a lot shared by many, a process anyone records
/// into): `vf resource ID` and `vf process ID`.
enum ItemEvents {
    /// Prints `{"events": […], key: item}` with `json`, else `text` and then `line` of each event.
    static func print(json: Bool, key: StaticString, item: (inout JSONWriter) -> Void, text: String,
                      line: (GraphEvent) -> String, page: (EventOrder?, Int) throws -> [GraphEvent]) throws {
        var writer = JSONWriter(capacity: StandardOutput.chunkSize)
        if json {
            writer.beginObject()
            writer.key("events")
            writer.beginArray()
        } else {
            Swift.print(text)
        }
        try PagedRows.each(page, cursor: \.order, flush: { StandardOutput.write(writer.take()) }) { e in
            if json { GraphJSON.event(e, to: &writer) } else { Swift.print(line(e)) }
        }
        if json {
            writer.endArray()
            writer.key(key)
            item(&writer)
            writer.endObject()
            writer.endLine()
            StandardOutput.write(writer.take())
        }
    }
}
