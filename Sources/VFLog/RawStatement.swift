import GRDB
import GRDBSQLite

/// A cached prepared statement bound, stepped and read through SQLite's C API.
///
/// The log's bulk append and ingest and the graph store's rebuilds write and read tens of
/// thousands of rows; building GRDB argument arrays and rows costs more than SQLite's own
/// work, so the hot paths bind ids straight from their inline bytes. Only for use inside the `Database` closure it came from.
///
/// A class so that going out of scope resets the statement: GRDB caches it, and a cached
/// statement left mid-way through its rows (a reader that threw, or stopped early) would keep
/// its connection's read snapshot open, and later reads on that connection would not see
/// newer commits.
public final class RawStatement {
    private let statement: Statement
    private let db: Database
    public var handle: SQLiteStatement { statement.sqliteStatement }

    public init(_ db: Database, _ sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
        sqlite3_reset(statement.sqliteStatement)
        // A cached statement keeps its counters from earlier uses: start them from zero.
        sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 1)
    }

    /// The virtual machine steps this statement took since it was made: what a query did, for
    /// tests that bound it (each row an index or table visits costs a few).
    package var virtualMachineSteps: Int { Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 0)) }

    deinit { sqlite3_reset(statement.sqliteStatement) }

    // SQLITE_TRANSIENT: SQLite copies the bytes before the buffer goes away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public func bind(_ index: Int32, _ hash: Hash32?) {
        guard let hash else { sqlite3_bind_null(handle, index); return }
        // The value's own 32 bytes (see `hash(_:table:)`), without a call into VFLog's generic.
        _ = Swift.withUnsafeBytes(of: hash) { sqlite3_bind_blob(handle, index, $0.baseAddress, 32, Self.transient) }
    }

    public func bind(_ index: Int32, _ entry: EntryID?) { bind(index, entry?.hash) }
    public func bind(_ index: Int32, _ feed: FeedID?) { bind(index, feed?.key) }

    public func bind(_ index: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_text(handle, index, text, -1, Self.transient)
    }

    public func bind(_ index: Int32, _ value: Int64?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_int64(handle, index, value)
    }

    public func bind(_ index: Int32, blob: [UInt8]?) {
        guard let blob else { sqlite3_bind_null(handle, index); return }
        _ = blob.withUnsafeBytes { bytes in
            // A zero-length blob needs a non-null pointer, or SQLite stores NULL.
            sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Self.transient)
        }
    }

    /// Binds `blob` without copying it and runs the statement while the bytes are alive: for
    /// payloads, the largest values the store writes.
    public func run(binding blob: [UInt8], at index: Int32) throws {
        try blob.withUnsafeBytes { bytes in
            // SQLITE_STATIC (nil): SQLite reads the bytes during the step, and `bytes` outlives it.
            sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), nil)
            defer { sqlite3_bind_null(handle, index) }
            try run()
        }
    }

    /// Runs a statement that returns no rows, and resets it for the next binding.
    public func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// The single integer the statement returns, for counts.
    public func count() throws -> Int {
        guard try next() else { return 0 }
        defer { sqlite3_reset(handle) }
        return Int(sqlite3_column_int64(handle, 0))
    }

    /// Steps to the next row: true while there is one.
    public func next() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: sqlite3_reset(handle); return false
        case let code: sqlite3_reset(handle); throw failure(code)
        }
    }

    /// Ends the current row's step before all rows were read, so the statement can be bound and stepped again.
    public func reset() { sqlite3_reset(handle) }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    // MARK: reading the current row (columns from 0)

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// Whether the column holds a BLOB (SQLite columns hold any type).
    public func isBlob(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_BLOB }

    public func int64(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(handle, column) }

    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    public func bytes(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A 32-byte id column: nil when the column is NULL or holds anything but 32 bytes.
    public func hash32(_ column: Int32) -> Hash32? {
        guard !isNull(column), sqlite3_column_bytes(handle, column) == 32, let pointer = sqlite3_column_blob(handle, column) else { return nil }
        // A Hash32 is its 32 bytes held inline (a trivial type), so it loads straight from the
        // column; the generic `Hash32(bytes:)` costs more than the rest of reading a row.
        return pointer.loadUnaligned(as: Hash32.self)
    }
}
