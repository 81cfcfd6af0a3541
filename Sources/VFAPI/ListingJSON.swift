import VFGraph
import VFGraphStore
import VFShapes

/// The answer of a listing endpoint: `{"items": [item, …], "next": "<cursor>"}`, `next` null
/// on the last page. A cursor is the id of the page's last item, in its text form: the next
/// page starts after it in the listing's order (id order; resources and processes: their numbers), so pages
/// neither repeat an item nor skip one that existed when paging started, while new ones arrive (keyset paging).
enum ListingJSON {
    /// The page `request` asks for, of the listing `rows` reads: one row beyond the limit is
    /// read, so that `next` is null exactly when nothing follows.
    static func page<Row, Cursor: CustomStringConvertible>(
        _ request: PageRequest<Cursor>, rows: (Cursor?, Int) throws -> [Row], cursor: (Row) -> Cursor,
        _ write: (Row, inout JSONWriter) -> Void
    ) throws -> [UInt8] {
        var items = try rows(request.after, request.limit + 1)
        let more = items.count > request.limit
        if more { items.removeLast() }
        return page(items, next: more ? items.last.map(cursor) : nil, write)
    }

    /// A page of a search: what matched, and where the search goes on.
    static func page<Item, Cursor: CustomStringConvertible>(_ found: SearchPage<Item, Cursor>, _ write: (Item, inout JSONWriter) -> Void) -> [UInt8] {
        page(found.items, next: found.next, write)
    }

    private static func page<Item, Cursor: CustomStringConvertible>(_ items: [Item], next: Cursor?, _ write: (Item, inout JSONWriter) -> Void) -> [UInt8] {
        JSONWriter.bytes { w in
            w.beginObject()
            w.key("items"); w.array(items, write)
            w.key("next"); w.string(next?.description)
            w.endObject()
        }
    }
}
