import Foundation
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

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
            // Escapes first, last and side by side; names 7, 8, 9, 15, 16 and 17 bytes long,
            // either side of the eight-byte words strings are scanned in.
            #"{"@type":"Process","name":"\/\/","basedOn":"a\\","note":"\"x"}"#,
            #"{"@type":"Process","name":"\\\"\/\b\f\n\r\t","note":"\/"}"#,
            #"{"@type":"Process","name":"1234567","basedOn":"12345678","note":"123456789"}"#,
            #"{"@type":"Process","name":"123456789012345","basedOn":"1234567890123456","note":"12345678901234567"}"#,
            #"{"@type":"Process","name":"123456\/","basedOn":"1234567\/","note":"12345678\/9"}"#,
            #"{"@type":"Process","name":"Brötchen über Nacht","note":"ü\/ö"}"#,
            #"{"@type":"Process","name":"tab\tin\/a\u0009"}"#,
            #"{"@type":"Process","name":"x","no\/te":"escaped names take the general path"}"#,
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

    /// Whether a payload is a ValueFlows object, read from the tape where it applies, is what
    /// the tree of the parser says: for every payload above, and for `@type`s the tape gives
    /// up on (a `\u` escape), that are not strings, prefixed, unknown, or not at the top.
    func testIsValueFlowsAgreesWithTheParsersReading() {
        func byTree(_ bytes: [UInt8]) -> Bool {
            guard let json = try? JSONParser.parse(bytes), var type = json["@type"]?.stringValue else { return false }
            if type.hasPrefix("vf:") { type.removeFirst(3) }
            return KnownProperties.byType[JSONName(type)] != nil
        }
        let more = [
            #"{"@type":"\u0045conomicEvent"}"#, #"{"@type":"Econ\/omicEvent"}"#, #"{"@type":"vf:Process"}"#,
            #"{"@type":"vf:vf:Process"}"#, #"{"@type":"Nothing"}"#, #"{"@type":["Process"]}"#, #"{"@type":7}"#,
            #"{"a":{"@type":"Process"}}"#, #"{"@type":"Process","@type":"Process"}"#, #"{"@type":"Process""#,
        ]
        var known = 0
        for text in payloads() + more {
            let bytes = Array(text.utf8)
            XCTAssertEqual(PublishVerdict.isValueFlows(bytes), byTree(bytes), text)
            if byTree(bytes) { known += 1 }
        }
        XCTAssertGreaterThan(known, 3)
        XCTAssertTrue(PublishVerdict.isValueFlows(Array(#"{"@type":"\u0045conomicEvent"}"#.utf8)))
        XCTAssertFalse(PublishVerdict.isValueFlows(Array(#"{"@type":"Process","@type":"Process"}"#.utf8)))
    }

    /// The first unknown property read from the tape is the tree's, misspelt at the top, inside
    /// each measure and inside a new resource, or several at once (the first in byte order).
    func testFirstUnknownPropertyFromTheTapeIsTheTrees() throws {
        let feed = author.description
        let event = #""@type":"EconomicEvent","action":"produce","provider":"\#(feed)","receiver":"\#(feed)""#
        let more = [
            #"{\#(event),"provder":"x"}"#, #"{\#(event),"zeta":1,"alpha":2,"Beta":3}"#,
            #"{\#(event),"resourceQuantity":{"hasNumericalValue":"1","hasUnt":"kg"}}"#,
            #"{\#(event),"effortQuantity":{"hasNumericalValue":"1","hasUnit":"h","x":1}}"#,
            #"{\#(event),"newInventoriedResource":{"name":"a","@id":"b","colour":"red"}}"#,
            #"{\#(event),"newInventoriedResource":"not an object","resourceQuantity":[1]}"#,
            #"{"@type":"vf:Process","name":"p","baseOn":"x"}"#, #"{"@type":"Unknown","whatever":1}"#, #"{"note":"x"}"#,
        ]
        var unknowns = 0
        for text in payloads() + more {
            let bytes = Array(text.utf8)
            guard let tape = JSONTape(scanning: bytes), let tree = try? JSONParser.parse(bytes) else { continue }
            XCTAssertEqual(KnownProperties.firstUnknown(in: tape), KnownProperties.firstUnknown(in: tree), text)
            if KnownProperties.firstUnknown(in: tree) != nil { unknowns += 1 }
        }
        XCTAssertGreaterThanOrEqual(unknowns, 6)
        XCTAssertEqual(KnownProperties.firstUnknown(in: try XCTUnwrap(JSONTape(scanning: Array(more[1].utf8)))), "Beta")
    }

    /// The tape accepts a subset of what the profile accepts: every payload vector of
    /// docs/protocol.md §9 that the profile refuses, the tape refuses too (BOM, duplicate
    /// names, lone surrogates, malformed UTF-8, depth), and what it accepts parses alike.
    func testTheTapeRefusesEverythingTheProfileRefuses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../VFLogTests/Fixtures/payload-vectors.json")
        let file = try JSONParser.parse(Array(try Data(contentsOf: url)))
        guard case let .array(vectors)? = file["vectors"] else { return XCTFail("no vectors") }
        XCTAssertGreaterThan(vectors.count, 50)
        for vector in vectors {
            guard let name = vector["name"]?.stringValue, let hex = vector["hex"]?.stringValue else { return XCTFail("\(vector)") }
            var bytes: [UInt8] = []
            var k = hex.startIndex
            while k < hex.endIndex {
                let next = hex.index(k, offsetBy: 2)
                bytes.append(UInt8(hex[k..<next], radix: 16)!)
                k = next
            }
            // The tape reads any JSON value; a payload's object rule is the log's.
            let profile = (try? JSONParser.validate(bytes)) != nil
            if let tape = JSONTape(scanning: bytes) {
                XCTAssertTrue(profile, "the tape accepts \(name), which the profile refuses")
                XCTAssertEqual(tape.nodes.first?.kind == .object, (try? JSONParser.parse(bytes))?.objectValue != nil, name)
            }
        }
        // Beyond the vectors: the limits at the edge, and a BOM before a scalar.
        XCTAssertNotNil(JSONTape(scanning: Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8)))
        XCTAssertNil(JSONTape(scanning: Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)))
        XCTAssertNil(JSONTape(scanning: [0xEF, 0xBB, 0xBF, 0x31]))
        XCTAssertNil(JSONTape(scanning: Array(#"{"a":1,"b":2,"a":3}"#.utf8)))
        // An object of more than 64 members goes to the general path, whose name check is
        // linear: the tape's would be quadratic past its 64 hash bits.
        func object(_ members: Int) -> [UInt8] { Array(("{" + (0..<members).map { "\"m\($0)\":0" }.joined(separator: ",") + "}").utf8) }
        XCTAssertNotNil(JSONTape(scanning: object(64)))
        XCTAssertNil(JSONTape(scanning: object(65)))
        XCTAssertEqual(try JSONParser.parse(object(65)).objectValue?.count, 65)
    }

    func testPlainPayloadsTakeTheFastPath() throws {
        // The common payload shapes, as Foundation writes them (with `\/`), never need the tree.
        for text in payloads().prefix(5) {
            let tape = try XCTUnwrap(JSONTape(scanning: Array(text.utf8)), text)
            XCTAssertNotNil(try EconomicEventPayload(tape: tape, root: 0), text)
        }
        XCTAssertNil(JSONTape(scanning: Array(#"{"a":"\u00e9"}"#.utf8)), "a \\u escape takes the general path")
        XCTAssertNil(JSONTape(scanning: Array(#"{"a":1,"a":1}"#.utf8)), "duplicates are the general path's to report")
        XCTAssertNil(JSONTape(scanning: Array(#""\u0041""#.utf8)), "a \\u escape takes the general path")
        let escaped = try XCTUnwrap(JSONTape(scanning: Array(#"{"a":"\/\/","b":"a\\","c":"\"x","d":"x\/y"}"#.utf8)))
        XCTAssertEqual([escaped.member(0, "a"), escaped.member(0, "b"), escaped.member(0, "c"), escaped.member(0, "d")].map { $0.map(escaped.text) },
                       ["//", #"a\"#, #""x"#, "x/y"])
    }

    /// Every byte that ends or interrupts a run of plain string bytes, and its neighbours that
    /// must not, at every offset of strings up to 20 bytes long (so at every place in the
    /// eight-byte words the scanner reads, and in the byte-by-byte tail), in three settings:
    /// a string that ends on the payload's last byte, a member, and an array element followed
    /// by more text. The tape reads each as the parser does, or gives up; and it gives up only
    /// on a `\u` escape, so a special byte the word test missed would show.
    func testTapeStringsReadAsTheParserReadsThemAtEveryOffset() {
        let specials: [[UInt8]] = [
            [], [0x22], [0x5C, 0x2F], [0x5C, 0x5C], [0x5C, 0x22], [0x5C, 0x6E], [0x5C, 0x2F, 0x5C, 0x2F], [0x5C, 0x71], [0x5C],
            [0x5C, 0x75, 0x30, 0x30, 0x34, 0x31], [0x00], [0x01], [0x09], [0x0A], [0x1F], [0x20], [0x21], [0x23], [0x5B], [0x5D],
            [0x7F], [0x80], [0xBF], [0xC3, 0xA9], [0xC3], [0xE2, 0x82, 0xAC], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0xA0, 0x80],
            [0xFF], [0x5C, 0x2F, 0xC3, 0xA9], [0x5C, 0x2F, 0xFF], [0xFF, 0x5C, 0x2F], [0x5C, 0x2F, 0x01], [0xC3, 0xA9, 0x22],
        ]
        for length in 0..<20 {
            for position in 0...length {
                for special in specials {
                    let content = [UInt8](repeating: UInt8(ascii: "a"), count: position) + special
                        + [UInt8](repeating: UInt8(ascii: "b"), count: length - position)
                    let fastPath = !special.starts(with: [0x5C, 0x75])
                    let settings = [
                        [0x22] + content + [0x22],
                        Array(#"{"note":""#.utf8) + content + Array(#"","n":[1,true,null,"more than a word"]}"#.utf8),
                        Array(#"["x",""#.utf8) + content + Array(#"", "more than a word" ]"#.utf8),
                    ]
                    for bytes in settings {
                        assertTapeReadsAsTheParser(bytes, fastPath: fastPath)
                    }
                }
            }
        }
    }

    func assertTapeReadsAsTheParser(_ bytes: [UInt8], fastPath: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let parsed = try? JSONParser.parse(bytes)
        let message = "\(bytes)"
        if let tape = JSONTape(scanning: bytes) {
            XCTAssertEqual(tape.value(0), parsed, message, file: file, line: line)
        } else if fastPath, parsed != nil {
            XCTFail("the tape gave up on \(message)", file: file, line: line)
        }
    }

    /// The word test flags exactly `"`, `\` and bytes below 0x20, and its lowest flag is the
    /// first of them whatever the bytes around it are.
    func testSpecialByteFlagsFindTheFirstSpecialByte() {
        func isSpecial(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 }
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } }
        func firstFlag(_ bytes: [UInt8]) -> Int? {
            let flags = JSONTape.specialBytes(word(bytes))
            return flags == 0 ? nil : flags.trailingZeroBitCount / 8
        }
        let plain = (0...255).map(UInt8.init).filter { !isSpecial($0) }
        let special = (0...255).map(UInt8.init).filter(isSpecial)
        for position in 0..<8 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = UInt8(value)
                XCTAssertEqual(firstFlag(bytes), isSpecial(UInt8(value)) ? position : nil, "\(value) at \(position)")
            }
            // Any plain bytes below, anything above.
            for below in plain {
                for s in special {
                    for above in [0x00, 0x01, 0x20, 0x21, 0x22, 0x5C, 0x80, 0xFF] as [UInt8] {
                        var bytes = [UInt8](repeating: below, count: 8)
                        bytes[position] = s
                        for k in position + 1..<8 { bytes[k] = above }
                        XCTAssertEqual(firstFlag(bytes), position, "\(s) at \(position) after \(below), before \(above)")
                    }
                }
            }
        }
    }

    /// Not needed for correctness, only for speed: the names the payload readers ask the tape
    /// for each have their own hash bit, so looking one up never compares another's bytes.
    /// If a new name collides, pick another multiplier in ``JSONTape/nameHash(_:_:)``.
    func testTheNamesReadFromTheTapeHaveDistinctHashes() {
        let names = ["@type", "action", "provider", "receiver", "inputOf", "outputOf", "resourceInventoriedAs",
                     "toResourceInventoriedAs", "resourceConformsTo", "resourceQuantity", "effortQuantity", "toLocation",
                     "hasPointInTime", "hasBeginning", "hasEnd", "state", "corrects", "note", "newInventoriedResource", "name",
                     "trackingIdentifier", "conformsTo", "hasNumericalValue", "hasUnit", "basedOn"]
        let hashes = names.map { name in Array(name.utf8).withUnsafeBufferPointer { JSONTape.nameHash($0.baseAddress!, $0.count) } }
        XCTAssertEqual(Set(hashes).count, names.count)
    }

    /// Member lookup compares a hash of the name before its bytes, and scanning checks names
    /// for duplicates only where hashes meet: names that share a hash (same length, first,
    /// middle and last byte) still read apart, and a repeated one is still refused.
    func testMembersWhoseNamesShareAHashReadApart() throws {
        func hash(_ name: String) -> UInt8 { Array(name.utf8).withUnsafeBufferPointer { JSONTape.nameHash($0.baseAddress!, $0.count) } }
        XCTAssertEqual(hash("aXbYc"), hash("aZbYc"))
        let tape = try XCTUnwrap(JSONTape(scanning: Array(#"{"aXbYc":1,"x":{"name":3},"aZbYc":2,"name":4,"":5}"#.utf8)))
        XCTAssertEqual(tape.member(0, "aXbYc").map(tape.text), "1")
        XCTAssertEqual(tape.member(0, "aZbYc").map(tape.text), "2")
        XCTAssertEqual(tape.member(0, "name").map(tape.text), "4", "not the nested member")
        XCTAssertEqual(tape.member(0, "").map(tape.text), "5")
        XCTAssertNil(tape.member(0, "aYbYc"))
        XCTAssertNil(tape.member(1, "name"), "not an object")
        for (text, accepted) in [(#"{"aXbYc":1,"aZbYc":2,"aXbYc":3}"#, false), (#"{"a":{"a":1},"b":{"a":2}}"#, true),
                                 (#"{"a":{"b":1},"a":2}"#, false), (#"{"":1,"":2}"#, false), (#"{"ab":1,"ba":2}"#, true)] {
            XCTAssertEqual(JSONTape(scanning: Array(text.utf8)) != nil, accepted, text)
            assertTapeReadsAsTheParser(Array(text.utf8), fastPath: false)
        }
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

    /// Ids read from bytes equal the parsing initialisers' reading, and anything those refuse
    /// (any character out of the alphabet, at every place; unused bits set; no padding) reads
    /// as nil, for random hashes, so every group of eight characters sees every value.
    func testIdsReadFromBytesEqualTheParsingInitialisersReading() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let hash = Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })!
            let texts = [EntryID(hash: hash).description, FeedID(key: hash).description, ResourceID(hash: hash).description]
            for text in texts {
                var variants = [Array(text.utf8)]
                for k in 1..<45 {
                    for replacement in [UInt8(ascii: "-"), UInt8(ascii: "="), 0x80, UInt8(ascii: "A"), UInt8(ascii: "/")] {
                        var bytes = Array(text.utf8)
                        bytes[k] = replacement
                        variants.append(bytes)
                    }
                }
                for bytes in variants {
                    let string = String(decoding: bytes, as: UTF8.self)
                    bytes.withUnsafeBufferPointer { b in
                        XCTAssertEqual(IdentifierBytes.entryID(b), try? EntryID(parsing: string), string)
                        XCTAssertEqual(IdentifierBytes.feedID(b), try? FeedID(parsing: string), string)
                        XCTAssertEqual(IdentifierBytes.resourceID(b), try? ResourceID(parsing: string), string)
                    }
                }
            }
        }
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

extension JSONTape {
    /// The value at `node` as the general path's tree, to compare the two readings.
    func value(_ node: Int) -> JSONValue {
        let n = nodes[node]
        var children: [Int] = []
        var child = node + 1
        while child < Int(n.after) {
            children.append(child)
            child = Int(nodes[child].after)
        }
        switch n.kind {
        case .object:
            return .object(Dictionary(uniqueKeysWithValues: children.map { child in
                (JSONName(String(decoding: bytes[Int(nodes[child].keyStart)..<Int(nodes[child].keyEnd)], as: UTF8.self)), value(child))
            }))
        case .array: return .array(children.map(value))
        case .string: return .string(text(node))
        case .number: return .number(text(node))
        case .literal:
            switch bytes[Int(n.start)] {
            case UInt8(ascii: "t"): return .bool(true)
            case UInt8(ascii: "f"): return .bool(false)
            default: return .null
            }
        }
    }
}

extension Result where Success == VFObject, Failure == ReasonError {
    var failureReason: String? { if case let .failure(error) = self { error.reason } else { nil } }
}
