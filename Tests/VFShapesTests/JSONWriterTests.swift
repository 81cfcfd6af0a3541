import Foundation
import VFGraph
import VFGraphStore
import VFJSON
import VFLog
import VFShapes
import VFTestSupport
import XCTest

/// ``JSONWriter`` and the shapes written with it print exactly the bytes JSONSerialization
/// (``JSONText``) printed for the same values: every shape of a small network with awkward
/// text in every string it can carry, every control character, non-ASCII, and extreme numbers.
final class JSONWriterTests: XCTestCase {
    /// Text that tests escaping: quotes, backslashes, slashes, every kind of control character,
    /// DEL, non-ASCII in two, three and four bytes, line and paragraph separators, a BOM, a
    /// combining accent and a CR LF pair (one Character, two scalars).
    static let awkward = "a \"quoted\" back\\slash / slash\u{0}\u{1}\u{8}\t\n\u{B}\u{C}\r\u{1F}\u{7F} é € 😀 \u{2028}\u{2029}\u{FEFF} e\u{301} \r\n end"

    func testStringsAndNumbersAsJSONSerializationWritesThem() {
        var everyASCII = ""
        for scalar in 0 ..< 128 { everyASCII.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        for text in ["", " ", everyASCII, Self.awkward, "%abc/def+ghi==.vf1", String(repeating: "ü", count: 1000)] {
            let written = JSONWriter.bytes { $0.string(text) }
            XCTAssertEqual(String(decoding: written, as: UTF8.self), JSONText.string(text), "the string \(text.debugDescription)")
        }
        let numbers = JSONWriter.bytes { w in
            w.beginArray()
            w.integer(Int64.min); w.integer(Int64.max); w.integer(UInt64.max); w.integer(0); w.integer(-1); w.integer(9); w.integer(10)
            w.bool(true); w.bool(false); w.null()
            w.endArray()
        }
        XCTAssertEqual(String(decoding: numbers, as: UTF8.self),
                       JSONText.string([Int64.min, Int64.max, UInt64.max, 0, -1, 9, 10, true, false, NSNull()] as [Any]))
        let nested = JSONWriter.bytes { w in
            w.beginObject()
            w.key("a"); w.beginArray(); w.beginArray(); w.endArray(); w.beginObject(); w.endObject(); w.string("x"); w.endArray()
            w.key("b"); w.beginObject(); w.key("c"); w.null(); w.endObject()
            w.endObject()
        }
        XCTAssertEqual(String(decoding: nested, as: UTF8.self), JSONText.string(["a": [[Any](), [String: Any](), "x"], "b": ["c": NSNull()]] as [String: Any]))
    }

    func testEveryGraphShapeAsJSONSerializationWroteIt() throws {
        let (graph, _) = try Self.network()
        XCTAssertGreaterThanOrEqual(graph.resources.count, 3)
        XCTAssertTrue(graph.events.values.contains { !$0.status.isApplied }, "a pending or invalid event, with its reason")
        XCTAssertTrue(graph.resources.values.contains { $0.name == Self.awkward && $0.note == Self.awkward })
        for resource in graph.resources.values {
            assertSame({ GraphJSON.resource(resource, to: &$0) }, DictionaryGraphJSON.resource(resource))
        }
        for event in graph.events.values {
            assertSame({ GraphJSON.event(event, to: &$0) }, DictionaryGraphJSON.event(event))
        }
        for process in graph.processes.values {
            let inputs = graph.events(inputOf: process.id).map(\.id), outputs = graph.events(outputOf: process.id).map(\.id)
            XCTAssertFalse(inputs.isEmpty && outputs.isEmpty)
            for (moreInputs, moreOutputs) in [(false, false), (true, false), (false, true)] {
                assertSame({ GraphJSON.process(process, inputs: inputs, outputs: outputs, moreInputs: moreInputs, moreOutputs: moreOutputs, to: &$0) },
                           DictionaryGraphJSON.process(process, inputs: inputs, outputs: outputs, moreInputs: moreInputs, moreOutputs: moreOutputs))
            }
        }
        XCTAssertFalse(graph.specifications.isEmpty)
        for specification in graph.specifications.values {
            assertSame({ GraphJSON.specification(specification, to: &$0) }, DictionaryGraphJSON.specification(specification))
        }
        XCTAssertTrue(graph.agents.values.contains { $0.profile == nil } && graph.agents.values.contains { $0.profile?.name == Self.awkward })
        for agent in graph.agents.values {
            assertSame({ GraphJSON.agent(agent, to: &$0) }, DictionaryGraphJSON.agent(agent))
        }
        var steps = 0
        for id in graph.resources.keys {
            for step in graph.trace(from: .resource(id)) + graph.track(from: .resource(id)) {
                assertSame({ GraphJSON.step(step, to: &$0) }, DictionaryGraphJSON.step(step))
                steps += 1
            }
        }
        XCTAssertGreaterThan(steps, 5)
        assertSame({ GraphJSON.measure(nil, to: &$0) }, DictionaryGraphJSON.measure(nil))
    }

    func testEntriesAsJSONSerializationWroteThem() throws {
        let (graph, entries) = try Self.network()
        let notHeld = SignedEntry(entry: entries[0].entry, payload: nil)
        let outsideProfile = SignedEntry(entry: entries[0].entry, payload: Array(#"{"a":1,"a":2}"#.utf8))
        let statuses: [EventStatus?] = [nil, .applied, .pending("waits for %x: \"quoted\""), .invalid(Self.awkward), .unauthorized("no")]
        for signed in entries + [notHeld, outsideProfile] {
            for status in statuses + [graph.status(of: signed.entry.id)] {
                for verified in [true, false] {
                    for forgotten in [false, true] {
                        let verdict = EntryJSON.Verdict(signatureVerified: verified, status: status, createdResource: EntryJSON.createdResource(signed),
                                                        forgotten: forgotten)
                        assertSame({ EntryJSON.entry(signed, verdict: verdict, to: &$0) },
                                   DictionaryEntryJSON.entry(signed, status: status, signatureVerified: verified, forgotten: forgotten))
                    }
                }
                assertSame({ EntryJSON.entry(signed, status: status, to: &$0) }, DictionaryEntryJSON.logEntry(signed, status: status))
                assertSame({ EntryJSON.entry(signed, status: status, forgotten: true, to: &$0) },
                           DictionaryEntryJSON.logEntry(signed, status: status, forgotten: true))
            }
        }
        XCTAssertTrue(entries.contains { EntryJSON.createdResource($0) != nil })
    }

    func testAListingWrittenInPiecesIsTheWholeListing() {
        var writer = JSONWriter()
        var pieces: [UInt8] = []
        writer.beginArray()
        for n in 0 ..< 10 {
            writer.string("row \(n)")
            if n % 3 == 0 { pieces += writer.take() }
        }
        writer.endArray()
        pieces += writer.take()
        XCTAssertEqual(String(decoding: pieces, as: UTF8.self), JSONText.string((0 ..< 10).map { "row \($0)" }))
        XCTAssertTrue(writer.bytes.isEmpty)
    }

    private func assertSame(_ write: (inout JSONWriter) -> Void, _ reference: Any, file: StaticString = #filePath, line: UInt = #line) {
        let written = String(decoding: JSONWriter.bytes(write), as: UTF8.self)
        XCTAssertEqual(written, JSONText.string(reference), file: file, line: line)
    }

    /// Two feeds: profiles, a specification, a process, produces with awkward names and notes, a
    /// transfer, a work, a pending event and an invalid one; and the graph they make.
    static func network() throws -> (EconomicGraph, [SignedEntry]) {
        var farm = FeedBuilder(key: SigningKey(seed: [UInt8](repeating: 1, count: 32)))
        var mill = FeedBuilder(key: SigningKey(seed: [UInt8](repeating: 2, count: 32)))
        let f = farm.key.feed.description, m = mill.key.feed.description
        func json(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        func qty(_ value: String, _ unit: String) -> [String: Any] { ["hasNumericalValue": value, "hasUnit": unit] }
        farm.append(try json(["@type": "Organization", "@id": f, "name": awkward]))
        mill.append(try json(["@type": "Person", "name": "a neighbour without a node"]))
        let spec = farm.append(try json(["@type": "ResourceSpecification", "name": awkward, "defaultUnitOfResource": "kg", "note": "n/a"])).entry.id.description
        let growing = farm.append(try json(["@type": "Process", "name": "growing \"wheat\"", "basedOn": "spec:grow/1", "note": awkward])).entry.id.description
        let harvest = farm.append(try json(["@type": "EconomicEvent", "action": "produce", "provider": f, "receiver": f, "outputOf": growing,
                                            "resourceQuantity": qty("100.000000000000000001", "kg"), "resourceConformsTo": spec,
                                            "newInventoriedResource": ["name": awkward, "note": awkward, "trackingIdentifier": "lot/7\t",
                                                                       "conformsTo": spec],
                                            "toLocation": "barn\n2"]))
        let wheat = ResourceID(createdBy: harvest.entry.id).description
        farm.append(try json(["@type": "EconomicEvent", "action": "work", "provider": f, "receiver": f, "inputOf": growing,
                              "effortQuantity": qty("2.5", "hour")]))
        farm.append(try json(["@type": "EconomicEvent", "action": "transfer", "provider": f, "receiver": m, "resourceInventoriedAs": wheat,
                              "resourceQuantity": qty("40", "kg"), "newInventoriedResource": ["name": "wheat at the mill"]]))
        farm.append(try json(["@type": "EconomicEvent", "action": "produce", "provider": f, "receiver": f,
                              "resourceQuantity": qty("3", "each"), "newInventoriedResource": ["name": ""]]))
        farm.append(try json(["@type": "EconomicEvent", "action": "consume", "provider": f, "receiver": f, "inputOf": growing,
                              "resourceInventoriedAs": "%" + String(repeating: "A", count: 43) + "=.vf1res", "resourceQuantity": qty("1", "kg")]))
        farm.append(try json(["@type": "EconomicEvent", "action": "consume", "provider": f, "receiver": f,
                              "resourceInventoriedAs": wheat, "resourceQuantity": qty("1", "litre")]))
        farm.append(#"{"n":1e400,"note":"not ValueFlows","z":0.10}"#)
        let entries = farm.entries + mill.entries
        return (Derivation.derive(entries.map { GraphEntry($0, verified: true) }), entries)
    }
}
