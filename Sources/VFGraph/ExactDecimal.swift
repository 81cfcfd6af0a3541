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
        var text = text
        let outcome = text.withUTF8 { Self.read($0) }
        try self.init(outcome, text: { text })
    }

    /// ``init(parsing:)`` over the UTF-8 bytes of the text, for readers that hold bytes.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ExactDecimalError) {
        try self.init(Self.read(bytes), text: { String(decoding: bytes, as: UTF8.self) })
    }

    private init(_ outcome: Reading, text: () -> String) throws(ExactDecimalError) {
        switch outcome {
        case let .value(value): self.value = value
        case .malformed: throw .malformed(text())
        case .outOfRange: throw .outOfRange(text())
        case .tooPrecise: throw .tooPrecise(text())
        }
    }

    private enum Reading {
        case value(Decimal)
        case malformed, outOfRange, tooPrecise
    }

    /// The grammar and the limits, by arithmetic on the digits: the digits are shifted by the
    /// exponent, leading integer and trailing fractional zeros dropped, and what remains (at
    /// most 38 digits) becomes the significand of a `Decimal`. No text round trip, no locale.
    private static func read(_ b: UnsafeBufferPointer<UInt8>) -> Reading {
        var i = 0
        let n = b.count
        func isDigit(_ k: Int) -> Bool { k < n && b[k] >= 48 && b[k] <= 57 }
        var negative = false
        if i < n, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let integerStart = i
        while isDigit(i) { i += 1 }
        let integerCount = i - integerStart
        var fractionStart = i, fractionCount = 0
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            fractionStart = i
            while isDigit(i) { i += 1 }
            fractionCount = i - fractionStart
            guard fractionCount > 0 else { return .malformed }
        }
        guard integerCount > 0 else { return .malformed }
        var exponent = 0
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                expNegative = b[i] == UInt8(ascii: "-"); i += 1
            }
            var digits = 0
            while isDigit(i) {
                // Anything past a few digits is out of range whatever the mantissa; stop counting early.
                if exponent < 1000 { exponent = exponent * 10 + Int(b[i] - 48) }
                i += 1; digits += 1
            }
            guard digits > 0 else { return .malformed }
            if expNegative { exponent = -exponent }
        }
        guard i == n else { return .malformed }
        // The digits, integer then fraction, shifted by the exponent: zeros prepended when the
        // point moves left of them, appended when it moves right of them.
        let count = integerCount + fractionCount
        var point = integerCount + exponent
        var zerosBefore = 0, zerosAfter = 0
        if point < 0 { zerosBefore = -point; point = 0 }
        if point > zerosBefore + count {
            guard point - count <= maximumIntegerDigits + 1 else { return .outOfRange }
            zerosAfter = point - count
        }
        let total = zerosBefore + count + zerosAfter
        func digit(_ k: Int) -> UInt64 {
            let d = k - zerosBefore
            guard d >= 0, d < count else { return 0 }
            return UInt64((d < integerCount ? b[integerStart + d] : b[fractionStart + d - integerCount]) - 48)
        }
        var first = 0
        while first < point, digit(first) == 0 { first += 1 }
        var end = total
        while end > point, digit(end - 1) == 0 { end -= 1 }
        guard point - first <= maximumIntegerDigits else { return .outOfRange }
        guard end - point <= maximumFractionDigits else { return .tooPrecise }
        // At most 38 digits: the last 19 and the rest each fit a UInt64.
        let split = max(first, end - 19)
        var high: UInt64 = 0, low: UInt64 = 0
        for k in first..<split { high = high * 10 + digit(k) }
        for k in split..<end { low = low * 10 + digit(k) }
        var significand = Decimal(low)
        if split > first { significand += Decimal(sign: .plus, exponent: 19, significand: Decimal(high)) }
        let parsed = Decimal(sign: .plus, exponent: -(end - point), significand: significand)
        return .value(negative ? -parsed : parsed)
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
        guard result.magnitude < limit else { throw .overflow }
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
