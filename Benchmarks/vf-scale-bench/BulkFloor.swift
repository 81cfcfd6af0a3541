// What the rows a bulk entry added cost SQLite alone: the bound on the ratio any `vf publish
// --lines` that writes these rows could reach, as copyFloor is for a rebuild.
import Dispatch
import Foundation
import GRDB

/// The graph file of a home as it stands, copied aside (with its WAL, if one is left) to
/// measure later what a run added to it.
struct GraphSnapshot {
    let path: String

    init(of graphPath: String, into directory: String) throws {
        path = directory + "/before-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: graphPath, toPath: path)
        if FileManager.default.fileExists(atPath: graphPath + "-wal") {
            try FileManager.default.copyItem(atPath: graphPath + "-wal", toPath: path + "-wal")
        }
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// SQLite alone writing the rows a run of `lines` lines added to the graph since this
    /// snapshot (or changed: a row of `after` that the snapshot does not hold as it is), into a
    /// copy of the snapshot, `batch` lines' worth a transaction as `vf publish --lines` commits
    /// them, with the graph store's settings, and the file closed (its last checkpoint).
    ///
    /// Each table's new rows are written in the order the run wrote them as nearly as the rows
    /// tell: a table keyed by a number (`n`: events since v17, resources, `itemKey`) in number
    /// order, as numbers were given in turn; history rows in causal order; the others in key
    /// order. No parsing, no checking, no deriving, and no log: what is left to a bulk entry
    /// after its log's work. Rows the run deleted are not deleted again (a fold deletes few),
    /// and a row it changed is replaced (deleted and inserted) where the fold updates it in
    /// place, which costs a little more. Returns the seconds of the writing alone.
    func floor(after graphPath: String, lines: Int, batch: Int = 1000, directory: String) throws -> Double {
        let stage = directory + "/stage-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let staging = try DatabaseQueue(path: stage)
        var staged: [(table: String, rows: Int)] = []
        try staging.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS after", arguments: [graphPath])
            try db.execute(sql: "ATTACH DATABASE ? AS before", arguments: [path])
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM after.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%'
                """)
            for table in tables {
                let columns = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?, 'after')", arguments: [table])
                let names = columns.map { $0["name"] as String }
                let key = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
                let order = key == ["n"] ? "n" : names.contains("ord") ? "ord" : key.isEmpty ? "rowid" : key.joined(separator: ", ")
                try db.execute(sql: """
                    CREATE TABLE main.\(table) AS SELECT * FROM (SELECT * FROM after.\(table) EXCEPT SELECT * FROM before.\(table)) ORDER BY \(order)
                    """)
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.\(table)") ?? 0
                if count > 0 { staged.append((table, count)) }
            }
            try db.execute(sql: "DETACH DATABASE after")
            try db.execute(sql: "DETACH DATABASE before")
        }
        try staging.close()

        let work = directory + "/floor-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: work + suffix) } }
        try FileManager.default.copyItem(atPath: path, toPath: work)
        if FileManager.default.fileExists(atPath: path + "-wal") { try FileManager.default.copyItem(atPath: path + "-wal", toPath: work + "-wal") }
        // On disk before the clock starts: else the first sync of the copy (the checkpoint at
        // its close) writes the whole file, which the home's own file, written long before, does not.
        for file in [work, work + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
            try handle.synchronize()
            try handle.close()
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
        }
        let transactions = max(1, (lines + batch - 1) / batch)
        let start = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let pool = try DatabasePool(path: work, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS stage", arguments: [stage])
            for k in 0..<transactions {
                try db.inTransaction {
                    for (table, rows) in staged {
                        // Transaction k writes the k-th share of each table's rows (rowids count from 1).
                        let first = rows * k / transactions, last = rows * (k + 1) / transactions
                        guard last > first else { continue }
                        try db.execute(sql: "INSERT OR REPLACE INTO main.\(table) SELECT * FROM stage.\(table) WHERE rowid > ? AND rowid <= ?",
                                       arguments: [first, last])
                    }
                    return .commit
                }
            }
            try db.execute(sql: "DETACH DATABASE stage")
        }
        try pool.close()
        return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 - start
    }
}
