import VFJSON
import XCTest

/// The rules of the profile (docs/protocol.md §5), each through both entry points: the
/// validating pass and the tree.
final class JSONProfileTests: XCTestCase {
    /// The error both entry points give; fails the test when they disagree or accept.
    private func refusal(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        var fromValidate: JSONParseError?, fromParse: JSONParseError?
        do { try JSONParser.validate(bytes) } catch { fromValidate = error }
        do { _ = try JSONParser.parse(bytes) } catch { fromParse = error }
        XCTAssertNotNil(fromValidate, "validate accepted \(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
        XCTAssertEqual(fromValidate, fromParse, "validate and parse disagree", file: file, line: line)
        return fromValidate
    }

    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        refusal(Array(text.utf8), file: file, line: line)
    }

    func testDuplicateNamesAreComparedAfterUnescaping() {
        XCTAssertEqual(refusal(#"{"a":1,"a":2}"#)?.offset, 7)
        let escaped = refusal(#"{"a":1,"\u0061":2}"#)
        XCTAssertEqual(escaped?.offset, 7)
        XCTAssertEqual(escaped?.reason.contains(#"duplicate member name "a""#), true, escaped?.reason ?? "")
        XCTAssertNotNil(refusal(#"{"\u0061":1,"a":2}"#), "either of the two may be the escaped one")
        XCTAssertNotNil(refusal(#"{"/":1,"\/":2}"#))
        XCTAssertNotNil(refusal(#"{"é":1,"\u00e9":2}"#))
        XCTAssertNotNil(refusal(#"{"😀":1,"\ud83d\ude00":2}"#))
        XCTAssertNotNil(refusal(#"{"x":[{"k":1,"k":1}]}"#), "at any depth")
        XCTAssertNoThrow(try JSONParser.parse(#"{"a":{"a":1},"b":{"a":1},"A":0}"#))
    }

    func testDuplicatesInLargeObjectsAreFound() {
        // Past 16 members the scanner looks names up in a set; a duplicate of the first must still be found.
        for count in [15, 16, 17, 18, 1000] {
            let members = (0..<count).map { #""m\#($0)":\#($0)"# }
            XCTAssertNoThrow(try JSONParser.validate(Array("{\(members.joined(separator: ","))}".utf8)))
            XCTAssertNotNil(refusal("{\(members.joined(separator: ",")),\"m0\":0}"), "\(count) members")
            XCTAssertNotNil(refusal("{\(members.joined(separator: ",")),\"m\\u0030\":0}"), "\(count) members, escaped")
            XCTAssertNotNil(refusal("{\(members.joined(separator: ",")),\"m\(count - 1)\":0}"), "\(count) members, last")
        }
    }

    func testAByteOrderMarkIsRefused() {
        let bom = refusal([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        XCTAssertEqual(bom?.offset, 0)
        XCTAssertEqual(bom?.reason.contains("byte order mark"), true, bom?.reason ?? "")
        XCTAssertEqual(refusal([0x20, 0xEF, 0xBB, 0xBF] + Array("{}".utf8))?.offset, 1)
        XCTAssertEqual(try JSONParser.parse([0x22, 0xEF, 0xBB, 0xBF, 0x22]), .string("\u{FEFF}"), "inside a string it is a character")
    }

    func testLoneSurrogateEscapesAreRefused() {
        XCTAssertEqual(refusal(#"{"s":"\ud800"}"#)?.reason.contains("lone high surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\uDBFF"}"#)?.offset, 6)
        XCTAssertEqual(refusal(#"{"s":"\ud800x"}"#)?.reason.contains("lone high surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\ud800\u0041"}"#)?.reason.contains("lone high surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\ud800\ud800"}"#)?.reason.contains("lone high surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\udc00"}"#)?.reason.contains("lone low surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\uDFFF"}"#)?.reason.contains("lone low surrogate"), true)
        XCTAssertEqual(refusal(#"{"s":"\udc00\ud800"}"#)?.reason.contains("lone low surrogate"), true)
        XCTAssertNotNil(refusal(#"{"\ud83d":1}"#), "in a name too")
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\ude00\uD83D\uDE00""#), .string("😀😀"))
        XCTAssertEqual(try JSONParser.parse(#""\u00e9\u0000\uFFFF""#), .string("é\u{0}\u{FFFF}"))
    }

    func testMalformedUTF8IsRefusedWhereItIs() {
        for bad: [UInt8] in [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]] {
            let error = refusal(Array(#"{"s":""#.utf8) + bad + Array(#""}"#.utf8))
            XCTAssertEqual(error?.offset, 6, "\(bad)")
            XCTAssertEqual(error?.reason.contains("UTF-8"), true, error?.reason ?? "")
        }
        XCTAssertEqual(refusal([0x7B, 0xFF, 0x7D])?.reason, "invalid UTF-8")
        XCTAssertEqual(try JSONParser.parse(Array(#""\#u{10FFFF}é""#.utf8)), .string("\u{10FFFF}é"))
    }

    func testNumbersOfAnySizeAreKeptAsWritten() throws {
        let digits = String(repeating: "9", count: 400)
        XCTAssertEqual(try JSONParser.parse("{\"n\":\(digits)}")["n"], .number(digits))
        XCTAssertEqual(try JSONParser.parse(#"[1e400,-0,0.1000000000000000055511151231257827,1E-400]"#),
                       .array([.number("1e400"), .number("-0"), .number("0.1000000000000000055511151231257827"), .number("1E-400")]))
        XCTAssertEqual(try JSONParser.validate(Array("\(digits).\(digits)e\(digits)".utf8)), .number)
        for bad in ["01", "+1", ".5", "1.", "1e", "1e+", "-", "NaN", "Infinity", "-Infinity", "0x10", "1_000"] {
            XCTAssertNotNil(refusal(bad), bad)
        }
    }

    func testNestingIsLimitedTo64() {
        let depth64 = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSONParser.validate(Array(depth64.utf8)))
        XCTAssertNoThrow(try JSONParser.parse(depth64))
        let depth65 = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = refusal(depth65)
        XCTAssertEqual(error?.offset, 64)
        XCTAssertEqual(error?.reason.contains("deeper than 64"), true, error?.reason ?? "")
        XCTAssertNotNil(refusal(String(repeating: "[", count: 64) + "1" + String(repeating: "]", count: 64)), "a scalar is a level")
        XCTAssertNotNil(refusal(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)))
        // Far deeper than the limit costs nothing: the scanner stops at the 65th level.
        XCTAssertEqual(refusal(String(repeating: "[", count: 1_000_000))?.offset, 64)
    }

    func testOnlyRFC8259WhitespaceAndGrammar() throws {
        XCTAssertEqual(try JSONParser.parse(" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] }\r\n"), .object(["a": .array([.number("1"), .number("2")])]))
        for bad in ["{\u{0C}}", "\u{A0}{}", "{\u{0B}}", "{\"a\":1,}", "[1,]", "{\"a\":1/**/}", "{'a':1}", "{}{}", "{} x",
                    "", " ", "{\"s\":\"a\tb\"}", #"{"s":"\x"}"#, #"{"s":"\u12"}"#, #"{"s":"\u12G4"}"#, "{\"a\"}", "{a:1}", "tru", "nul"] {
            XCTAssertNotNil(refusal(bad), bad.debugDescription)
        }
        XCTAssertEqual(refusal("{\"s\":\"a\tb\"}")?.reason.contains("control character 0x09"), true)
        XCTAssertEqual(refusal("{}\u{0}")?.reason, "unexpected byte 0x00 after the value")
    }

    func testValidateReportsTheTopLevelKind() throws {
        XCTAssertEqual(try JSONParser.validate(Array("{}".utf8)), .object)
        XCTAssertEqual(try JSONParser.validate(Array(" [] ".utf8)), .array)
        XCTAssertEqual(try JSONParser.validate(Array(#""s""#.utf8)), .string)
        XCTAssertEqual(try JSONParser.validate(Array("-1.5e3".utf8)), .number)
        XCTAssertEqual(try JSONParser.validate(Array("false".utf8)), .bool)
        XCTAssertEqual(try JSONParser.validate(Array("null".utf8)), .null)
    }

    func testTheTreeKeepsCanonicallyEquivalentNamesApartAsTheProfileDoes() throws {
        // U+00E9 and U+0065 U+0301: different code points, equal Swift strings.
        let bytes = Array("{\"\u{E9}\":1,\"e\u{301}\":2}".utf8)
        XCTAssertEqual(try JSONParser.validate(bytes), .object)
        let members = try XCTUnwrap(try JSONParser.parse(bytes).objectValue)
        XCTAssertEqual(members.count, 2)
        XCTAssertEqual(members[JSONName("\u{E9}")], .number("1"))
        XCTAssertEqual(members[JSONName("e\u{301}")], .number("2"))
        XCTAssertNotEqual(JSONName("\u{E9}"), JSONName("e\u{301}"))
        // Serialised back, both stay, ordered by bytes: 65 CC 81 before C3 A9.
        XCTAssertEqual(try JSONParser.parse(bytes).serializedString, "{\"e\u{301}\":2,\"\u{E9}\":1}")
    }

    func testStringsDecodeEveryEscape() throws {
        XCTAssertEqual(try JSONParser.parse(#"{"k\n\"":"\"\\\/\b\f\n\r\t\u0041é"}"#),
                       .object(["k\n\"": .string("\"\\/\u{8}\u{C}\n\r\tAé")]))
        XCTAssertEqual(try JSONParser.parse(#"["a\u0062c", "plain", "\u00e9x"]"#), .array([.string("abc"), .string("plain"), .string("éx")]))
    }

    func testAHostilePayloadIsReadInLinearTime() throws {
        // 64 KiB of one-byte-named members and of escapes: each shape in well under a second.
        let members = (0..<8000).map { #""\#($0)":0"# }.joined(separator: ",")
        let escapes = String(repeating: #"\u0041"#, count: 10_000)
        for text in ["{\(members)}", "{\"s\":\"\(escapes)\",\"\(escapes)\":1}", "[" + String(repeating: "{},", count: 20_000) + "{}]"] {
            let start = ContinuousClock.now
            XCTAssertNoThrow(try JSONParser.validate(Array(text.utf8)))
            XCTAssertNoThrow(try JSONParser.parse(text))
            XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        }
    }

    func testAValueBudgetRefusesTheValueOverItWhileReading() throws {
        // Every value counts, at any depth: [1,[2,{"a":3}]] holds 6.
        let text = Array(#"[1,[2,{"a":3}]]"#.utf8)
        XCTAssertNoThrow(try JSONParser.parse(text, maximumValues: 6))
        XCTAssertThrowsError(try JSONParser.parse(text, maximumValues: 5)) { error in
            let error = error as! JSONParseError
            XCTAssertEqual(error.offset, 11, "refused where the sixth value starts")
            XCTAssertTrue(error.reason.contains("more than 5 values"), error.reason)
        }
        // Without a budget the same text is read.
        XCTAssertEqual(try JSONParser.parse(text), try JSONParser.parse(text, maximumValues: .max))
    }
}
