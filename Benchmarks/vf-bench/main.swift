// vf-bench: the log's throughput measured against libsodium's own speeds in the same run.
//
// Machines here are noisy and absolute times drift, so every figure is printed with its
// ratio to the raw libsodium rate measured moments before on the same machine.
import CSodium
import Dispatch
import Foundation
import VFLog

struct Measurement {
    let name: String
    let perSecond: Double
}

func measure(_ name: String, count: Int, _ body: () throws -> Void) rethrows -> Measurement {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Measurement(name: name, perSecond: Double(count) / seconds)
}

/// Best of `rounds`: the least disturbed run is the closest to what the code can do.
func best(_ rounds: Int, _ body: () throws -> Measurement) rethrows -> Measurement {
    var results: [Measurement] = []
    for _ in 0..<rounds { results.append(try body()) }
    return results.max { $0.perSecond < $1.perSecond }!
}

let arguments = CommandLine.arguments
let entryCount = arguments.count > 1 ? Int(arguments[1]) ?? 50_000 : 50_000
let cores = ProcessInfo.processInfo.activeProcessorCount
precondition(sodium_init() >= 0)

// A realistic payload: one ValueFlows event of about 200 bytes.
func payload(_ i: Int) -> [UInt8] {
    Array(#"{"@type":"EconomicEvent","action":"produce","provider":"@A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=.ed25519","resourceQuantity":{"hasNumericalValue":"\#(i)","hasUnit":"kilogram"},"note":"bench"}"#.utf8)
}

// Raw libsodium: sign and verify messages the size of an entry's signed part.
var pk = [UInt8](repeating: 0, count: 32), sk = [UInt8](repeating: 0, count: 64)
crypto_sign_keypair(&pk, &sk)
let message = [UInt8](repeating: 7, count: 149)
var signature = [UInt8](repeating: 0, count: 64)
let rawCount = 20_000
let rawSign = best(3) {
    measure("libsodium Ed25519 sign (1 core)", count: rawCount) {
        for _ in 0..<rawCount { crypto_sign_detached(&signature, nil, message, UInt64(message.count), sk) }
    }
}
let rawVerify = best(3) {
    measure("libsodium Ed25519 verify (1 core)", count: rawCount) {
        for _ in 0..<rawCount { precondition(crypto_sign_verify_detached(signature, message, UInt64(message.count), pk) == 0) }
    }
}
let rawVerifyAll = best(3) {
    measure("libsodium Ed25519 verify (\(cores) cores)", count: rawCount) {
        let sig = signature, msg = message, key = pk
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            for _ in 0..<(rawCount / cores) { precondition(crypto_sign_verify_detached(sig, msg, UInt64(msg.count), key) == 0) }
        }
    }
}

// The log: bulk append (validate, hash, sign, durable store) and bulk ingest (verify, store).
let dir = NSTemporaryDirectory() + "vf-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }
let payloads = (0..<entryCount).map(payload)
let key = SigningKey()
func freshStore() throws -> LogStore {
    try LogStore(path: "\(dir)/\(UUID().uuidString).sqlite")
}

let appendBatch = Int(ProcessInfo.processInfo.environment["APPEND_BATCH"] ?? "4096")!
let ingestBatch = 4096
let rounds = 5

/// One round: each log figure is taken right after the raw rate it is compared with, so a
/// change in the machine's speed between rounds moves both. The median ratio is reported.
struct Round {
    let sign, append, verify, ingest, verifyStore: Measurement
}
var roundsDone: [Round] = []
for _ in 0..<rounds {
    let sign = measure("libsodium Ed25519 sign (1 core)", count: rawCount / 4) {
        for _ in 0..<(rawCount / 4) { crypto_sign_detached(&signature, nil, message, UInt64(message.count), sk) }
    }
    let store = try freshStore()
    let author = SigningKey()
    let append = try measure("bulk append, \(appendBatch)/transaction", count: entryCount) {
        for start in stride(from: 0, to: entryCount, by: appendBatch) {
            try store.appendBatch(Array(payloads[start..<min(start + appendBatch, entryCount)]), key: author)
        }
    }
    let signedEntries = try store.entries(author: author.feed)
    precondition(signedEntries.count == entryCount)
    let verify = measure("libsodium Ed25519 verify (1 core)", count: rawCount / 4) {
        for _ in 0..<(rawCount / 4) { precondition(crypto_sign_verify_detached(signature, message, UInt64(message.count), pk) == 0) }
    }
    let target = try freshStore()
    let ingest = try measure("bulk ingest, \(ingestBatch)/transaction", count: entryCount) {
        for start in stride(from: 0, to: entryCount, by: ingestBatch) {
            let report = try target.ingest(Array(signedEntries[start..<min(start + ingestBatch, entryCount)]))
            precondition(report.rejected.isEmpty && report.stored.count == min(ingestBatch, entryCount - start))
        }
    }
    let verifyStore = try measure("vf verify (re-verify the store)", count: entryCount) {
        let valid = try target.verifyAll().isValid
        precondition(valid)
    }
    roundsDone.append(Round(sign: sign, append: append, verify: verify, ingest: ingest, verifyStore: verifyStore))
}

func rate(_ m: Measurement) -> String { String(format: "%10.0f /s", m.perSecond) }

print("vf-bench: \(entryCount) entries of \(payloads[0].count)-byte payloads, \(cores) cores, release build, \(rounds) rounds")
print("")
for m in [rawSign, rawVerify, rawVerifyAll] { print("  \(m.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(rate(m))  (best of 3)") }
print("")
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let rows: [(String, (Round) -> Measurement, (Round) -> Measurement, Double?)] = [
    ("bulk append, \(appendBatch)/transaction", \.append, \.sign, 0.6),
    ("bulk ingest, \(ingestBatch)/transaction", \.ingest, \.verify, 0.8),
    ("vf verify (re-verify the store)", \.verifyStore, \.verify, nil),
]
var missed = false
for (name, figure, base, target) in rows {
    let r = median(roundsDone.map { figure($0).perSecond / base($0).perSecond })
    let perSecond = median(roundsDone.map { figure($0).perSecond })
    var line = "  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%10.0f /s", perSecond))   "
        + String(format: "%.2f", r) + " × \(base(roundsDone[0]).name)"
    if let target {
        let ok = r >= target
        missed = missed || !ok
        line += ok ? "   (target ≥ \(target): met)" : "   (target ≥ \(target): MISSED)"
    }
    print(line)
}
print("")
print("  ratios per round (append/sign, ingest/verify): " + roundsDone.map {
    String(format: "%.2f/%.2f", $0.append.perSecond / $0.sign.perSecond, $0.ingest.perSecond / $0.verify.perSecond)
}.joined(separator: "  "))
if arguments.contains("--check") && missed { exit(1) }

