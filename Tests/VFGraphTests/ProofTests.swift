import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore
@testable import VFProof

/// Provenance proofs (issue 14, docs/protocol.md §17): a proof made by a node holds, read back
/// from its bytes, with nothing but the file; any tampering, a missing entry, a path that does
/// not connect or a figure that does not derive again is reported, precisely.
final class ProofTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-proof-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// The farm grows wheat (with notes before it, so its feed is long enough to have lipmaa
    /// jumps), sells 400 kg to the mill, which mills it into flour; the bakery bakes bread.
    /// Meanwhile the farm sells 100 kg to someone else, which changes the wheat's figures.
    private struct Chain {
        let log: LogStore
        let reader: GraphReader
        let bread: ResourceID, wheat: ResourceID, flour: ResourceID
        let net: SignedNetwork
    }

    private func chain(notes: Int = 40) throws -> Chain {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        for n in 0..<notes { try net.post("farm", ["note": .string("before \(n)")]) }
        try net.post("farm", ["@type": "Person", "@id": .string(net.id("farm")), "name": "Hillside Farm"])
        let growing = try net.post("farm", ["@type": "Process", "name": "growing"])
        let wheat = ResourceID(createdBy: try net.event("produce", provider: "farm", [
            "resourceQuantity": qty("1000", "kg"), "outputOf": ref(growing), "newInventoriedResource": ["name": "wheat"]]))
        let toMill = ResourceID(createdBy: try net.event("transfer", provider: "farm", receiver: "mill", [
            "resourceQuantity": qty("400", "kg"), "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "mill wheat"]]))
        try net.event("transfer", provider: "farm", receiver: "bakery", [
            "resourceQuantity": qty("100", "kg"), "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "bakery wheat"]])
        for n in 0..<notes { try net.post("farm", ["note": .string("after \(n)")]) }
        let milling = try net.post("mill", ["@type": "Process", "name": "milling"])
        try net.event("consume", provider: "mill", ["resourceQuantity": qty("400", "kg"), "resourceInventoriedAs": ref(toMill), "inputOf": ref(milling)])
        let flour = ResourceID(createdBy: try net.event("produce", provider: "mill", [
            "resourceQuantity": qty("300", "kg"), "outputOf": ref(milling), "newInventoriedResource": ["name": "flour"]]))
        let toBakery = ResourceID(createdBy: try net.event("transfer", provider: "mill", receiver: "bakery", [
            "resourceQuantity": qty("300", "kg"), "resourceInventoriedAs": ref(flour), "newInventoriedResource": ["name": "bakery flour"]]))
        let baking = try net.post("bakery", ["@type": "Process", "name": "baking"])
        try net.event("consume", provider: "bakery", ["resourceQuantity": qty("300", "kg"), "resourceInventoriedAs": ref(toBakery), "inputOf": ref(baking)])
        let bread = ResourceID(createdBy: try net.event("produce", provider: "bakery", [
            "resourceQuantity": qty("500", "each"), "outputOf": ref(baking), "newInventoriedResource": ["name": "bread"]]))
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: log)
        return Chain(log: log, reader: store.reader(log: log), bread: bread, wheat: wheat, flour: flour, net: net)
    }

    private func prove(_ c: Chain, _ subject: FlowItem) throws -> ProofFile {
        let made = try ProofBuilder(reader: c.reader, log: c.log).prove(subject, at: 1_900_000_000_000)
        // What is checked is what the file says, read back from its bytes.
        let read = try ProofFile.decode(made.encoded())
        XCTAssertEqual(read, made)
        return read
    }

    func testAProofOfBreadHoldsAndRederivesItsTraceAndFigures() throws {
        let c = try chain()
        let proof = try prove(c, .resource(c.bread))
        let report = ProofCheck.check(proof)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.steps.map(\.item), try c.reader.trace(from: .resource(c.bread)).map { ProofFile.text($0.item) })
        XCTAssertTrue(report.steps.contains { $0.kind == "process" && $0.summary == "growing" }, "the trace reaches the field")
        let farmEvent = try XCTUnwrap(report.steps.first { $0.kind == "event" && $0.signer == c.net.key("farm").feed })
        XCTAssertEqual(farmEvent.signerName, "Hillside Farm")
        XCTAssertEqual(proof.resources.first { $0.id == c.wheat }?.onhandQuantity, dec("500"), "1000 − 400 − 100: the sale to the bakery is in the proof")
        // Logarithmic, not the whole feed: 80 notes are not there, though their certificate links are.
        let farmEntries = proof.entries.filter { $0.entry.author == c.net.key("farm").feed }
        XCTAssertLessThan(farmEntries.count, 30)
        XCTAssertEqual(proof.feeds.count, 3)
    }

    func testAProofThatWouldHoldTooMuchIsRefused() throws {
        let c = try chain(notes: 0)
        XCTAssertThrowsError(try ProofBuilder(reader: c.reader, log: c.log, limit: 5).prove(.resource(c.bread), at: 0)) { error in
            XCTAssertEqual("\(error)", "the proof would hold more than 5 events: what the trace reaches depends on too much of the graph")
        }
        XCTAssertNoThrow(try ProofBuilder(reader: c.reader, log: c.log, limit: 20).prove(.resource(c.bread), at: 0))
        // At exactly as many events as the proof holds it is made: the walk's bound on steps
        // (2 × limit + 1) cuts no trace whose events fit.
        let proof = try ProofBuilder(reader: c.reader, log: c.log, limit: 20).prove(.resource(c.bread), at: 0)
        let events = proof.entries.filter { signed in
            signed.payload.map { String(decoding: $0, as: UTF8.self).contains(#""@type":"EconomicEvent""#) } ?? false
        }.count
        XCTAssertNoThrow(try ProofBuilder(reader: c.reader, log: c.log, limit: events).prove(.resource(c.bread), at: 0))
        XCTAssertThrowsError(try ProofBuilder(reader: c.reader, log: c.log, limit: events - 1).prove(.resource(c.bread), at: 0))
        XCTAssertGreaterThan(proof.trace.count, events, "the trace has more steps than events: a bound of limit steps would refuse it")
    }

    func testTamperingIsReportedPrecisely() throws {
        let c = try chain()
        let proof = try prove(c, .resource(c.bread))
        func tampered(_ change: (inout [SignedEntry]) -> Void, claims: [ProofFile.ResourceClaim]? = nil) -> [String] {
            var entries = proof.entries
            change(&entries)
            return ProofCheck.check(ProofFile(subject: proof.subject, provedAt: proof.provedAt, feeds: proof.feeds, entries: entries,
                                              trace: proof.trace, resources: claims ?? proof.resources)).failures
        }
        // A payload changed: 500 loaves become 5000.
        let produce = try XCTUnwrap(proof.entries.firstIndex { $0.payload.map { String(decoding: $0, as: UTF8.self).contains("\"bread\"") } ?? false })
        var failures = tampered { entries in
            let text = String(decoding: entries[produce].payload!, as: UTF8.self).replacingOccurrences(of: ":500", with: ":5000")
            entries[produce] = SignedEntry(entry: entries[produce].entry, payload: Array(text.utf8))
        }
        XCTAssertTrue(failures.contains { $0.contains("#\(proof.entries[produce].entry.sequence)") && $0.contains("bytes but the entry claims") }, "\(failures)")
        // A signature forged: the last byte flipped.
        failures = tampered { entries in
            var bytes = entries[produce].entry.encoded
            bytes[bytes.count - 1] ^= 1
            entries[produce] = SignedEntry(entry: try! EntryCodec.decode(bytes), payload: entries[produce].payload)
        }
        XCTAssertTrue(failures.contains { $0.contains("signature") }, "\(failures)")
        // An entry on a certificate path left out: the farm's events no longer connect to its head.
        let farm = c.net.key("farm").feed
        let head = try XCTUnwrap(proof.feeds.first { $0.author == farm }?.head)
        let link = try XCTUnwrap(proof.entries.first { $0.entry.author == farm && $0.payload == nil && $0.entry.sequence < head && $0.entry.sequence > 1 })
        failures = tampered { entries in entries.removeAll { $0.entry.id == link.entry.id } }
        XCTAssertTrue(failures.contains { $0.contains("no chain of links from the head") }, "\(failures)")
        // The sale to the bakery left out: the wheat's figures do not derive again.
        let sale = try XCTUnwrap(proof.entries.first { $0.payload.map { String(decoding: $0, as: UTF8.self).contains("bakery wheat") } ?? false })
        failures = tampered { entries in
            if let i = entries.firstIndex(where: { $0.entry.id == sale.entry.id }) { entries[i] = SignedEntry(entry: entries[i].entry, payload: nil) }
        }
        XCTAssertTrue(failures.contains { $0.contains("resource \(c.wheat) derives as 600 accounting") && $0.contains("claims 500") }, "\(failures)")
        // A figure claimed that is not so.
        let claims = proof.resources.map { $0.id == c.flour ? ProofFile.ResourceClaim(id: $0.id, unit: "kg", accountingQuantity: dec("300"), onhandQuantity: dec("300")) : $0 }
        failures = tampered({ _ in }, claims: claims)
        XCTAssertEqual(failures, ["resource \(c.flour) derives as 0 accounting, 0 onhand kg, but the proof claims 300 accounting, 300 onhand kg"])
        // Nothing at all: a trace starts from its subject whatever holds it, so the subject must derive.
        let empty = ProofCheck.check(ProofFile(subject: proof.subject, provedAt: 0, feeds: [], entries: [], trace: [proof.trace[0]], resources: []))
        XCTAssertEqual(empty.failures, ["the subject \(c.bread) does not derive from the proof's entries",
                                        "resource \(c.bread) is in the trace but the proof claims no figures for it"])
        let event = try XCTUnwrap(proof.trace.first { !$0.hasSuffix("res") })
        let emptyEvent = ProofCheck.check(ProofFile(subject: try ProofFile.item(event, "test"), provedAt: 0, feeds: [], entries: [], trace: [event], resources: []))
        XCTAssertEqual(emptyEvent.failures, ["the subject \(event) does not derive from the proof's entries", "trace step \(event) is not among the proof's entries with payloads"])
        // An entry of a feed the proof does not list.
        let stranger = try c.net.source.append(Array(#"{"note":"x"}"#.utf8), key: SigningKey())
        failures = tampered { entries in entries.append(stranger) }
        XCTAssertTrue(failures.contains { $0.contains("its feed is not listed") }, "\(failures)")
    }

    func testMalformedFilesAreRefusedWithTheReason() throws {
        let c = try chain(notes: 0)
        let good = String(decoding: try prove(c, .resource(c.flour)).encoded(), as: UTF8.self)
        func reason(_ text: String) -> String {
            do { _ = try ProofFile.decode(Array(text.utf8)); return "accepted" } catch { return error.description }
        }
        XCTAssertEqual(reason(good.replacingOccurrences(of: #""vfProof":1"#, with: #""vfProof":2"#)), "vfProof is not 1: this checker reads version 1")
        XCTAssertEqual(reason(good.replacingOccurrences(of: #""forked":false"#, with: #""forked":"no""#)), "feeds[0].forked is not true or false")
        XCTAssertEqual(reason(good.replacingOccurrences(of: #""claims":{"#, with: #""claims":{"extra":1,"#)), "claims has an unknown member \"extra\"")
        XCTAssertTrue(reason(good.replacingOccurrences(of: #"[[""#, with: #"[["!"#)).hasPrefix("entries[0]: the entry is not base64"))
        XCTAssertTrue(reason(String(good.prefix(good.count / 2))).hasPrefix("not JSON"))
        XCTAssertEqual(reason("[]"), "the proof is not an object")
        // Millions of tiny values (6 MB here, a tree of hundreds of MB once built) are refused
        // while they are read: more than any proof holds.
        let zeros = "[" + String(repeating: "0,", count: 2_800_100) + "0]"
        XCTAssertTrue(reason(zeros).hasPrefix("not JSON: invalid JSON at byte"), reason(zeros))
        XCTAssertTrue(reason(zeros).hasSuffix("more than 2800064 values"), reason(zeros))
        // One entry twice is no fork proof; base64 has one spelling (unused bits zero).
        let proof = try ProofFile.decode(Array(good.utf8))
        let first = Data(proof.entries[0].entry.encoded).base64EncodedString()
        XCTAssertEqual(reason(good.replacingOccurrences(of: #"[["\#(first)""#, with: #"[["\#(first)",null],["\#(first)""#)),
                       "entries[1] repeats entries[0]")
        let payload = Data(try XCTUnwrap(proof.entries.first { $0.payload != nil }?.payload)).base64EncodedString()
        let index = try XCTUnwrap(proof.entries.firstIndex { $0.payload != nil })
        guard payload.hasSuffix("=") else { return }
        let last = payload.dropLast(payload.hasSuffix("==") ? 2 : 1).last!
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let sloppy = String(payload.dropLast(payload.hasSuffix("==") ? 3 : 2)) + String(alphabet[alphabet.firstIndex(of: last)! + 1]) + (payload.hasSuffix("==") ? "==" : "=")
        XCTAssertEqual(reason(good.replacingOccurrences(of: payload, with: sloppy)), "entries[\(index)]: the payload is not base64 of at most 65536 bytes")
    }

    func testAProofOfAnEventAndOfAForkedFeed() throws {
        let c = try chain(notes: 3)
        // The mill signs two different entries #1: a fork the node holds a proof of.
        let mill = c.net.key("mill")
        let other = try LogStore(path: directory + "/other.sqlite")
        let forged = try other.append(Array(#"{"note":"another first entry"}"#.utf8), key: mill)
        _ = try? c.log.ingest([forged])
        XCTAssertEqual(try c.log.forkProofs(author: mill.feed).count, 1)
        let milled = try XCTUnwrap(try c.reader.events(touching: c.flour).first).id
        let proof = try prove(c, .event(milled))
        XCTAssertEqual(proof.feeds.first { $0.author == mill.feed }?.forked, true)
        let report = ProofCheck.check(proof)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.forkedFeeds, [mill.feed])
        // Saying the feed is not forked is caught.
        let denied = ProofFile(subject: proof.subject, provedAt: proof.provedAt,
                               feeds: proof.feeds.map { ProofFile.Feed(author: $0.author, head: $0.head, forked: false) },
                               entries: proof.entries, trace: proof.trace, resources: proof.resources)
        XCTAssertTrue(ProofCheck.check(denied).failures.contains { $0.contains("it is forked, but the proof says not") })
    }

    /// The half of a fork the head does not reach is not in the feed's history: a checker does not
    /// derive it, even when the proof gives its payload (here a raise of the flour by 50 kg).
    func testTheOtherHalfOfAForkIsNotDerived() throws {
        let c = try chain(notes: 3)
        let mill = c.net.key("mill")
        let other = try LogStore(path: directory + "/other.sqlite")
        let raise = Array(#"{"@type":"EconomicEvent","action":"raise","provider":"\#(mill.feed)","receiver":"\#(mill.feed)","resourceQuantity":{"hasNumericalValue":"50","hasUnit":"kg"},"resourceInventoriedAs":"\#(c.flour)"}"#.utf8)
        let forged = try other.append(raise, key: mill)
        _ = try? c.log.ingest([forged])
        let proof = try prove(c, .resource(c.flour))
        let index = try XCTUnwrap(proof.entries.firstIndex { $0.entry.id == forged.entry.id })
        var entries = proof.entries
        entries[index] = SignedEntry(entry: forged.entry, payload: raise)
        let withPayload = ProofFile(subject: proof.subject, provedAt: proof.provedAt, feeds: proof.feeds, entries: entries,
                                    trace: proof.trace, resources: proof.resources)
        XCTAssertEqual(ProofCheck.check(withPayload).failures, [], "the claimed 300 kg of flour still derive")
    }
}
