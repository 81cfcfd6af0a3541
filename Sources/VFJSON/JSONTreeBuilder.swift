/// Builds the ``JSONValue`` tree that ``JSONParser/parse(_:)`` returns.
struct JSONTreeBuilder: JSONBuilder {
    static let decodesStrings = true

    func null() -> JSONValue { .null }
    func bool(_ value: Bool) -> JSONValue { .bool(value) }
    func number(_ literal: UnsafeBufferPointer<UInt8>) -> JSONValue { .number(String(decoding: literal, as: UTF8.self)) }
    func string(_ decoded: UnsafeBufferPointer<UInt8>) -> JSONValue { .string(String(decoding: decoded, as: UTF8.self)) }
    func beginArray() -> [JSONValue] { [] }
    func append(_ value: JSONValue, to array: inout [JSONValue]) { array.append(value) }
    func endArray(_ array: [JSONValue]) -> JSONValue { .array(array) }
    func beginObject() -> [String: JSONValue] { [:] }

    /// A Swift dictionary finds canonically equivalent strings equal, though the scanner found
    /// their code points different; refusing beats silently dropping one of them.
    func add(name: UnsafeBufferPointer<UInt8>, value: JSONValue, to object: inout [String: JSONValue]) -> Bool {
        object.updateValue(value, forKey: String(decoding: name, as: UTF8.self)) == nil
    }

    func endObject(_ object: [String: JSONValue]) -> JSONValue { .object(object) }
}
