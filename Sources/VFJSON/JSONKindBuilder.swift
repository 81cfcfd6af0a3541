/// Builds nothing: ``JSONParser/validate(_:)`` only needs the scanner's verdict and the kind
/// of the top-level value.
struct JSONKindBuilder: JSONBuilder {
    static let decodesStrings = false

    func null() -> JSONKind { .null }
    func bool(_ value: Bool) -> JSONKind { .bool }
    func number(_ literal: UnsafeBufferPointer<UInt8>) -> JSONKind { .number }
    func string(_ decoded: UnsafeBufferPointer<UInt8>) -> JSONKind { .string }
    func beginArray() {}
    func append(_ value: JSONKind, to array: inout Void) {}
    func endArray(_ array: Void) -> JSONKind { .array }
    func beginObject() {}
    func add(name: UnsafeBufferPointer<UInt8>, value: JSONKind, to object: inout Void) {}
    func endObject(_ object: Void) -> JSONKind { .object }
}
