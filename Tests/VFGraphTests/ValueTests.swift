import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// Exact decimals, the JSON reader, identifiers, times and the JSON-LD export.
final class ValueTests: XCTestCase {
    func testDecimalIsExact() throws {
        let sum = try dec("0.1").adding(dec("0.2"))
        XCTAssertEqual(sum, dec("0.3"))
        XCTAssertEqual(sum.description, "0.3")
        XCTAssertEqual(dec("1.50").description, "1.5")
        XCTAssertEqual(dec("-0.000").description, "0")
        XCTAssertEqual(dec("1e3").description, "1000")
        XCTAssertEqual(dec("25E-3").description, "0.025")
        XCTAssertEqual(try dec("12345678901234567890.123456789012345678").adding(dec("0.000000000000000001")).description,
                       "12345678901234567890.123456789012345679")
        var total = ExactDecimal.zero
        for _ in 0..<10 { total = try total.adding(dec("0.1")) }
        XCTAssertEqual(total, dec("1"))
    }

    func testDecimalRefusesWhatItCannotHoldExactly() {
        for bad in ["1.2.3", "NaN", "Infinity", " 1", "1 ", "+1", "0x10", ".5", "5.", "", "-", "1e"] {
            XCTAssertThrowsError(try ExactDecimal(parsing: bad), bad)
        }
        XCTAssertEqual(Result { try ExactDecimal(parsing: "1e400") }.failureDescription, "\"1e400\" has more than 20 integer digits")
        XCTAssertEqual(Result { try ExactDecimal(parsing: "0.0000000000000000001") }.failureDescription,
                       "\"0.0000000000000000001\" has more than 18 fractional digits")
        XCTAssertThrowsError(try dec("99999999999999999999").adding(dec("1"))) { XCTAssertEqual($0 as? ExactDecimalError, .overflow) }
    }

    func testQuantitiesStayExactThroughTheGraph() {
        let net = Fixture()
        let alice = net.agent("alice")
        let r = net.raise(alice, "0.1", "kg")
        net.event("raise", provider: alice, ["resourceQuantity": ["hasNumericalValue": "0.2", "hasUnit": "kg"], "resourceInventoriedAs": ref(r)])
        let g = net.graph
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("0.3"))
        XCTAssertEqual(g.resource(r).accountingQuantity.description, "0.3")
    }

    func testJSONKeepsNumberLiteralsAndIsStrict() throws {
        let value = try JSONParser.parse(#"{"a": 0.1, "b": [1e2, -0], "c": "\u00e9\n", "d": null, "e": true}"#)
        XCTAssertEqual(value["a"], .number("0.1"))
        XCTAssertEqual(value["b"], .array([.number("1e2"), .number("-0")]))
        XCTAssertEqual(value["c"], .string("é\n"))
        XCTAssertEqual(value.serializedString, #"{"a":0.1,"b":[1e2,-0],"c":"é\n","d":null,"e":true}"#)
        for bad in [#"{"a":1,"a":2}"#, "[1,]", "{", "01", "1.", #""\ud800""#, "[1] x", "NaN"] {
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)))
    }

    func testResourceIDRule() throws {
        let event = EntryID(hash: Sodium.blake2b256(Array("some entry".utf8)))
        let id = ResourceID(createdBy: event)
        XCTAssertEqual(id.hash, Sodium.blake2b256(Array("vf-resource".utf8) + event.bytes))
        XCTAssertTrue(id.description.hasPrefix("%"))
        XCTAssertTrue(id.description.hasSuffix(".vf1res"))
        XCTAssertEqual(try ResourceID(parsing: id.description), id)
        XCTAssertEqual(Reference(parsing: id.description), .resource(id))
        XCTAssertEqual(Reference(parsing: event.description), .entry(event))
        XCTAssertThrowsError(try ResourceID(parsing: event.description))
        XCTAssertNil(Reference(parsing: "https://example.org/thing"))
    }

    func testDateTimeStamps() throws {
        XCTAssertEqual(try DateTimeStamp.milliseconds(from: "1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(try DateTimeStamp.milliseconds(from: "2000-03-01T00:00:00.5Z"), 951_868_800_500)
        XCTAssertEqual(try DateTimeStamp.milliseconds(from: "2024-05-01T10:30:00+02:00"), try DateTimeStamp.milliseconds(from: "2024-05-01T08:30:00Z"))
        for bad in ["2024-05-01", "2024-05-01T10:30:00", "2024-02-30T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:30:00+2:00"] {
            XCTAssertThrowsError(try DateTimeStamp.milliseconds(from: bad), bad)
        }
    }

    func testJSONLDExport() throws {
        let chain = SupplyChain()
        let g = chain.net.graph
        let doc = JSONLDExport.document(g)
        XCTAssertEqual(doc["@context"]?["@vocab"], .string("https://w3id.org/valueflows/ont/vf#"))
        guard case let .array(nodes)? = doc["@graph"] else { return XCTFail("no @graph") }
        XCTAssertEqual(nodes.count, g.appliedOrder.count + g.resources.count)
        let flour = nodes.first { $0["@id"]?.stringValue == chain.resources["flour"]!.description }!
        XCTAssertEqual(flour["@type"], "EconomicResource")
        XCTAssertEqual(flour["primaryAccountable"], .string(chain.bakery.id))
        XCTAssertEqual(flour["accountingQuantity"]?["hasNumericalValue"], ["@value": "0", "@type": "xsd:decimal"])
        let produce = nodes.first { $0["@id"]?.stringValue == chain.ids["produceFlour"]!.description }!
        XCTAssertEqual(produce["action"], "vf:produce")
        XCTAssertEqual(produce["resourceQuantity"]?["hasUnit"], "kg")
        // It is plain JSON any reader accepts, and canonical.
        let text = doc.serialized
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text)))
        XCTAssertEqual(try JSONParser.parse(text), doc)
    }
}

import Foundation

extension Result where Failure == Error {
    init(_ body: () throws -> Success) { do { self = .success(try body()) } catch { self = .failure(error) } }
    var failureDescription: String? { if case let .failure(error) = self { "\(error)" } else { nil } }
}
