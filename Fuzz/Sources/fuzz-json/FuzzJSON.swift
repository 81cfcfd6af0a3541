import FuzzSupport
@testable import VFGraph
import VFJSON

/// The strict JSON parser every payload goes through, and the fast scanner (`JSONTape`) that
/// reads most payloads instead. Properties:
/// - canonical text is a fixed point: it parses to the same value and serialises to itself;
/// - differential: whatever `JSONTape` accepts, `JSONParser` accepts, with the same value, and
///   the publish check's readers of the tape (`isValueFlows`, the first unknown property)
///   answer as the tree's;
/// - a value budget (0 to 31, from the input's length) refuses exactly the texts of more values than
///   it allows, and reads the others as without one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    let parsed = try? JSONParser.parse(bytes)
    if let parsed {
        let canonical = parsed.serialized
        let again = try? JSONParser.parse(canonical)
        fuzzRequire(again == parsed, "canonical text parses to the same value")
        fuzzRequire(again?.serialized == canonical, "canonical text is a fixed point")
    }
    let budget = bytes.count % 32
    let budgeted = try? JSONParser.parse(bytes, maximumValues: budget)
    if let parsed {
        fuzzRequire((budgeted != nil) == (valueCount(parsed) <= budget), "a budget of \(budget) values refuses exactly the texts of more")
        if let budgeted { fuzzRequire(budgeted == parsed, "a budget changes the value read") }
    } else {
        fuzzRequire(budgeted == nil, "a budget accepted what the parser refuses")
    }
    if let tape = JSONTape(scanning: bytes) {
        fuzzRequire(parsed != nil, "JSONTape accepted what JSONParser refuses")
        fuzzRequire(TapeValue.read(tape, 0) == parsed, "JSONTape reads another value than JSONParser")
        // The publish check's readers of the tape answer as the tree's.
        if let parsed {
            fuzzRequire(KnownProperties.firstUnknown(in: tape) == KnownProperties.firstUnknown(in: parsed),
                        "the tape and the tree disagree on the first unknown property")
        }
    }
    // Whichever path it takes, isValueFlows is the tree's reading of `@type`.
    var type = parsed?["@type"]?.stringValue
    if type?.hasPrefix("vf:") == true { type?.removeFirst(3) }
    fuzzRequire(PublishVerdict.isValueFlows(bytes) == (type.map { KnownProperties.byType[JSONName($0)] != nil } ?? false),
                "isValueFlows disagrees with the tree's @type")
    return 0
}

/// The values `value` holds, itself included (member names are not values).
func valueCount(_ value: JSONValue) -> Int {
    switch value {
    case let .array(items): 1 + items.reduce(0) { $0 + valueCount($1) }
    case let .object(members): 1 + members.values.reduce(0) { $0 + valueCount($1) }
    default: 1
    }
}

/// A tape's node as the value the general parser would build.
enum TapeValue {
    static func read(_ tape: JSONTape, _ index: Int) -> JSONValue {
        let node = tape.nodes[index]
        switch node.kind {
        case .object:
            var members: [JSONName: JSONValue] = [:]
            var child = index + 1
            while child < Int(node.after) {
                let c = tape.nodes[child]
                let name = JSONName(String(decoding: tape.bytes[Int(c.keyStart)..<Int(c.keyEnd)], as: UTF8.self))
                fuzzRequire(members[name] == nil, "JSONTape accepted a duplicate member \(name)")
                members[name] = read(tape, child)
                child = Int(c.after)
            }
            return .object(members)
        case .array:
            var items: [JSONValue] = []
            var child = index + 1
            while child < Int(node.after) {
                items.append(read(tape, child))
                child = Int(tape.nodes[child].after)
            }
            return .array(items)
        case .string: return .string(tape.text(index))
        case .number: return .number(tape.text(index))
        case .literal:
            switch tape.text(index) {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .null
            }
        }
    }
}
