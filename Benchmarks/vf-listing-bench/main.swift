// vf-listing-bench: a listing of many resources, read from the graph's tables a page at a
// time and written as JSON, in rows per second: the reads alone, the JSON alone, and both, as
// `vf resources --json` and `GET /api/resources` do them. The JSON must keep up with 100,000
// rows a second. With KEEP=DIR the node home stays there, for timing `vf resources` on it.
import Dispatch
import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFShapes

let resourceCount = Int(ProcessInfo.processInfo.environment["RESOURCES"] ?? "100000")!
let kept = ProcessInfo.processInfo.environment["KEEP"]
let root = kept ?? NSTemporaryDirectory() + "vf-listing-bench-" + UUID().uuidString
defer { if kept == nil { try? FileManager.default.removeItem(atPath: root) } }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let home = NodeHome(path: root)
let log: LogStore
if FileManager.default.fileExists(atPath: home.secretKeyPath) {
    log = try home.openStore()
    print("reusing the home in \(root)")
} else {
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let key = try home.initialize()
    log = try home.openStore()
    let me = key.feed.description
    print("preparing \(resourceCount) resources in \(root) …")
    var batch: [[UInt8]] = []
    for n in 0 ..< resourceCount {
        // Names with the text JSON must escape: quotes, a slash, non-ASCII.
        let payload: [String: Any] = [
            "@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
            "resourceQuantity": ["hasNumericalValue": "\(n % 977).25", "hasUnit": "kilogram"],
            "newInventoriedResource": ["name": "crate \"\(n)\" of wheat/barley, Äpfel", "trackingIdentifier": "lot-\(n)"],
            "toLocation": "barn \(n % 13)",
        ]
        batch.append([UInt8](try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])))
        if batch.count == 5000 {
            try log.appendBatch(batch, key: key)
            batch.removeAll(keepingCapacity: true)
        }
    }
    try log.appendBatch(batch, key: key)
}
let store = try GraphStore(home: home)
let rebuild = try seconds { try store.update(from: log) }
let reader = store.reader(log: log)
let total = try reader.counts().resources
print(String(format: "  graph tables brought up to date            %10.2f s", rebuild))

// The pages, as a listing reads them.
var pages: [[EconomicResource]] = []
let readSeconds = try seconds {
    var after: ResourceID?
    while true {
        let page = try reader.resources(after: after, limit: GraphReader.maximumPage)
        guard let last = page.last else { break }
        pages.append(page)
        after = last.id
    }
}
let rows = pages.reduce(0) { $0 + $1.count }
precondition(rows == total, "read \(rows) of \(total) resources")

// The JSON, a page at a time into one writer, taken after each page as a listing prints it.
var bytes = 0
var writeSeconds = Double.infinity
for _ in 0 ..< 3 {
    bytes = 0
    writeSeconds = min(writeSeconds, seconds {
        var writer = JSONWriter(capacity: 1 << 20)
        writer.beginArray()
        for page in pages {
            for resource in page { GraphJSON.resource(resource, to: &writer) }
            bytes += writer.take().count
        }
        writer.endArray()
        bytes += writer.take().count
    })
}

let readRate = Double(rows) / readSeconds, writeRate = Double(rows) / writeSeconds
let bothRate = Double(rows) / (readSeconds + writeSeconds)
print(String(format: "  read %d resources, pages of %d         %10.0f rows/s   (%.3f s)", rows, GraphReader.maximumPage, readRate, readSeconds))
print(String(format: "  write them as JSON (%.1f MB)                %10.0f rows/s   (%.3f s, %.0f MB/s)", Double(bytes) / 1e6, writeRate,
             writeSeconds, Double(bytes) / 1e6 / writeSeconds))
print(String(format: "  read + write                                %10.0f rows/s", bothRate))
print("  JSON at ≥ 100,000 rows/s: \(writeRate >= 100_000 ? "yes" : "NO")")
if writeRate < 100_000 { exit(1) }
