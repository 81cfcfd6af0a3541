// vf-proof-bench: provenance proofs (issue 14). Three feeds of N entries each (N = 1,000,
// 10,000 and 100,000 by default) hold a chain of 30 events — on each feed in turn a process
// consumes what the previous feed sent and produces something it sends on — spread evenly
// among notes. For each N: the proof of the chain's last resource, its size and entry count,
// and the time to check it in this process, with `vf proof check` (release), and with
// libsodium verifying the proof's signatures alone in the same run (the floor), as a ratio.
import Dispatch
import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFProof

let sizes = (ProcessInfo.processInfo.environment["PROOF_FEED_SIZES"] ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
let vf = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vf").path
let root = NSTemporaryDirectory() + "vf-proof-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { if ProcessInfo.processInfo.environment["PROOF_KEEP"] != "1" { try? FileManager.default.removeItem(atPath: root) } }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func say(_ text: String) { print(text); fflush(nil) }
func json(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Three feeds of `perFeed` entries with the 30-event chain; returns the log and the last resource.
func build(perFeed: Int, in directory: String) throws -> (LogStore, ResourceID) {
    let log = try LogStore(path: directory + "/log.sqlite")
    let keys = (0..<3).map { _ in SigningKey() }
    var counts = [0, 0, 0]
    func fill(_ f: Int, to target: Int) throws {
        var payloads: [[UInt8]] = []
        while counts[f] + payloads.count < target { payloads.append(json(#"{"note":"filler \#(counts[f] + payloads.count)","n":\#(counts[f] + payloads.count)}"#)) }
        var start = 0
        while start < payloads.count {
            let end = min(start + 4096, payloads.count)
            _ = try log.appendBatch(Array(payloads[start..<end]), key: keys[f])
            start = end
        }
        counts[f] += payloads.count
    }
    func post(_ f: Int, _ text: String) throws -> EntryID {
        counts[f] += 1
        return try log.append(json(text), key: keys[f]).entry.id
    }
    let rounds = 10
    var resource: ResourceID?
    for k in 0..<rounds {
        let f = k % 3, me = keys[f].feed.description, next = keys[(k + 1) % 3].feed.description
        try fill(f, to: (k / 3 + 1) * perFeed / (rounds / 3 + 2))
        let process = try post(f, #"{"@type":"Process","name":"step \#(k)"}"#)
        if let input = resource {
            _ = try post(f, #"{"@type":"EconomicEvent","action":"consume","provider":"\#(me)","receiver":"\#(me)","resourceInventoriedAs":"\#(input)","resourceQuantity":{"hasNumericalValue":"10","hasUnit":"kg"},"inputOf":"\#(process)"}"#)
        } else {
            _ = try post(f, #"{"@type":"EconomicEvent","action":"work","provider":"\#(me)","receiver":"\#(me)","effortQuantity":{"hasNumericalValue":"8","hasUnit":"hour"},"inputOf":"\#(process)"}"#)
        }
        let made = ResourceID(createdBy: try post(f, #"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","resourceQuantity":{"hasNumericalValue":"10","hasUnit":"kg"},"outputOf":"\#(process)","newInventoriedResource":{"name":"lot \#(k)"}}"#))
        resource = ResourceID(createdBy: try post(f, #"{"@type":"EconomicEvent","action":"transfer","provider":"\#(me)","receiver":"\#(next)","resourceInventoriedAs":"\#(made)","resourceQuantity":{"hasNumericalValue":"10","hasUnit":"kg"},"newInventoriedResource":{"name":"lot \#(k) delivered"}}"#))
    }
    for f in 0..<3 { try fill(f, to: perFeed) }
    return (log, resource!)
}

say("vf-proof-bench: a chain of 30 events across 3 feeds of N entries each")
var previousSize: Int?
for perFeed in sizes {
    let directory = root + "/n\(perFeed)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let (log, last) = try build(perFeed: perFeed, in: directory)
    let store = try GraphStore(path: directory + "/graph.sqlite")
    try store.update(from: log)
    let reader = store.reader(log: log)
    let proveStart = now()
    let proof = try ProofBuilder(reader: reader, log: log).prove(.resource(last), at: 1_900_000_000_000)
    let proveSeconds = now() - proveStart
    let bytes = proof.encoded()
    let file = directory + "/proof.json"
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else { fatalError("cannot write \(file)") }
    var checks: [Double] = [], floors: [Double] = []
    for _ in 0..<5 {
        let start = now()
        let report = ProofCheck.check(try ProofFile.decode(bytes))
        checks.append(now() - start)
        precondition(report.holds, "the proof holds: \(report.failures)")
        let floorStart = now()
        for signed in proof.entries { precondition(signed.entry.hasValidSignature()) }
        floors.append(now() - floorStart)
    }
    var cli: [Double] = []
    for _ in 0..<3 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: vf)
        process.arguments = ["proof", "check", file]
        process.standardOutput = FileHandle.nullDevice
        let start = now()
        try process.run()
        process.waitUntilExit()
        cli.append(now() - start)
        precondition(process.terminationStatus == 0, "vf proof check holds")
    }
    let withPayload = proof.entries.filter { $0.payload != nil }.count
    let growth = previousSize.map { String(format: " (×%.2f the size before)", Double(bytes.count) / Double($0)) } ?? ""
    previousSize = bytes.count
    say(String(format: "  N = %7d: proof %7d bytes%@, %d entries (%d with payloads), trace of %d steps; made in %.3f s",
               perFeed, bytes.count, growth as NSString, proof.entries.count, withPayload, proof.trace.count, proveSeconds))
    say(String(format: "             check in process %.2f ms; libsodium verifying its %d signatures alone %.2f ms (ratio %.1f); vf proof check %.0f ms (a process, start-up included)",
               median(checks) * 1000, proof.entries.count, median(floors) * 1000, median(checks) / median(floors), median(cli) * 1000))
    if ProcessInfo.processInfo.environment["PROOF_KEEP"] == "1" { say("             kept: \(file)") }
}
