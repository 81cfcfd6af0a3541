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
    func beginObject() -> [JSONName: JSONValue] { [:] }

    /// ``JSONName`` compares by bytes, as the scanner compared names: no two merge.
    func add(name: UnsafeBufferPointer<UInt8>, value: JSONValue, to object: inout [JSONName: JSONValue]) {
        object[JSONName(String(decoding: name, as: UTF8.self))] = value
    }

    func endObject(_ object: [JSONName: JSONValue]) -> JSONValue { .object(object) }
}
