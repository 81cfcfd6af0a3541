/// An exact decimal quantity: at most 20 integer digits and 18 fractional digits.
///
/// Held as a fixed-point integer, a signed `Int128` counting units of 10^-18, because
/// Foundation's `Decimal` (which we used before) made its arithmetic and normalisation a large
/// share of graph derivation. Every in-range value is below 10^38 units, under `Int128.max`
/// (about 1.7 × 10^38), so it is held exactly and has exactly one representation: equality,
/// order and hashing are the integer's, and "1.50", "1.5" and "15e-1" are the same value.
/// A sum of two in-range values can pass `Int128.max`, so sums and differences use the
/// overflow-reporting operations, and a result of 10^20 or more in magnitude is reported as
/// ``ExactDecimalError/overflow`` instead of being rounded or wrapped. Parsing is our own and
/// strict (Foundation's `Decimal(string:)` accepts "1.2.3" as 1.2). Nothing here goes through
/// binary floating point.
public struct ExactDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Most digits allowed after the decimal point.
    public static let maximumFractionDigits = 18
    /// Most digits allowed before the decimal point.
    public static let maximumIntegerDigits = 20

    public static let zero = ExactDecimal(scaled: 0)

    /// The value times 10^18; its magnitude is below ``limit``.
    package let scaled: Int128

    private init(scaled: Int128) { self.scaled = scaled }

    /// 10^20 in units of 10^-18: the smallest magnitude out of range.
    private static let limit: UInt128 = 100_000_000_000_000_000_000_000_000_000_000_000_000

    /// Parses a JSON number literal or a decimal string such as `"-12.50"` or `"1e3"`.
    /// No leading `+`, no spaces, no hexadecimal, no `NaN` or infinities.
    public init(parsing text: String) throws(ExactDecimalError) {
        var text = text
        let outcome = text.withUTF8 { Self.read($0) }
        try self.init(outcome, text: { text })
    }

    /// ``init(parsing:)`` over the UTF-8 bytes of the text, for readers that hold bytes.
    package init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ExactDecimalError) {
        try self.init(Self.read(bytes), text: { String(decoding: bytes, as: UTF8.self) })
    }

    private init(_ outcome: Reading, text: () -> String) throws(ExactDecimalError) {
        switch outcome {
        case let .value(scaled): self.scaled = scaled
        case .malformed: throw .malformed(text())
        case .outOfRange: throw .outOfRange(text())
        case .tooPrecise: throw .tooPrecise(text())
        }
    }

    private enum Reading {
        case value(Int128)
        case malformed, outOfRange, tooPrecise
    }

    /// The grammar and the limits, by arithmetic on the digits: the digits are shifted by the
    /// exponent, leading integer and trailing fractional zeros dropped, and what remains (at
    /// most 38 digits) is scaled to units of 10^-18. No text round trip, no locale.
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
        // At most 38 digits: the last 19 and the rest each fit a UInt64, and the whole, scaled
        // up to 18 fractional digits, stays below 10^38.
        let split = max(first, end - 19)
        var high: UInt64 = 0, low: UInt64 = 0
        for k in first..<split { high = high * 10 + digit(k) }
        for k in split..<end { low = low * 10 + digit(k) }
        var digits = Int128(low)
        if split > first { digits += Int128(high) * 10_000_000_000_000_000_000 }
        let scaled = digits * powerOfTen(maximumFractionDigits - (end - point))
        return .value(negative ? -scaled : scaled)
    }

    /// 10^exponent for 0 ≤ exponent ≤ 18.
    private static func powerOfTen(_ exponent: Int) -> Int128 {
        var power: Int64 = 1
        for _ in 0..<exponent { power *= 10 }
        return Int128(power)
    }

    /// Canonical text: no exponent, no trailing fractional zeros, `0` for zero.
    ///
    /// Written by hand because rows are written with it: the magnitude is split once by 10^19
    /// (one 128-by-64-bit division, as the magnitude is below 10^38 < 10^19 · 2^64), and the
    /// two halves are printed as 64-bit integers.
    public var description: String {
        if scaled == 0 { return "0" }
        let magnitude = scaled.magnitude
        let (upper, lower) = UInt64(10_000_000_000_000_000_000).dividingFullWidth(
            (high: UInt64(truncatingIfNeeded: magnitude >> 64), low: UInt64(truncatingIfNeeded: magnitude)))
        // The integer part is `upper` followed by the first of the 19 digits of `lower`.
        let unitsDigit = UInt8(truncatingIfNeeded: lower / 1_000_000_000_000_000_000)
        var fraction = lower % 1_000_000_000_000_000_000
        var fractionDigits = fraction == 0 ? 0 : Self.maximumFractionDigits
        while fractionDigits > 0, fraction % 10 == 0 { fraction /= 10; fractionDigits -= 1 }
        // Sign, 20 integer digits, point, 18 fractional digits.
        return String(unsafeUninitializedCapacity: 40) { buffer in
            var count = 0
            if scaled < 0 { buffer[count] = UInt8(ascii: "-"); count += 1 }
            if upper > 0 { count = Self.write(upper, digits: Self.digitCount(upper), into: buffer, at: count) }
            buffer[count] = 48 + unitsDigit; count += 1
            if fractionDigits > 0 {
                buffer[count] = UInt8(ascii: "."); count += 1
                count = Self.write(fraction, digits: fractionDigits, into: buffer, at: count)
            }
            return count
        }
    }

    private static func digitCount(_ value: UInt64) -> Int {
        var count = 1, rest = value
        while rest >= 10 { rest /= 10; count += 1 }
        return count
    }

    /// Writes `value` as exactly `digits` digits (zero-padded on the left) at `start`; returns
    /// the index after them.
    private static func write(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var rest = value, index = start + digits
        while index > start {
            index -= 1
            buffer[index] = 48 + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        return start + digits
    }

    public var isNegative: Bool { scaled < 0 }
    public var isZero: Bool { scaled == 0 }

    /// The sum, or ``ExactDecimalError/overflow`` when it leaves the exact range.
    public func adding(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        let (sum, overflow) = scaled.addingReportingOverflow(other.scaled)
        return try Self.checked(sum, overflow: overflow)
    }

    /// The difference, or ``ExactDecimalError/overflow`` when it leaves the exact range.
    public func subtracting(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        let (difference, overflow) = scaled.subtractingReportingOverflow(other.scaled)
        return try Self.checked(difference, overflow: overflow)
    }

    /// Cannot overflow: the range is symmetric.
    public var negated: ExactDecimal { ExactDecimal(scaled: -scaled) }

    private static func checked(_ result: Int128, overflow: Bool) throws(ExactDecimalError) -> ExactDecimal {
        // Both operands are whole units of 10^-18, so the result is too; only the integer part
        // can grow out of range. Two values near ±10^20 can pass Int128 itself; the wrapped
        // result would still fail the magnitude test (2^128 - 2 * 10^38 > 10^38), but the flag
        // says so without leaning on that.
        guard !overflow, result.magnitude < limit else { throw .overflow }
        return ExactDecimal(scaled: result)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool { a.scaled < b.scaled }
    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool { a.scaled == b.scaled }
    /// One representation per value, so the integer's words are the whole identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(truncatingIfNeeded: scaled))
        hasher.combine(UInt64(truncatingIfNeeded: scaled >> 64))
    }
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
