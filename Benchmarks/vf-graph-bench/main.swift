// vf-graph-bench: deriving the economic graph from the logs, against plain SQLite inserts of
// the same number of rows measured in the same run; and trace time against chain length.
import Dispatch
import Foundation
import GRDB
import VFGraph
import VFGraphStore
import VFLog

let eventCount = Int(ProcessInfo.processInfo.environment["EVENTS"] ?? "100000")!
let root = NSTemporaryDirectory() + "vf-graph-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Processor time of the whole process (every thread), in seconds: on a machine shared with
/// other work, it shows what a step costs when wall time is inflated by waiting for a core.
func processorSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func json(_ object: [String: Any]) -> [UInt8] {
    [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

func quantity(_ value: String, _ unit: String) -> [String: Any] { ["hasNumericalValue": value, "hasUnit": unit] }

/// Each agent turns its input stock into output stock, one process at a time:
/// `Process`, then `consume` 1 kg from input, then `produce` 1 kg into output.
func buildWorkshopLogs(agents: Int, events: Int, into log: LogStore) throws -> Int {
    var written = 0
    for a in 0..<agents {
        let key = SigningKey()
        let me = key.feed.description
        let raiseIn = try log.append(json(["@type": "EconomicEvent", "action": "raise", "provider": me, "receiver": me,
                                           "resourceQuantity": quantity("1000000", "kilogram"),
                                           "newInventoriedResource": ["name": "input \(a)"]]), key: key)
        let raiseOut = try log.append(json(["@type": "EconomicEvent", "action": "raise", "provider": me, "receiver": me,
                                            "resourceQuantity": quantity("0", "kilogram"),
                                            "newInventoriedResource": ["name": "output \(a)"]]), key: key)
        let input = ResourceID(createdBy: raiseIn.entry.id).description
        let output = ResourceID(createdBy: raiseOut.entry.id).description
        written += 2
        let perAgent = events / agents
        var batch: [[UInt8]] = []
        var sequence = try log.head(of: key.feed)!.sequence
        var made = 2
        while made < perAgent {
            // A process entry, then its input and output events, which name it by entry id:
            // sign the process first so its id is known.
            try log.appendBatch(batch, key: key); batch.removeAll()
            let process = try log.append(json(["@type": "Process", "name": "step \(made)"]), key: key)
            sequence = process.entry.sequence
            let pid = process.entry.id.description
            batch.append(json(["@type": "EconomicEvent", "action": "consume", "provider": me, "receiver": me, "inputOf": pid,
                               "resourceInventoriedAs": input, "resourceQuantity": quantity("1", "kilogram")]))
            batch.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "outputOf": pid,
                               "resourceInventoriedAs": output, "resourceQuantity": quantity("1", "kilogram")]))
            made += 2
        }
        try log.appendBatch(batch, key: key)
        _ = sequence
        written += made - 2
    }
    return written
}

/// One agent, `steps` processes in a line: each consumes the previous step's resource and
/// produces a new one. Returns the last resource.
func buildChain(steps: Int, into log: LogStore) throws -> ResourceID {
    let key = SigningKey()
    let me = key.feed.description
    var previous = ResourceID(createdBy: try log.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
        "resourceQuantity": quantity("1", "each"), "newInventoriedResource": ["name": "step 0"]]), key: key).entry.id)
    for step in 1...steps {
        let process = try log.append(json(["@type": "Process", "name": "step \(step)"]), key: key).entry.id.description
        try log.append(json(["@type": "EconomicEvent", "action": "consume", "provider": me, "receiver": me, "inputOf": process,
                             "resourceInventoriedAs": previous.description, "resourceQuantity": quantity("1", "each")]), key: key)
        previous = ResourceID(createdBy: try log.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
            "outputOf": process, "resourceQuantity": quantity("1", "each"), "newInventoriedResource": ["name": "step \(step)"]]), key: key).entry.id)
    }
    return previous
}

