// vf-scale-bench: the economic graph at a million events (issue 12). Two homes hold the same
// shape of record (VFWorkload: chains of processes across 10 feeds, a tenth back-dated), one at
// 10,000 events and one at SCALE_EVENTS (default 1,000,000). The release `vf` runs each
// command as a user would, and reports its latency at the large size over the small one, and
// its peak memory; then the bulk paths against their baselines measured in the same run.
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import VFGraph
import VFGraphStore
import VFLog
import VFWorkload

let large = Int(ProcessInfo.processInfo.environment["SCALE_EVENTS"] ?? "1000000")!
let small = Int(ProcessInfo.processInfo.environment["SCALE_SMALL"] ?? "10000")!
let lines = Int(ProcessInfo.processInfo.environment["SCALE_LINES"] ?? "100000")!
let vf = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vf").path
let root = NSTemporaryDirectory() + "vf-scale-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { if ProcessInfo.processInfo.environment["SCALE_KEEP"] != "1" { try? FileManager.default.removeItem(atPath: root) } }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func say(_ text: String) { print(text); fflush(nil) }

/// One run of `vf`: wall time, the child's peak resident memory, and what it printed.
struct Run {
    let seconds: Double
    let peakMB: Double
    let stdout: String
    let status: Int32
}

/// GNU time, when installed, measures a child's peak memory: it forks a small process that
/// then runs `vf`. Spawned straight from this process, a child's peak (wait4's ru_maxrss)
/// starts at this process's own size, since Linux carries the pre-exec size over.
let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

