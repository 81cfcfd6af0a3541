import Foundation
import VFShapes
import VFJSON
import XCTest

/// ``JSONText`` writes a payload (a ``JSONValue``) as its canonical text, numbers as written,
/// inside the shapes JSONSerialization writes.
final class JSONTextTests: XCTestCase {
    func testAJSONValueIsWrittenAsItsCanonicalText() throws {
        let digits = String(repeating: "8", count: 400)
        let payload = try JSONParser.parse(#"{"z":0.1000000000000000055511151231257827,"a":[1e400,\#(digits)],"s":"a/b\u00e9"}"#)
        let text = JSONText.string(["payload": payload, "id": "%a/b=.vf1", "list": [payload, NSNull()], "n": 3] as [String: Any])
        let canonical = #"{"a":[1e400,\#(digits)],"s":"a/bé","z":0.1000000000000000055511151231257827}"#
        XCTAssertEqual(text, #"{"id":"%a/b=.vf1","list":[\#(canonical),null],"n":3,"payload":\#(canonical)}"#)
        XCTAssertEqual(JSONText.string(["n": 3, "s": "x"] as [String: Any]), #"{"n":3,"s":"x"}"#, "without a JSONValue, as before")
        XCTAssertEqual(JSONText.string(JSONValue.string("only")), #""only""#)
    }
}