// LOG=path keeps the prepared log there and reuses it on the next run (for profiling: the
// preparation, signing and JSON, would otherwise dominate a profile of the derivation).
let log: LogStore, events: Int
if let kept = ProcessInfo.processInfo.environment["LOG"], FileManager.default.fileExists(atPath: kept) {
    log = try LogStore(path: kept)
    let marker = Array(#"{"@type":"EconomicEvent""#.utf8)  // JSONSerialization with sorted keys writes "@type" first
    events = try log.feeds().reduce(0) { count, feed in
        count + (try log.records(author: feed.author)).filter { $0.payload.map { $0.starts(with: marker) } ?? false }.count
    }
    print("reusing the \(events) events in \(kept)")
} else {
    print("preparing \(eventCount) events …")
    log = try LogStore(path: ProcessInfo.processInfo.environment["LOG"] ?? root + "/log.sqlite")
    events = try buildWorkshopLogs(agents: 10, events: eventCount, into: log)
}

// Reading and deriving alone, in memory: the part of a rebuild before the tables are written.
// DERIVE_ONLY=n repeats this n times (the best time counts) and stops there, for profiling.
let deriveOnly = Int(ProcessInfo.processInfo.environment["DERIVE_ONLY"] ?? "")
/// Reads every feed and derives the graph in memory; returns the wall seconds each took and
/// the processor seconds of both.
func readAndDerive() throws -> (read: Double, derive: Double, processor: Double) {
    var entries: [GraphEntry] = []
    let processorStart = processorSeconds()
    let read = try seconds {
        for feed in try log.feeds() {
            entries += try log.records(author: feed.author, in: 1...feed.sequence).map { GraphEntry($0, verified: true) }
        }
    }
    var builder = GraphBuilder()
    let derive = seconds { builder.insert(entries) }
    let processor = processorSeconds() - processorStart
    precondition(builder.graph.appliedOrder.count == events, "every bench event applies")
    return (read, derive, processor)
}
var readSeconds = Double.infinity, deriveSeconds = Double.infinity, deriveProcessorSeconds = Double.infinity
for _ in 0..<max(1, deriveOnly ?? 1) {
    let (read, derive, processor) = try readAndDerive()
    readSeconds = min(readSeconds, read)
    deriveSeconds = min(deriveSeconds, derive)
    deriveProcessorSeconds = min(deriveProcessorSeconds, processor)
}
func printReadAndDerive(_ readSeconds: Double, _ deriveSeconds: Double, _ deriveProcessorSeconds: Double) {
    print(String(format: "  read the logs, %d events                     %10.0f events/s   (%.3f s)", events, Double(events) / readSeconds, readSeconds))
    print(String(format: "  derive in memory, %d events                 %10.0f events/s   (%.3f s)", events, Double(events) / deriveSeconds, deriveSeconds))
    print(String(format: "  read + derive in memory, %d events          %10.0f events/s   (%.2f µs/event)", events,
                 Double(events) / (readSeconds + deriveSeconds), (readSeconds + deriveSeconds) / Double(events) * 1e6))
    print(String(format: "  read + derive, processor time (all threads)  %10.0f events/s   (%.2f µs/event)", Double(events) / deriveProcessorSeconds,
                 deriveProcessorSeconds / Double(events) * 1e6))
}
if deriveOnly != nil {
    print("")
    printReadAndDerive(readSeconds, deriveSeconds, deriveProcessorSeconds)
    exit(0)
}

// Baseline: plain inserts of as many rows, one transaction, a prepared statement. This
// machine's speed drifts by a third within minutes, so each round times the inserts right
// before the rebuild they are compared with, and the median round's ratio is reported.
let author = Data(SigningKey().feed.bytes)
func plainInserts(round: Int) throws -> Double {
    let plain = try DatabaseQueue(path: root + "/plain\(round).sqlite")
    try plain.write { db in try db.execute(sql: "CREATE TABLE row (id INTEGER PRIMARY KEY, author BLOB, action TEXT, quantity TEXT, note TEXT)") }
    return try seconds {
        try plain.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO row (author, action, quantity, note) VALUES (?, ?, ?, ?)")
            for i in 0..<events { try statement.execute(arguments: [author, "produce", "\(i)", "row \(i)"]) }
        }
    }
}
let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "3")!
var results: [(insertRate: Double, rebuildRate: Double, parts: RebuildTimings?)] = []
print("")
for round in 1...rounds {
    let insertRate = Double(events) / (try plainInserts(round: round))
    // As `vf graph rebuild` does: a fresh process opens the store, whose tables hold the last
    // rebuild's rows (cleared as part of the rebuild) but whose memory holds nothing yet.
    let graphs = try GraphStore(path: root + "/graph.sqlite")
    let rebuildRate = Double(events) / (try seconds { try graphs.rebuild(from: log) })
    results.append((insertRate, rebuildRate, graphs.lastRebuild))
    print(String(format: "  round %d: plain inserts %8.0f rows/s, rebuild %7.0f events/s, ratio %.3f", round, insertRate, rebuildRate, rebuildRate / insertRate))
}
let graph = try GraphStore(path: root + "/graph.sqlite").graph(from: log)
precondition(graph.events.values.allSatisfy { $0.status == .applied }, "every bench event applies")
let rowCount = graph.events.count + graph.processes.count + graph.specifications.count + graph.agents.count
    + graph.resources.count + graph.rejected.count
