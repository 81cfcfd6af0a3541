import ArgumentParser
import VFGraph
import VFGraphStore

/// The options every listing takes: how to print it, and which part of it.
struct ListingOptions: ParsableArguments {
    @Flag(help: "Print a JSON array.") var json = false
    @Flag(help: "Print one JSON object a line (JSON lines).") var jsonl = false
    @Option(help: "Print at most N rows.") var limit: Int?
    @Option(help: ArgumentHelp("Start after this id: the last one a listing printed.", valueName: "CURSOR")) var after: String?

    func validate() throws {
        if json, jsonl { throw ValidationError("give --json or --jsonl, not both") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }
}

/// A listing in the order of its cursor (the id each row is listed by), read a page at a time
/// and printed as it is read, so memory stays flat however long it is.
struct Listing<Row, Cursor: CustomStringConvertible> {
    /// Up to `limit` rows after the cursor (from the first when nil).
    let page: (Cursor?, Int) throws -> [Row]
    let cursor: (Row) -> Cursor
    let json: (Row, inout JSONWriter) -> Void
    /// A row for people: one line or more.
    let text: (Row) throws -> String
    /// Printed when the listing is empty from its start.
    let empty: String
    /// The most rows read at once (``EmbeddedList/nestedPage`` for rows that hold lists of lists).
    var pageSize = GraphReader.maximumPage

    /// Prints the rows after `start`, at most `options.limit`; says on standard error where to
    /// go on when the limit left rows out.
    func print(_ options: ListingOptions, after start: Cursor?) throws {
        var writer = JSONWriter(capacity: StandardOutput.chunkSize)
        if options.json { writer.beginArray() }
        var after = start
        var remaining = options.limit ?? .max
        var printed = 0
        var more = false
        while remaining > 0 {
            let wanted = min(pageSize, remaining)
            let rows = try page(after, wanted)
            for row in rows {
                if options.json {
                    json(row, &writer)
                } else if options.jsonl {
                    json(row, &writer)
                    writer.endLine()
                } else {
                    Swift.print(try text(row))
                }
            }
            StandardOutput.write(writer.take())
            printed += rows.count
            remaining -= rows.count
            guard let last = rows.last, rows.count == wanted else { break }
            after = cursor(last)
            if remaining == 0 { more = try !page(after, 1).isEmpty }
        }
        if options.json {
            writer.endArray()
            writer.endLine()
            StandardOutput.write(writer.take())
        } else if !options.jsonl, printed == 0, start == nil {
            Swift.print(empty)
        }
        if more, let after { printErr("more rows follow: continue with --after \(after)") }
    }
}
