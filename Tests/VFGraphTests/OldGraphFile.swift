import GRDB
@testable import VFGraphStore

/// Writes a graph file at `path` as an older node left it: migrated up to `migration` only,
/// holding the rows `rows` writes in that version's shapes. For tests of the migrations after it.
func writeOldGraphFile(_ path: String, upTo migration: String, rows: (Database) throws -> Void) throws {
    let queue = try DatabaseQueue(path: path)
    try GraphSchema.migrator.migrate(queue, upTo: migration)
    try queue.write(rows)
}