let median = results.sorted { $0.rebuildRate / $0.insertRate < $1.rebuildRate / $1.insertRate }[results.count / 2]
let ratio = median.rebuildRate / median.insertRate
print(String(format: "  plain SQLite inserts, %d rows                %10.0f rows/s      (median round)", events, median.insertRate))
print(String(format: "  graph rebuild from the logs, %d events      %10.0f events/s   %.2f × plain inserts   (target ≥ 0.3: %@)",
             events, median.rebuildRate, ratio, ratio >= 0.3 ? "met" : "MISSED"))
// A `vf graph rebuild` process rebuilds once; later rounds reuse memory the process has faulted in.
print(String(format: "  first round alone                               %7.0f events/s   %.2f × plain inserts",
             results[0].rebuildRate, results[0].rebuildRate / results[0].insertRate))
if let parts = median.parts {
    // The rebuild's own split: it derives in memory, then writes.
    print(String(format: "  rebuild of %d rows: read + catalogue %.3f s, resolve %.3f s, fold %.3f s; fill (rows made as written) %.3f s, indexes %.3f s, commit %.3f s",
                 rowCount, parts.readAndCatalogue, parts.resolve, parts.fold, parts.fill, parts.indexes, parts.commit))
}
printReadAndDerive(readSeconds, deriveSeconds, deriveProcessorSeconds)

// Implicit combines (docs/protocol.md §16): a combine without toResourceInventoriedAs depends on
// every produce or modify output of its process that names the container. n parts raised and
// combined into a box that n outputs of one process name: a rebuild, and an update after one
// more output, should grow with n (doubling n doubles the time), not with n × n. COMBINES=0 skips it.
func buildCombines(_ n: Int, into log: LogStore) throws -> (key: SigningKey, process: String, box: String) {
    let key = SigningKey()
    let me = key.feed.description
    let process = try log.append(json(["@type": "Process", "name": "packing"]), key: key).entry.id.description
    let box = ResourceID(createdBy: try log.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
        "outputOf": process, "resourceQuantity": quantity("1", "each"), "newInventoriedResource": ["name": "box"]]), key: key).entry.id).description
    var batch: [[UInt8]] = []
    func flush() throws { try log.appendBatch(batch, key: key); batch.removeAll() }
    for _ in 1..<n {
        batch.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "outputOf": process,
                           "resourceInventoriedAs": box, "resourceQuantity": quantity("1", "each")]))
        if batch.count == 1000 { try flush() }
    }
    try flush()
    var parts: [String] = []
    for i in 0..<n {
        parts.append(ResourceID(createdBy: try log.append(json(["@type": "EconomicEvent", "action": "raise", "provider": me, "receiver": me,
            "resourceQuantity": quantity("1", "each"), "newInventoriedResource": ["name": "part \(i)"]]), key: key).entry.id).description)
    }
    for part in parts {
        batch.append(json(["@type": "EconomicEvent", "action": "combine", "provider": me, "receiver": me, "inputOf": process,
                           "resourceInventoriedAs": part, "resourceQuantity": quantity("1", "each")]))
        if batch.count == 1000 { try flush() }
    }
    try flush()
    return (key, process, box)
}
if ProcessInfo.processInfo.environment["COMBINES"] != "0" {
    print("")
    var rebuildTimes: [Double] = [], updateTimes: [Double] = []
    let sizes = [2_000, 4_000, 8_000]
    for n in sizes {
        let combineLog = try LogStore(path: root + "/combines\(n).sqlite")
        let (key, process, box) = try buildCombines(n, into: combineLog)
        let store = try GraphStore(path: root + "/combines\(n)-graph.sqlite")
        let rebuild = try seconds { try store.rebuild(from: combineLog, mode: .inMemory) }
        let peak = store.lastRebuild?.residentPeak ?? 0
        let me = key.feed.description
        try combineLog.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "outputOf": process,
                                    "resourceInventoriedAs": box, "resourceQuantity": quantity("1", "each")]), key: key)
        var changed = 0
        let update = try seconds { changed = try store.update(from: combineLog).events.count }
        rebuildTimes.append(rebuild)
        updateTimes.append(update)
        print(String(format: "  %5d combines into a box %5d outputs name: rebuild %7.3f s (peak %5.0f MB so far); one more output: update %7.3f s, %d events changed",
                     n, n, rebuild, peak, update, changed))
    }
    print(String(format: "  doubling n: rebuild %.1f× and %.1f×, update %.1f× and %.1f× (linear: 2; quadratic: 4)",
                 rebuildTimes[1] / rebuildTimes[0], rebuildTimes[2] / rebuildTimes[1], updateTimes[1] / updateTimes[0], updateTimes[2] / updateTimes[1]))
}

