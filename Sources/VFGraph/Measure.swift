import VFJSON

/// A quantity with its unit, as in `{"hasNumericalValue": "12.5", "hasUnit": "kg"}`.
///
/// Units are compared by their label exactly; the graph does no unit conversion.
public struct Measure: Hashable, Sendable, CustomStringConvertible {
    public let value: ExactDecimal
    public let unit: String

    public init(value: ExactDecimal, unit: String) {
        self.value = value
        self.unit = unit
    }

    /// Reads a measure; `hasNumericalValue` may be a JSON number or a decimal string.
    /// - Parameter property: the payload property being read, named in the error.
    public init(json: JSONValue, property: String) throws(ReasonError) {
        guard let members = json.objectValue else { throw ReasonError("\(property) is not an object with hasNumericalValue and hasUnit") }
        let text: String
        switch members["hasNumericalValue"] {
        case let .number(literal)?: text = literal
        case let .string(literal)?: text = literal
        case nil: throw ReasonError("\(property) has no hasNumericalValue")
        default: throw ReasonError("\(property).hasNumericalValue is neither a number nor a decimal string")
        }
        do { value = try ExactDecimal(parsing: text) } catch { throw ReasonError("\(property).hasNumericalValue: \(error)") }
        guard let unit = members["hasUnit"] else { throw ReasonError("\(property) has no hasUnit") }
        guard let label = unit.stringValue, !label.isEmpty else { throw ReasonError("\(property).hasUnit is not a non-empty unit label") }
        self.unit = label
    }

    public var description: String { "\(value) \(unit)" }

    /// The JSON form, with the number as a decimal string so no reader turns it into a float.
    public var json: JSONValue { .object(["hasNumericalValue": .string(value.description), "hasUnit": .string(unit)]) }
}

/// An error that is only a human-readable reason.
public struct ReasonError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    /// `reason`, cut to its first ``maximumBytes`` bytes when longer (a reason quotes what a
    /// payload says, which its author may make 64 KB long, and it is stored for the entry and
    /// for every event failing through it).
    public init(_ reason: String) { self.reason = Self.bounded(reason) }
    public var description: String { reason }

    /// The most bytes of UTF-8 a reason keeps of itself.
    public static let maximumBytes = 1000

    /// `text` if it has at most ``maximumBytes`` bytes of UTF-8; else its first whole
    /// characters, then `… (N bytes in all)`, together at most ``maximumBytes`` bytes. So a
    /// reason cut again (as a dependent's quotes its root) is left as it is.
    public static func bounded(_ text: String) -> String {
        let bytes = text.utf8.count
        guard bytes > maximumBytes else { return text }
        let suffix = "… (\(bytes) bytes in all)"
        let room = maximumBytes - suffix.utf8.count
        var kept = 0
        var end = text.startIndex
        for character in text {
            let size = character.utf8.count
            guard kept + size <= room else { break }
            kept += size
            end = text.index(after: end)
        }
        return String(text[..<end]) + suffix
    }
}