/// Runs `vf` with `arguments` (and `stdin` from a file), measuring its time and peak memory.
func run(_ arguments: [String], stdinFile: String? = nil) throws -> Run {
    let out = root + "/stdout-\(UUID().uuidString)"
    let memory = root + "/memory-\(UUID().uuidString)"
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if let stdinFile { posix_spawn_file_actions_addopen(&actions, 0, stdinFile, O_RDONLY, 0) }
    let program = gnuTime ?? vf
    let argv = ((gnuTime.map { [$0, "-f", "%M", "-o", memory] } ?? []) + [vf] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { throw BenchError("cannot run \(program)") }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let seconds = now() - start
    let printed = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: out)
    var peakKB = Double(usage.ru_maxrss)
    if gnuTime != nil, let text = try? String(contentsOfFile: memory, encoding: .utf8),
       let kb = Double(text.split(separator: "\n").last(where: { Double($0) != nil }) ?? "") {
        peakKB = kb
    }
    try? FileManager.default.removeItem(atPath: memory)
    return Run(seconds: seconds, peakMB: peakKB / 1024, stdout: printed, status: status)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// A home holding `events` events of the workload, its graph rebuilt.
struct Home {
    let path: String
    let workload: ChainWorkload
    let rebuild: Run
    var me: String
}

func makeHome(events: Int) throws -> Home {
    let path = root + "/home-\(events)"
    let me = try run(["init", "--home", path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let log = try LogStore(path: path + "/log.sqlite")
    var workload = ChainWorkload(feeds: 10, steps: 30, seed: 1)
    var written = 0
    let chunk = 50_000
    while workload.events < events {
        let feeds = workload.generate(events: min(chunk, events - workload.events))
        for entries in feeds where !entries.isEmpty {
            let report = try log.ingest(entries)
            written += report.stored.count
        }
    }
    let rebuild = try run(["graph", "rebuild", "--home", path])
    guard rebuild.status == 0 else { throw BenchError("vf graph rebuild failed at \(events)") }
    say(String(format: "  home of %d events (%d entries, %d back-dated): graph rebuild %.1f s, %.0f MB",
               workload.events, written, workload.backDated, rebuild.seconds, rebuild.peakMB))
    return Home(path: path, workload: workload, rebuild: rebuild, me: me)
}

/// Plain SQLite inserts of `count` rows, one transaction, a prepared statement: the
/// baseline of the rebuild rate, as in vf-graph-bench.
func plainInsertRate(_ count: Int) throws -> Double {
    let queue = try DatabaseQueue(path: root + "/plain-\(UUID().uuidString).sqlite")
    try queue.write { db in try db.execute(sql: "CREATE TABLE row (id INTEGER PRIMARY KEY, author BLOB, action TEXT, quantity TEXT, note TEXT)") }
    let author = Data(repeating: 7, count: 32)
    let start = now()
    try queue.write { db in
        let statement = try db.makeStatement(sql: "INSERT INTO row (author, action, quantity, note) VALUES (?, ?, ?, ?)")
        for i in 0..<count { try statement.execute(arguments: [author, "produce", "\(i).5", "note \(i)"]) }
    }
    return Double(count) / (now() - start)
}

/// SQLite alone writing the rows a rebuild wrote: every table of `graphPath` (the derived ones,
/// the cursors and the long texts of history rows) copied in
/// key order into a new file with the graph store's settings, its indexes made after, as the
/// rebuild does, and the file closed (its last checkpoint). No parsing, no deriving: the most a
/// rebuild that writes these rows could reach. Each copy names its key order, which keeps SQLite
/// from copying the stored records as they are (its transfer optimization): each row is
/// decoded, checked and encoded again, as a rebuild's are. Returns the seconds taken and the
/// bytes of the copy.
func copyFloor(_ graphPath: String) throws -> (seconds: Double, bytes: Int) {
    let path = root + "/floor-\(UUID().uuidString).sqlite"
    var configuration = Configuration()
    configuration.prepareDatabase { db in
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        try db.execute(sql: "PRAGMA cache_size = -65536")
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
    }
    let copy = try DatabasePool(path: path, configuration: configuration)
    let schema = try DatabaseQueue(path: graphPath).read { db in
        try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%'")
            .map { row in
                let name: String = row["name"]
                let key = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [name])
                return (type: row["type"] as String, name: name, sql: row["sql"] as String, key: key.isEmpty ? "rowid" : key.joined(separator: ", "))
            }
    }
    let start = now()
    try copy.writeWithoutTransaction { db in
        try db.execute(sql: "ATTACH DATABASE ? AS rebuilt", arguments: [graphPath])
        try db.inTransaction {
            for table in schema where table.type == "table" {
                try db.execute(sql: table.sql)
                try db.execute(sql: "INSERT INTO main.\(table.name) SELECT * FROM rebuilt.\(table.name) ORDER BY \(table.key)")
            }
            for index in schema where index.type == "index" { try db.execute(sql: index.sql) }
            return .commit
        }
        try db.execute(sql: "DETACH DATABASE rebuilt")
    }
    try copy.close()
    let seconds = now() - start
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    return (seconds, bytes)
}

/// An event the home's own agent publishes: a produce of a new resource at `time`.
func produce(_ me: String, time: String, _ n: Int) -> String {
    #"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","hasPointInTime":"\#(time)","resourceQuantity":{"hasNumericalValue":"\#(n % 97 + 1)","hasUnit":"kg"},"newInventoriedResource":{"name":"lot \#(n)"}}"#
}

func iso(_ milliseconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}

/// The commands a user runs against one home, each the median of `rounds` runs.
struct Latencies {
    var publish = 0.0, resource = 0.0, trace = 0.0
    var publishMB = 0.0, resourceMB = 0.0, traceMB = 0.0
}

func measureCommands(_ home: Home, rounds: Int = 5) throws -> Latencies {
    let chain = home.workload.lastChain[0]
    let resource = chain.last!.resource.description  // delivered to the next feed, after 30 steps
    var result = Latencies()
    var publish: [Run] = [], show: [Run] = [], trace: [Run] = []
    for round in 0..<rounds {
        publish.append(try run(["publish", "--home", home.path, produce(home.me, time: iso(1_800_000_000_000 + Int64(round) * 60_000), round)]))
        show.append(try run(["resource", resource, "--home", home.path]))
        trace.append(try run(["trace", resource, "--home", home.path]))
    }
    for r in publish + show + trace where r.status != 0 { throw BenchError("a command failed: status \(r.status)") }
    result.publish = median(publish.map(\.seconds)); result.publishMB = publish.map(\.peakMB).max()!
    result.resource = median(show.map(\.seconds)); result.resourceMB = show.map(\.peakMB).max()!
    result.trace = median(trace.map(\.seconds)); result.traceMB = trace.map(\.peakMB).max()!
    return result
}

/// `vf serve` on `home`, answering `GET` requests; its peak memory read from /proc.
final class Served {
    let process = Process()
    let url: String

    init(_ home: Home) throws {
        process.executableURL = URL(fileURLWithPath: vf)
        process.arguments = ["serve", "--home", home.path, "--listen", "127.0.0.1:0", "--no-lan", "--http", "127.0.0.1:0"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let file = home.path + "/http"
        let deadline = now() + 120
        while now() < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), text.hasSuffix("\n") {
                url = text.trimmingCharacters(in: .whitespacesAndNewlines)
                return
            }
            usleep(50_000)
        }
        process.terminate()
        throw BenchError("vf serve did not start")
    }

    /// Seconds for one GET of `path`, which must answer 200.
    func get(_ path: String) throws -> Double {
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        let start = now()
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        URLSession.shared.dataTask(with: URL(string: base + path)!) { _, response, _ in
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            semaphore.signal()
        }.resume()
        semaphore.wait()
        guard status == 200 else { throw BenchError("GET \(path): \(status)") }
        return now() - start
    }

    var peakMB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

func measureAPI(_ home: Home, rounds: Int = 5) throws -> (resources: Double, trace: Double, peakMB: Double) {
    let served = try Served(home)
    defer { served.stop() }
    let resource = home.workload.lastChain[0].last!.resource.description
    let encoded = resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    _ = try served.get("/api/resources?limit=50")  // warm
    let resources = median(try (0..<rounds).map { _ in try served.get("/api/resources?limit=50") })
    let trace = median(try (0..<rounds).map { _ in try served.get("/api/trace/\(encoded)") })
    return (resources, trace, served.peakMB)
}

// MARK: the run

say("vf-scale-bench: \(small) and \(large) events, 10 feeds, chains of 30 steps, a tenth back-dated")
if gnuTime == nil { say("  (no /usr/bin/time: peak memory is wait4's, which starts at this bench's own size)") }
// SCALE_ONLY=rebuild makes the large home alone and measures its rebuild (for working on it).
let onlyRebuild = ProcessInfo.processInfo.environment["SCALE_ONLY"] == "rebuild"
let smallHome = onlyRebuild ? nil : try makeHome(events: small)
let largeHome = try makeHome(events: large)
let insertRate = try plainInsertRate(min(large, 1_000_000))
let rebuildRate = Double(largeHome.workload.events) / largeHome.rebuild.seconds
say(String(format: "  graph rebuild at %d: %.0f events/s; plain SQLite inserts %.0f rows/s; ratio %.2f (target ≥ 0.3)",
           large, rebuildRate, insertRate, rebuildRate / insertRate))
do {
    // What these tables cost SQLite alone, as a bound on the ratio any rebuild writing them could reach.
    let floor = try copyFloor(largeHome.path + "/graph.sqlite")
    let floorRate = Double(largeHome.workload.events) / floor.seconds
    say(String(format: "  SQLite alone copying the rebuilt tables (%.0f MB) in key order, indexes after: %.1f s, %.0f events/s; ratio %.2f, the most a rebuild writing these rows could reach",
               Double(floor.bytes) / 1_048_576, floor.seconds, floorRate, floorRate / insertRate))
}
if onlyRebuild {
    let again = try run(["graph", "rebuild", "--timings", "--home", largeHome.path])
    let againInserts = try plainInsertRate(min(large, 1_000_000))
    let againRate = Double(largeHome.workload.events) / again.seconds
    say(String(format: "  again: %.0f events/s; plain SQLite inserts %.0f rows/s; ratio %.2f; peak %.0f MB",
               againRate, againInserts, againRate / againInserts, again.peakMB))

    if ProcessInfo.processInfo.environment["SCALE_KEEP"] == "1" { say("  keeping the home: \(largeHome.path)") }
    exit(0)
}
guard let smallHome else { exit(0) }

// SCALE_ONLY=bulk skips to bulk entry (for working on it); SCALE_KEEP=1 keeps the homes.
let onlyBulk = ProcessInfo.processInfo.environment["SCALE_ONLY"] == "bulk"
if ProcessInfo.processInfo.environment["SCALE_KEEP"] == "1" { say("  keeping the homes: \(root)") }
if !onlyBulk {
let smallTimes = try measureCommands(smallHome)
let largeTimes = try measureCommands(largeHome)
func ratio(_ name: String, _ a: Double, _ b: Double, _ mb: Double?) {
    let memory = mb.map { String(format: "; peak %.0f MB (target ≤ 150)", $0) } ?? ""
    say(String(format: "  %-28@ %7.3f s at %dk, %7.3f s at %dk: ratio %.2f (target ≤ 2)%@",
               name as NSString, a, small / 1000, b, large / 1000, b / a, memory as NSString))
}
ratio("vf publish (one event)", smallTimes.publish, largeTimes.publish, largeTimes.publishMB)
ratio("vf resource ID", smallTimes.resource, largeTimes.resource, largeTimes.resourceMB)
ratio("vf trace ID (30 steps)", smallTimes.trace, largeTimes.trace, largeTimes.traceMB)

do {
    let smallAPI = try measureAPI(smallHome)
    let largeAPI = try measureAPI(largeHome)
    ratio("GET /api/resources?limit=50", smallAPI.resources, largeAPI.resources, nil)
    ratio("GET /api/trace/ID", smallAPI.trace, largeAPI.trace, nil)
    say(String(format: "  vf serve peak memory after answering: %.0f MB at %dk (target ≤ 300)", largeAPI.peakMB, large / 1000))
} catch {
    say("  API: \(error)")
}

let listing = try run(["resources", "--json", "--home", largeHome.path])
let listed = listing.stdout.components(separatedBy: "\"createdBy\"").count - 1
say(String(format: "  vf resources --json at %dk: %d rows in %.2f s, %.0f rows/s (target ≥ 100,000); peak %.0f MB (target ≤ 150)",
           large / 1000, listed, listing.seconds, Double(listed) / listing.seconds, listing.peakMB))

}

// Bulk entry into the large home: plain notes, then events in order, then events back-dated
// (each stated before every line before it), then events back-dated onto shared resources.
func linesFile(_ name: String, _ make: (Int) -> String, count: Int) throws -> String {
    let path = root + "/\(name).jsonl"
    var text = ""
    text.reserveCapacity(count * 300)
    for n in 0..<count { text += make(n) + "\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
let base: Int64 = 1_800_100_000_000
let notes = try linesFile("notes", { #"{"note":"line \#($0)","n":\#($0)}"# }, count: lines)
let inOrder = try linesFile("in-order", { produce(largeHome.me, time: iso(base + Int64($0) * 1000), $0) }, count: lines)
let backDated = try linesFile("back-dated", { produce(largeHome.me, time: iso(base - Int64($0) * 1000), $0) }, count: lines)
let notesRun = try run(["publish", "--lines", "-", "--home", largeHome.path], stdinFile: notes)
if notesRun.status != 0 { throw BenchError("vf publish --lines (notes) failed") }
let notesRate = Double(lines) / notesRun.seconds
let graphPath = largeHome.path + "/graph.sqlite"
/// Runs `vf publish --lines` of `file` (`count` lines) into the large home, and measures what
/// SQLite alone takes to write the graph rows it added (``GraphSnapshot/floor``).
@MainActor func bulkRun(_ file: String, count: Int, json: Bool = false) throws -> (run: Run, floor: Double) {
    let before = try GraphSnapshot(of: graphPath, into: root)
    defer { before.remove() }
    let r = try run(["publish", "--lines", "-"] + (json ? ["--json"] : []) + ["--home", largeHome.path], stdinFile: file)
    if r.status != 0 { throw BenchError("vf publish --lines of \(file) failed") }
    return (r, try before.floor(after: graphPath, lines: count, directory: root))
}
let (inOrderRun, inOrderFloor) = try bulkRun(inOrder, count: lines, json: true)
let (backDatedRun, backDatedFloor) = try bulkRun(backDated, count: lines)
/// The rate of `r` over plain notes'; and the most it could reach writing the rows it wrote if
/// the log's work and the graph's ran one after the other: the notes' time for as many lines
/// plus SQLite alone writing the graph's rows. `vf publish --lines` overlaps them (the log
/// stores a batch while the graph checks the next), so it can pass this.
@MainActor func bulk(_ name: String, _ r: Run, floor: Double, count: Int = lines) {
    let rate = Double(count) / r.seconds
    let notesSeconds = notesRun.seconds * Double(count) / Double(lines)
    let ceiling = notesSeconds / (notesSeconds + floor)
    say(String(format: "  vf publish --lines, %d %@: %.0f lines/s, %.2f × plain notes (target ≥ 0.5); peak %.0f MB",
               count, name as NSString, rate, rate / notesRate, r.peakMB))
    say(String(format: "      SQLite alone writing the graph rows they added: %.1f s, so at most %.2f × plain notes, the log's and the graph's work one after the other",
               floor, ceiling))
}
say(String(format: "  vf publish --lines, %d plain notes: %.0f lines/s; peak %.0f MB", lines, notesRate, notesRun.peakMB))
bulk("events in order", inOrderRun, floor: inOrderFloor)
bulk("events back-dated", backDatedRun, floor: backDatedFloor)
// Back-dated onto the same resources: raises of 1,000 lots just made, at times among their
// other events, so each lands before later events on its lot and those fold again.
/// The values of `key` in the JSON lines `vf publish --lines --json` printed.
func printed(_ key: String, in output: String) -> [String] {
    output.split(separator: "\n").compactMap { line -> String? in
        guard let range = line.range(of: "\"\(key)\":\"") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
}
let madeLots = printed("createdResource", in: inOrderRun.stdout)
let lots = madeLots.prefix(1000)
let sharedCount = lines / 10
let shared = try linesFile("shared", { n in
    let lot = lots[lots.startIndex + n % lots.count]
    return #"{"@type":"EconomicEvent","action":"raise","provider":"\#(largeHome.me)","receiver":"\#(largeHome.me)","hasPointInTime":"\#(iso(base + Int64((n * 7919) % lines) * 1000 - 500))","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(lot)"}"#
}, count: sharedCount)
let (sharedRun, sharedFloor) = try bulkRun(shared, count: sharedCount)
bulk("raises back-dated onto 1,000 lots", sharedRun, floor: sharedFloor, count: sharedCount)
// Steps of processes: processes first (their ids are known only once signed), then into each
// an input (a consume of a lot made above) and an output (a produce of a new lot).
let stepCount = lines / 10
let processLines = try linesFile("processes", { #"{"@type":"Process","name":"step \#($0)"}"# }, count: stepCount)
let (processRun, processFloor) = try bulkRun(processLines, count: stepCount, json: true)
let processIDs = printed("id", in: processRun.stdout)
guard processIDs.count == stepCount, madeLots.count >= stepCount else { throw BenchError("vf publish --lines (processes) failed") }
let steps = try linesFile("steps", { n in
    let (process, lot, time) = (processIDs[n / 2], madeLots[n / 2], iso(base + Int64(lines + n) * 1000))
    return n % 2 == 0
        ? #"{"@type":"EconomicEvent","action":"consume","provider":"\#(largeHome.me)","receiver":"\#(largeHome.me)","hasPointInTime":"\#(time)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(lot)","inputOf":"\#(process)"}"#
        : #"{"@type":"EconomicEvent","action":"produce","provider":"\#(largeHome.me)","receiver":"\#(largeHome.me)","hasPointInTime":"\#(time)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"newInventoriedResource":{"name":"made \#(n)"},"outputOf":"\#(process)"}"#
}, count: stepCount * 2)
let (stepsRun, stepsFloor) = try bulkRun(steps, count: stepCount * 2)
bulk("processes", processRun, floor: processFloor, count: stepCount)
bulk("inputs and outputs of those processes", stepsRun, floor: stepsFloor, count: stepCount * 2)

// vf import of other feeds' events: each made in a home of its own and exported as a bundle,
// imported into the large home, and folded into its graph by the next read (`vf agents`), as a
// peer's events are. A feed of 10,000 lines, then one of 100,000 (so each bundle holds only its
// own), in order and back-dated: time per line at 100,000 over time per line at 10,000 is 1
// when it is linear.
@MainActor func importRuns(_ name: String, time: @escaping (Int) -> String) throws {
    var perLine: [Double] = []
    var done = 0
    for count in [lines / 10, lines] {
        let home = root + "/other-\(name)-\(count)"
        let me = try run(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let file = try linesFile("other-\(name)-\(done)", { produce(me, time: time(done + $0), done + $0) }, count: count)
        let made = try run(["publish", "--lines", "-", "--home", home], stdinFile: file)
        let bundle = root + "/other-\(name)-\(done).bundle"
        let exported = try run(["export", "--author", me, "--out", bundle, "--home", home])
        guard made.status == 0, exported.status == 0 else { throw BenchError("cannot make the \(name) bundle") }
        let imported = try run(["import", bundle, "--home", largeHome.path])
        let folded = try run(["agents", "--home", largeHome.path])
        guard imported.status == 0, folded.status == 0 else { throw BenchError("vf import of the \(name) bundle failed") }
        let seconds = imported.seconds + folded.seconds
        perLine.append(seconds / Double(count))
        say(String(format: "  vf import of %d events %@ of another feed: %.1f s, then folded by the next read: %.1f s; %.0f lines/s; peak %.0f MB, %.0f MB",
                   count, name as NSString, imported.seconds, folded.seconds, Double(count) / seconds, imported.peakMB, folded.peakMB))
        done += count
    }
    say(String(format: "      time per line at %d ÷ at %d: %.2f (1 when linear)", lines, lines / 10, perLine[1] / perLine[0]))
}
try importRuns("in order", time: { iso(base + Int64(2 * lines + $0) * 1000) })
try importRuns("back-dated", time: { iso(base - Int64(2 * lines + $0) * 1000) })