// Corrections: the n-th correction of an event is checked against the event's quantity with
// the n − 1 before it applied. n corrections of one produce, built from the log (rebuild) and
// appended one update at a time: the total should grow with n, not n × n. CORRECTIONS=0 skips it.
if ProcessInfo.processInfo.environment["CORRECTIONS"] != "0" {
    print("")
    var rebuildTimes: [Double] = [], updateTimes: [Double] = []
    for n in [2_000, 4_000, 8_000] {
        let correctionLog = try LogStore(path: root + "/corrections\(n).sqlite")
        let key = SigningKey()
        let me = key.feed.description
        let produce = try correctionLog.append(json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
            "resourceQuantity": quantity("1000000", "each"), "newInventoriedResource": ["name": "stock"]]), key: key).entry.id
        let stock = ResourceID(createdBy: produce).description
        func correction() -> [UInt8] {
            json(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me, "corrects": produce.description,
                  "resourceInventoriedAs": stock, "resourceQuantity": quantity("-1", "each")])
        }
        let store = try GraphStore(path: root + "/corrections\(n)-graph.sqlite")
        // The last tenth one update each, onto the tables of the rest.
        let appendedOneByOne = n / 10
        for _ in 0..<(n - appendedOneByOne) / 1000 { try correctionLog.appendBatch((0..<1000).map { _ in correction() }, key: key) }
        let rebuild = try seconds { try store.rebuild(from: correctionLog, mode: .inMemory) }
        let update = try seconds {
            for _ in 0..<appendedOneByOne {
                try correctionLog.append(correction(), key: key)
                try store.update(from: correctionLog)
            }
        }
        rebuildTimes.append(rebuild)
        updateTimes.append(update / Double(appendedOneByOne))
        print(String(format: "  %5d corrections of one event: rebuild of %d %7.3f s; then %d more, one update each: %.4f s per update",
                     n, n - appendedOneByOne, rebuild, appendedOneByOne, update / Double(appendedOneByOne)))
    }
    print(String(format: "  doubling n: rebuild %.1f× and %.1f×, one update %.1f× and %.1f× (rebuild linear: 2; update flat: 1)",
                 rebuildTimes[1] / rebuildTimes[0], rebuildTimes[2] / rebuildTimes[1], updateTimes[1] / updateTimes[0], updateTimes[2] / updateTimes[1]))
}

// Trace over chains of 1,000 to 40,000 steps. The doublings past 10,000 show the growth
// better than 1,000 against 10,000 alone, where the smaller chain still fits in the caches.
var traceTimes: [Int: Double] = [:]
let chainLengths = ProcessInfo.processInfo.environment["NO_TRACE"] != nil ? [] : [1_000, 10_000, 20_000, 40_000]
if chainLengths.isEmpty { exit(0) }
for steps in chainLengths {
    let chainLog = try LogStore(path: root + "/chain\(steps).sqlite")
    let last = try buildChain(steps: steps, into: chainLog)
    let chainGraph = try GraphStore(path: root + "/chain\(steps)-graph.sqlite").graph(from: chainLog)
    // The best of five: on a shared machine one run can lose the processor half-way.
    var items = 0
    traceTimes[steps] = (0..<5).map { _ in seconds { items = chainGraph.trace(from: .resource(last)).count } }.min()!
    print(String(format: "  trace over a chain of %5d steps            %10.4f s   (%d items, %.2f µs each)", steps, traceTimes[steps]!, items,
                 traceTimes[steps]! / Double(items) * 1e6))
}
print(String(format: "  10× the steps took %.1f× the time; each doubling after that %.1f× and %.1f× (linear: 10, 2, 2)",
             traceTimes[10_000]! / traceTimes[1_000]!, traceTimes[20_000]! / traceTimes[10_000]!, traceTimes[40_000]! / traceTimes[20_000]!))
