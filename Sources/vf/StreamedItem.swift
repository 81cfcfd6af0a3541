import VFGraphStore
import VFShapes

/// One item of the graph and its long lists, printed as they are read, a page at a time, so
/// memory stays flat however long a list (a lot shared by many, a process or an offer anyone
/// may name, a plan anyone may plan within): `vf resource ID`, `vf process ID`, `vf progress ID`
/// and `vf plan ID`. With `--json` one object whose members come in the order given (sorted by
/// key, as every object the node writes); else the item's own line, then a line per row.
///
/// Each page is read in a read transaction of its own, as it is printed, not all of them in
/// one (``GraphReader/consistently(_:)``): output read slowly (a pager left open) would hold
/// that transaction, and the graph's write-ahead log could not be reset behind it while the
/// node goes on writing. So while the node writes, a long list may not match the item's
/// figures, which were read first: events may be added, or change status, between pages. One
/// page of the API is read with its item in one.
struct StreamedItem {
    private let json: Bool
    private var writer = JSONWriter(capacity: StandardOutput.chunkSize)

    /// Starts the output: `{` with `json`, else `heading`.
    init(json: Bool, heading: String) {
        self.json = json
        if json { writer.beginObject() } else { print(heading) }
    }

    /// A member written whole, with `json` only: the heading said it in text.
    mutating func member(_ key: StaticString, _ write: (inout JSONWriter) -> Void) {
        guard json else { return }
        writer.key(key)
        write(&writer)
    }

    /// A member that is a list: every row `page` gives, asking for each page after the `cursor`
    /// of the last row of the one before, each row written as read (text: its `line`).
    /// `pageSize` rows are read at once (``EmbeddedList/nestedPage`` for rows that hold lists of lists).
    mutating func list<Row, Cursor>(_ key: StaticString, pageSize: Int = GraphReader.maximumPage, page: (Cursor?, Int) throws -> [Row],
                                    cursor: (Row) -> Cursor?, json write: (Row, inout JSONWriter) -> Void, line: (Row) -> String) throws {
        if json {
            writer.key(key)
            writer.beginArray()
        }
        var after: Cursor?
        while true {
            let rows = try page(after, pageSize)
            for row in rows {
                if json { write(row, &writer) } else { print(line(row)) }
            }
            StandardOutput.write(writer.take())
            guard rows.count == pageSize, let last = rows.last.flatMap(cursor) else { break }
            after = last
        }
        if json { writer.endArray() }
    }

    /// Ends the object and its line.
    mutating func end() {
        guard json else { return }
        writer.endObject()
        writer.endLine()
        StandardOutput.write(writer.take())
    }
}
