import Foundation

/// An exact decimal quantity: at most 20 integer digits and 18 fractional digits.
///
/// Backed by Foundation's `Decimal`, whose 38-digit mantissa holds every value in that range
/// exactly, so sums and differences of in-range values are exact; a result that leaves the
/// range is reported as ``ExactDecimalError/overflow`` instead of being rounded. Parsing is
/// our own and strict because `Decimal(string:)` accepts "1.2.3" as 1.2. Nothing here goes
/// through binary floating point.
public struct ExactDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Most digits allowed after the decimal point.
    public static let maximumFractionDigits = 18
    /// Most digits allowed before the decimal point.
    public static let maximumIntegerDigits = 20

    public static let zero = ExactDecimal(unchecked: 0)

    let value: Decimal

    private init(unchecked value: Decimal) { self.value = value }

    /// Parses a JSON number literal or a decimal string such as `"-12.50"` or `"1e3"`.
    /// No leading `+`, no spaces, no hexadecimal, no `NaN` or infinities.
    public init(parsing text: String) throws(ExactDecimalError) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; bytes = bytes.dropFirst() }
        var integer = [UInt8](), fraction = [UInt8]()
        while let b = bytes.first, (48...57).contains(b) { integer.append(b); bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let b = bytes.first, (48...57).contains(b) { fraction.append(b); bytes = bytes.dropFirst() }
            guard !fraction.isEmpty else { throw .malformed(text) }
        }
        guard !integer.isEmpty else { throw .malformed(text) }
        var exponent = 0
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var expNegative = false
            if let s = bytes.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
                expNegative = s == UInt8(ascii: "-"); bytes = bytes.dropFirst()
            }
            var digits = 0
            while let b = bytes.first, (48...57).contains(b) {
                // Anything past a few digits is out of range whatever the mantissa; stop counting early.
                if exponent < 1000 { exponent = exponent * 10 + Int(b - 48) }
                bytes = bytes.dropFirst(); digits += 1
            }
            guard digits > 0 else { throw .malformed(text) }
            if expNegative { exponent = -exponent }
        }
        guard bytes.isEmpty else { throw .malformed(text) }
        // Shift the decimal point by the exponent, textually, then strip redundant zeros.
        var digits = integer + fraction
        var pointPosition = integer.count + exponent
        if pointPosition < 0 {
            digits = [UInt8](repeating: 48, count: -pointPosition) + digits
            pointPosition = 0
        }
        if pointPosition > digits.count {
            guard pointPosition - digits.count <= Self.maximumIntegerDigits + 1 else { throw .outOfRange(text) }
            digits += [UInt8](repeating: 48, count: pointPosition - digits.count)
        }
        var intPart = Array(digits[..<pointPosition]), fracPart = Array(digits[pointPosition...])
        while intPart.first == 48 { intPart.removeFirst() }
        while fracPart.last == 48 { fracPart.removeLast() }
        guard intPart.count <= Self.maximumIntegerDigits else { throw .outOfRange(text) }
        guard fracPart.count <= Self.maximumFractionDigits else { throw .tooPrecise(text) }
        var canonical = intPart.isEmpty ? "0" : String(decoding: intPart, as: UTF8.self)
        if !fracPart.isEmpty { canonical += "." + String(decoding: fracPart, as: UTF8.self) }
        guard let parsed = Decimal(string: canonical, locale: Locale(identifier: "en_US_POSIX")) else { throw .malformed(text) }
        self.value = negative ? -parsed : parsed
    }

    /// Canonical text: no exponent, no trailing fractional zeros, `0` for zero.
    public var description: String { value.isZero ? "0" : value.description }

    public var isNegative: Bool { value < 0 }
    public var isZero: Bool { value.isZero }

    /// The sum, or ``ExactDecimalError/overflow`` when it leaves the exact range.
    public func adding(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        try Self.checked(value + other.value)
    }

    /// The difference, or ``ExactDecimalError/overflow`` when it leaves the exact range.
    public func subtracting(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        try Self.checked(value - other.value)
    }

    public var negated: ExactDecimal { ExactDecimal(unchecked: -value) }

    private static let limit = Decimal(string: "100000000000000000000", locale: Locale(identifier: "en_US_POSIX"))!

    private static func checked(_ result: Decimal) throws(ExactDecimalError) -> ExactDecimal {
        // Both operands have at most 18 fractional digits, so the result does too; only the
        // integer part can grow past what the mantissa holds exactly.
        guard result < limit, result > -limit else { throw .overflow }
        return ExactDecimal(unchecked: result)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool { a.value < b.value }
    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// Why a decimal was refused.
public enum ExactDecimalError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case outOfRange(String)
    case tooPrecise(String)
    case overflow

    public var description: String {
        switch self {
        case let .malformed(text): "\"\(text)\" is not a finite decimal number"
        case let .outOfRange(text): "\"\(text)\" has more than \(ExactDecimal.maximumIntegerDigits) integer digits"
        case let .tooPrecise(text): "\"\(text)\" has more than \(ExactDecimal.maximumFractionDigits) fractional digits"
        case .overflow: "the result has more than \(ExactDecimal.maximumIntegerDigits) integer digits"
        }
    }
}
