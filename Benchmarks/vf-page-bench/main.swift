// vf-page-bench: a page of one item's events, deep in a long list. A stock raised N times and
// a process with N inputs, at N = 1,000 and N = 100,000 (EVENTS sets the larger): the time of
// the reader's page of 100 events (`GraphReader.events(touching:)` and `events(of:)`, what
// `vf resource ID`, `GET /api/resources/{id}?after=…` and the same for a process read; without
// the item beside it or the JSON) at the larger N divided by that at the smaller, printed
// beside the target (≤ 2: a page costs what it returns). For comparison, the query of graph
// schema v13, which read every event naming the resource for each page, timed on the same table.
import Dispatch
import Foundation
import GRDB
import VFGraph
import VFGraphStore
import VFLog


let larger = max(1000, Int(ProcessInfo.processInfo.environment["EVENTS"] ?? "100000") ?? 100_000)
let root = NSTemporaryDirectory() + "vf-page-bench-" + UUID().uuidString
defer { try? FileManager.default.removeItem(atPath: root) }
// A failure half-way still removes the homes (a top-level defer runs only on a normal end).
func fail(_ error: Error) -> Never {
    try? FileManager.default.removeItem(atPath: root)
    FileHandle.standardError.write(Data("vf-page-bench: \(error)\n".utf8))
    exit(1)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

struct Sizes {
    let resourcePage: Double, processPage: Double, oldQuery: Double
}

/// A home with one stock raised `count` times and one process with `count` inputs; the time of
/// a page of 100, the best of 20 runs each at five depths.
func measure(_ count: Int) throws -> Sizes {
    let home = NodeHome(path: root + "/\(count)")
    try FileManager.default.createDirectory(atPath: home.path, withIntermediateDirectories: true)
    let key = try home.initialize()
    let log = try home.openStore()
    let me = key.feed.description
    func json(_ object: [String: Any]) throws -> [UInt8] { [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) }
    let created = try log.appendBatch([try json(["@type": "EconomicEvent", "action": "raise", "provider": me, "receiver": me,
                                                 "resourceQuantity": ["hasNumericalValue": "1", "hasUnit": "kg"],
                                                 "newInventoriedResource": ["name": "stock"]]),
                                       try json(["@type": "Process", "name": "threshing"])], key: key)
    let stock = ResourceID(createdBy: created[0].entry.id), process = created[1].entry.id
    var batch: [[UInt8]] = []
    for n in 0 ..< count {
        batch.append(try json(["@type": "EconomicEvent", "action": "raise", "provider": me, "receiver": me, "resourceInventoriedAs": stock.description,
                               "resourceQuantity": ["hasNumericalValue": "1", "hasUnit": "kg"]]))
        batch.append(try json(["@type": "EconomicEvent", "action": "work", "provider": me, "receiver": me, "inputOf": process.description,
                               "effortQuantity": ["hasNumericalValue": "\(n % 8 + 1)", "hasUnit": "hour"]]))
        if batch.count >= 10_000 {
            try log.appendBatch(batch, key: key)
            batch.removeAll(keepingCapacity: true)
        }
    }
    try log.appendBatch(batch, key: key)
    let store = try GraphStore(home: home)
    try store.update(from: log)
    let reader = store.reader(log: log)

    // The orders at five depths, 0, 20, 40, 60 and 80 % of the way, read once by paging through.
    func depths(_ page: (EventOrder?, Int) throws -> [GraphEvent]) throws -> [EventOrder?] {
        var marks: [EventOrder?] = [nil], after: EventOrder?, seen = 0
        while marks.count < 5 {
            let events = try page(after, 100)
            guard let last = events.last?.order else { break }
            seen += events.count
            if seen >= marks.count * count / 5 { marks.append(last) }
            after = last
        }
        return marks
    }
    func best(_ marks: [EventOrder?], _ page: (EventOrder?) throws -> Int) throws -> Double {
        var total = 0.0
        for mark in marks {
            var fastest = Double.infinity
            for _ in 0 ..< 20 {
                var returned = 0
                fastest = min(fastest, try seconds { returned = try page(mark) })
                precondition(returned == 100, "a page of \(returned) events")
            }
            total += fastest
        }
        return total / Double(marks.count)
    }
    let resourceMarks = try depths { try reader.events(touching: stock, after: $0, limit: $1) }
    let processMarks = try depths { try reader.events(of: process, after: $0, limit: $1) }
    let resourcePage = try best(resourceMarks) { try reader.events(touching: stock, after: $0, limit: 100).count }
    let processPage = try best(processMarks) { try reader.events(of: process, after: $0, limit: 100).count }
    // v13's query, ids only (cheaper than the rows it read): every event naming the stock,
    // sorted; with the stock's number (v16) for its id, and rows by number (v18 has no index of event ids).
    let queue = try DatabaseQueue(path: home.path + "/graph.sqlite")
    let stockNumber = "coalesce((SELECT n FROM itemKey WHERE id = ?1 AND settled = 0), (SELECT n FROM itemKey WHERE id = ?1 AND settled = 1))"
    let oldQuery = try best(resourceMarks) { mark in
        try queue.read { db in
            try Data.fetchAll(db, sql: """
                SELECT id FROM event WHERE status = 0 AND ord > ?2 AND n IN (SELECT n FROM event WHERE fromResource = \(stockNumber)
                    UNION SELECT n FROM event WHERE toResource = \(stockNumber) UNION SELECT n FROM event WHERE container = \(stockNumber)) ORDER BY ord LIMIT 100
                """, arguments: [Data(stock.hash.bytes), Data(mark?.bytes ?? [])]).count
        }
    }
    return Sizes(resourcePage: resourcePage, processPage: processPage, oldQuery: oldQuery)
}

print("vf-page-bench: a page of 100 events of a stock raised N times, and of a process with N inputs")
let small: Sizes, large: Sizes
do { (small, large) = (try measure(1000), try measure(larger)) } catch { fail(error) }
for (name, a, b) in [("vf resource ID / GET /api/resources/{id}", small.resourcePage, large.resourcePage),
                     ("vf process ID / GET /api/processes/{id}", small.processPage, large.processPage)] {
    print(String(format: "  %@: %.2f ms at 1k, %.2f ms at %dk: ratio %.2f (target ≤ 2)", name, a * 1e3, b * 1e3, larger / 1000, b / a))
}
print(String(format: "  the query of schema v13 (ids only): %.2f ms at 1k, %.2f ms at %dk: ratio %.1f",
             small.oldQuery * 1e3, large.oldQuery * 1e3, larger / 1000, large.oldQuery / small.oldQuery))
