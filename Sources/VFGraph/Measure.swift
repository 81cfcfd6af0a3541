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
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
