import VFGraphStore

/// Every row of a list, a page at a time: each page handed on as read, so a command prints
/// what it holds and memory stays flat however long the list.
enum PagedRows {
    /// Calls `each` with every row `page` gives, asking for each page after the `cursor` of the
    /// last row of the one before, and `flush` after each page.
    static func each<Row, Cursor>(_ page: (Cursor?, Int) throws -> [Row], cursor: (Row) -> Cursor?, flush: () -> Void,
                                  _ each: (Row) -> Void) throws {
        var after: Cursor?
        while true {
            let rows = try page(after, GraphReader.maximumPage)
            rows.forEach(each)
            flush()
            guard rows.count == GraphReader.maximumPage, let last = rows.last.flatMap(cursor) else { return }
            after = last
        }
    }
}
