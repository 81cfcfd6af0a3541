/// What ``JSONScanner`` makes of the values it reads. The scanner alone decides what is valid;
/// a builder only assembles (a tree for ``JSONParser/parse(_:)``, nothing for
/// ``JSONParser/validate(_:)``), so both entry points enforce one profile.
protocol JSONBuilder {
    associatedtype Value
    associatedtype ArrayBuilder
    associatedtype ObjectBuilder

    /// Whether string values are decoded and passed to ``string(_:)``. Member names are decoded
    /// either way: duplicates are judged on decoded names.
    static var decodesStrings: Bool { get }

    mutating func null() -> Value
    mutating func bool(_ value: Bool) -> Value
    /// The literal exactly as written.
    mutating func number(_ literal: UnsafeBufferPointer<UInt8>) -> Value
    /// The decoded UTF-8 (valid); empty when ``decodesStrings`` is false.
    mutating func string(_ decoded: UnsafeBufferPointer<UInt8>) -> Value
    mutating func beginArray() -> ArrayBuilder
    mutating func append(_ value: Value, to array: inout ArrayBuilder)
    mutating func endArray(_ array: ArrayBuilder) -> Value
    mutating func beginObject() -> ObjectBuilder
    /// Adds a member whose name (decoded UTF-8) the scanner has checked is not a duplicate
    /// (by bytes, as the profile compares names).
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: Value, to object: inout ObjectBuilder)
    mutating func endObject(_ object: ObjectBuilder) -> Value
}
