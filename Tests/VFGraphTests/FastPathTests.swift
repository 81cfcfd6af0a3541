import Foundation
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph

/// The fast paths of derivation give exactly what the general paths give: payloads read from
/// the flat tape equal payloads read from the JSON tree (or fail with the same reason), exact
/// decimals read from bytes equal Foundation's reading of the canonical text, and ids order
/// and hash as their bytes do.
final class FastPathTests: XCTestCase {
    let author = SigningKey(seed: Array(Sodium.blake2b256(Array("author".utf8)).bytes)).feed

    /// The general path alone: parse to a tree, then read the tree.
    func generalDecode(_ bytes: [UInt8]) -> Result<VFObject, ReasonError> {
        do {
            let json: JSONValue
            do { json = try JSONParser.parse(bytes) } catch { throw ReasonError("payload: \(error)") }
            return .success(try VFObject.decode(json, author: author))
        } catch let error as ReasonError {
            return .failure(error)
        } catch {
            return .failure(ReasonError("\(error)"))
        }
    }

    func decode(_ bytes: [UInt8]) -> Result<VFObject, ReasonError> {
        do { return .success(try VFObject.decode(bytes, author: author)) } catch { return .failure(error) }
    }

    func payloads() -> [String] {
        let feed = author.description
        let entry = EntryID(hash: Sodium.blake2b256(Array("e".utf8))).description
        let resource = ResourceID(createdBy: EntryID(hash: Sodium.blake2b256(Array("r".utf8)))).description
        let slashed = resource.replacingOccurrences(of: "/", with: #"\/"#)
        // A resource id whose last base64 character has non-zero unused bits: not canonical.
        var sloppy = Array(resource.utf8)
        sloppy[43] = UInt8(ascii: "B")
        let sloppyResource = String(decoding: sloppy, as: UTF8.self)
        let base = #""@type":"EconomicEvent","provider":"\#(feed)","receiver":"\#(feed)""#
        return [
            #"{\#(base),"action":"consume","resourceInventoriedAs":"\#(resource)","resourceQuantity":{"hasNumericalValue":"1.50","hasUnit":"kg"},"inputOf":"\#(entry)"}"#,
            #"{\#(base),"action":"consume","resourceInventoriedAs":"\#(slashed)","resourceQuantity":{"hasNumericalValue":2e3,"hasUnit":"kg"}}"#,
            #"{\#(base),"action":"produce","resourceQuantity":{"hasNumericalValue":1,"hasUnit":"each"},"newInventoriedResource":{"name":"Brot \/ \"loaf\"\t","note":"ok"},"hasPointInTime":"2024-05-01T10:30:00.25+02:00"}"#,
            #"{\#(base),"action":"produce","resourceQuantity":{"hasNumericalValue":1,"hasUnit":"each"},"newInventoriedResource":{"name":"Bröt"}}"#,
            #" { "@type" : "vf:EconomicEvent" , "action" : "raise" , "provider" : "\#(feed)" , "receiver" : "\#(entry)" , "resourceQuantity" : { "hasNumericalValue" : "0.1" , "hasUnit" : "kg" } , "newInventoriedResource" : { } } "#,
            #"{\#(base),"action":"consume","resourceInventoriedAs":"\#(sloppyResource)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"}}"#,
            #"{\#(base),"action":"consume","resourceQuantity":{"hasNumericalValue":"-1","hasUnit":"kg"}}"#,
            #"{\#(base),"action":"consume","resourceQuantity":{"hasNumericalValue":"1.2.3","hasUnit":"kg"}}"#,
            #"{\#(base),"action":"consume","resourceQuantity":{"hasNumericalValue":"1","hasUnit":""}}"#,
            #"{\#(base),"action":"consume","resourceQuantity":{"hasNumericalValue":null,"hasUnit":"kg"}}"#,
            #"{\#(base),"action":"juggle"}"#,
            #"{\#(base),"action":"work","effortQuantity":{"hasNumericalValue":"8","hasUnit":"hour"},"inputOf":"\#(entry)","outputOf":"\#(entry)"}"#,
            #"{\#(base),"action":"pickup","newInventoriedResource":{"name":"x"}}"#,
            #"{\#(base),"action":"produce","newInventoriedResource":"x"}"#,
            #"{\#(base),"action":"produce","hasEnd":"2024-02-30T00:00:00Z"}"#,
            #"{\#(base),"action":"produce","note":7}"#,
            #"{\#(base),"action":"produce","provider":"\#(feed)"}"#,
            #"{"@type":"EconomicEvent","action":"produce","provider":"\#(resource)","receiver":"\#(feed)"}"#,
            #"{"@type":"EconomicEvent","action":"produce","receiver":"\#(feed)"}"#,
            #"{\#(base),"action":"produce","extra":[1,{"a":[true,false,null]},-0.5e-3],"toLocation":"shed"}"#,
            #"{\#(base),"action":"produce","extra":{"a":1,"a":2}}"#,
            #"{\#(base),"action":"produce","K":1,"\#u{212A}":2}"#,
            #"{\#(base),"action":"produce","state":"\ud83d\ude00"}"#,
            #"{\#(base),"action":"produce","note":"Br\u00f6t"}"#,
            #"{\#(base),"action":"produce",}"#,
            #"{"@type":"Process","name":"mill","basedOn":"https://example.org/milling","hasBeginning":"2024-05-01T10:30:00Z"}"#,
            #"{"@type":"vf:Process","name":5}"#,
            #"{"@type":"Process","name":"a"} x"#,
            #"{"@type":"ResourceSpecification","name":"flour","defaultUnitOfResource":"kg"}"#,
            #"{"@type":"Person","@id":"\#(feed)","name":"Me"}"#,
            #"{"@type":"Contact","contact":"\#(feed)"}"#,
            #"{"@type":7}"#,
            #"[1,2,3]"#,
            #""just a string""#,
            "",
            "{",
        ]
    }

    func testTapeDecodingAgreesWithTheGeneralPath() {
        for text in payloads() {
            let bytes = Array(text.utf8)
            switch (decode(bytes), generalDecode(bytes)) {
            case let (.success(fast), .success(general)): XCTAssertEqual(fast, general, text)
            case let (.failure(fast), .failure(general)): XCTAssertEqual(fast.reason, general.reason, text)
            case let (fast, general): XCTFail("\(text): \(fast) vs \(general)")
            }
        }
        // Invalid UTF-8 inside a string, and a payload nested past the depth limit.
        let feed = author.description
        let broken = Array(#"{"@type":"EconomicEvent","action":"produce","provider":"\#(feed)","receiver":"\#(feed)","note":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let deep = Array((String(repeating: #"{"a":"#, count: 70) + "1" + String(repeating: "}", count: 70)).utf8)
        for bytes in [broken, deep] {
            XCTAssertEqual(Result { try VFObject.decode(bytes, author: self.author) }.failureDescription,
                           generalDecode(bytes).failureReason)
        }
    }

    func testPlainPayloadsTakeTheFastPath() throws {
        // The common payload shapes, as Foundation writes them (with `\/`), never need the tree.
        for text in payloads().prefix(5) {
            let tape = try XCTUnwrap(JSONTape(scanning: Array(text.utf8)), text)
            XCTAssertNotNil(try EconomicEventPayload(tape: tape, root: 0), text)
        }
        XCTAssertNil(JSONTape(scanning: Array(#"{"a":"\u00e9"}"#.utf8)), "a \\u escape takes the general path")
        XCTAssertNil(JSONTape(scanning: Array(#"{"a":1,"a":1}"#.utf8)), "duplicates are the general path's to report")
    }

    func testDecimalsReadFromBytesEqualFoundationsReadingOfTheCanonicalText() throws {
        var literals = ["0", "-0", "1", "10", "1000", "0.1", "1.50", "25E-3", "1e3", "-12.5e+2", "0.000000000000000001",
                        "99999999999999999999", "12345678901234567890.123456789012345678", "100e-2", "0e-5000", "7e19"]
        var rng = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let integer = String(UInt64.random(in: 0...UInt64.max, using: &rng) % 10_000_000_000)
            let fraction = String(UInt64.random(in: 0...999_999_999, using: &rng))
            let exponent = Int.random(in: -8...8, using: &rng)
            literals.append("\(Bool.random(using: &rng) ? "-" : "")\(integer).\(fraction)e\(exponent)")
        }
        for literal in literals {
            let value = try ExactDecimal(parsing: literal)
            XCTAssertEqual(Decimal(string: value.description, locale: Locale(identifier: "en_US_POSIX")), try referenceDecimal(literal), literal)
            XCTAssertEqual(value.description, referenceDescription(try referenceDecimal(literal)), literal)
        }
    }

    /// The reading before the fast path: shift the point textually, strip zeros, and let
    /// Foundation read the canonical text.
    func referenceDecimal(_ text: String) throws -> Decimal {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative { s = s.dropFirst() }
        let mantissa = s.split(separator: "e", maxSplits: 1).first ?? s
        let parts = mantissa.split(separator: "E", maxSplits: 1)
        let digitsPart = parts[0]
        let exponent = Int(s.split(separator: "e", maxSplits: 1).dropFirst().first ?? parts.dropFirst().first ?? "0")!
        let pieces = digitsPart.split(separator: ".", omittingEmptySubsequences: false)
        let integer = Array(pieces[0].utf8), fraction = pieces.count > 1 ? Array(pieces[1].utf8) : []
        var digits = integer + fraction
        var point = integer.count + exponent
        if point < 0 { digits = [UInt8](repeating: 48, count: -point) + digits; point = 0 }
        if point > digits.count { digits += [UInt8](repeating: 48, count: point - digits.count) }
        var intPart = Array(digits[..<point]), fracPart = Array(digits[point...])
        while intPart.first == 48 { intPart.removeFirst() }
        while fracPart.last == 48 { fracPart.removeLast() }
        var canonical = intPart.isEmpty ? "0" : String(decoding: intPart, as: UTF8.self)
        if !fracPart.isEmpty { canonical += "." + String(decoding: fracPart, as: UTF8.self) }
        let parsed = try XCTUnwrap(Decimal(string: canonical, locale: Locale(identifier: "en_US_POSIX")))
        return negative ? -parsed : parsed
    }

    func referenceDescription(_ value: Decimal) -> String { value.isZero ? "0" : value.description }

    func testIdsOrderAndHashAsTheirBytes() {
        var rng = SplitMix64(seed: 11)
        var hashes: [Hash32] = (0..<200).map { _ in
            Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })!
        }
        // Values that differ only late, so every word of the comparison is exercised.
        let prefix = [UInt8](repeating: 7, count: 31)
        hashes += (0..<8).map { Hash32(bytes: prefix + [UInt8($0 * 31)])! }
        for a in hashes {
            for b in hashes.prefix(40) {
                XCTAssertEqual(a < b, a.bytes.lexicographicallyPrecedes(b.bytes))
            }
        }
        XCTAssertEqual(Set(hashes).count, hashes.count)
        XCTAssertEqual(hashes.sorted().map(\.bytes), hashes.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) })
    }

    func testEveryActionsBehaviourIsItsTableRow() {
        for action in Action.allCases {
            XCTAssertEqual(action.behavior, Action.table[action], "\(action)")
            XCTAssertEqual(Array(action.rawValue.utf8).withUnsafeBufferPointer { Action(utf8: $0) }, action)
        }
        XCTAssertNil(Array("juggle".utf8).withUnsafeBufferPointer { Action(utf8: $0) })
    }

    func testParallelCatalogueEqualsOneByOne() {
        let entries = OrderIndependenceTests(name: "richEntries") { _ in }.richEntries()
        var oneByOne = Derivation()
        for entry in entries { oneByOne.catalogue(entry) }
        var batched = Derivation()
        // Duplicates in a batch count once, as they do one by one.
        batched.catalogue(entries + entries.prefix(5))
        assertSame(batched.resolveAndFold(batched.resolve()).graph, oneByOne.resolveAndFold(oneByOne.resolve()).graph)
        let many = (0..<2000).flatMap { _ in entries }
        var big = Derivation()
        XCTAssertEqual(big.catalogue(many).count, entries.count)
    }
}

extension Result where Success == VFObject, Failure == ReasonError {
    var failureReason: String? { if case let .failure(error) = self { error.reason } else { nil } }
}
