import Foundation
import GRDB

// Several processes may open one home's files at once (`vf serve` and a command): the first
// opening of a new file and its migrations must not fail because another did them first.

extension DatabasePool {
    /// Opens the pool at `path`, tried again for up to a second while another process holds
    /// the lock that the first opening of a new file takes to switch it to WAL (which does not
    /// wait on the busy timeout).
    public static func openShared(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempts = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempts < 50 {
                attempts += 1
                usleep(20_000)
            }
        }
    }
}

extension DatabaseMigrator {
    /// ``migrate(_:)``, tried again when another process applied a migration at the same time.
    ///
    /// GRDB reads which migrations are applied before the transactions that apply them, so two
    /// processes opening a new file at once (`vf serve` and a command on one home) may both
    /// run one. Each migration and its record commit together in one `BEGIN IMMEDIATE`, so the
    /// second one's transaction fails (a table that exists, or the record) and rolls back whole;
    /// tried again, it finds the migration applied. Any other error is thrown at once.
    public func migrateShared(_ writer: some DatabaseWriter) throws {
        var attempts = 0
        while true {
            do {
                try migrate(writer)
                return
            } catch let error as DatabaseError where attempts < 8 && Self.isCollision(error) {
                attempts += 1
            }
        }
    }

    /// An error a migration meets when another process applied it first: its record exists, a
    /// table, index or column it creates exists, or the file is locked.
    private static func isCollision(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT, .SQLITE_BUSY, .SQLITE_LOCKED: true
        case .SQLITE_ERROR:
            error.message.map { $0.contains("already exists") || $0.contains("duplicate column name") } ?? false
        default: false
        }
    }
}
