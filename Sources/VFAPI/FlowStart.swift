import VFGraph
import VFLog

/// Where a trace or track starts, read from the id in the path: a resource id (`%….vf1res`),
/// or the entry id of an applied event or of a process. Pure.
public enum FlowStart {
    public static func parse(_ text: String, in graph: EconomicGraph) throws(APIError) -> FlowItem {
        if text.hasSuffix(".vf1res") {
            let id = try resourceID(text)
            guard graph.resources[id] != nil else { throw .notFound("no resource \(id) in the graph") }
            return .resource(id)
        }
        let entry: EntryID
        do { entry = try EntryID(parsing: text) } catch {
            throw .badRequest("not a resource id (%….vf1res) or an entry id (%….vf1): \"\(text)\"")
        }
        if let event = graph.events[entry] {
            guard event.status == .applied else {
                throw .unprocessable("event \(entry) is \(event.status); only applied events have flows")
            }
            return .event(entry)
        }
        if graph.processes[entry] != nil { return .process(entry) }
        throw .notFound("no event or process \(entry) in the graph")
    }

    /// A resource id, or 400 naming what is wrong with it.
    public static func resourceID(_ text: String) throws(APIError) -> ResourceID {
        do { return try ResourceID(parsing: text) } catch { throw .badRequest("\(error)") }
    }
}
