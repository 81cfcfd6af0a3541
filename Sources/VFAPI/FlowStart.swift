import VFGraph
import VFGraphStore
import VFLog

/// Where a trace or track starts, read from the id given (a path segment, a command's
/// argument) and looked up by index: a resource id (`%….vf1res`), or the entry id of an
/// applied event or of a process.
public enum FlowStart {
    /// - Throws: ``APIError`` 400 for an id of neither form, 404 for one the graph does not
    ///   hold, 422 for an event that is not applied (it has no flows); or what reading throws.
    public static func parse(_ text: String, in reader: GraphReader) throws -> FlowItem {
        if text.hasSuffix(".vf1res") {
            let id = try resourceID(text)
            guard try reader.resource(id) != nil else { throw APIError.notFound("no resource \(id) in the graph") }
            return .resource(id)
        }
        let entry: EntryID
        do { entry = try EntryID(parsing: text) } catch {
            throw APIError.badRequest("not a resource id (%….vf1res) or an entry id (%….vf1): \"\(text)\"")
        }
        if let event = try reader.event(entry) {
            guard event.status == .applied else {
                throw APIError.unprocessable("event \(entry) is \(event.status); only applied events have flows")
            }
            return .event(entry)
        }
        if try reader.process(entry) != nil { return .process(entry) }
        throw APIError.notFound("no event or process \(entry) in the graph")
    }

    /// An entry id, or 400 naming what is wrong with it.
    public static func entryID(_ text: String) throws(APIError) -> EntryID {
        do { return try EntryID(parsing: text) } catch { throw .badRequest("\(error)") }
    }

    /// A resource id, or 400 naming what is wrong with it.
    public static func resourceID(_ text: String) throws(APIError) -> ResourceID {
        do { return try ResourceID(parsing: text) } catch { throw .badRequest("\(error)") }
    }
}
