import Foundation
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The fixed-point `Int128` representation of exact decimals against Foundation's `Decimal`,
/// which holds every in-range value (at most 38 digits) exactly and was the representation
/// before: random values of every digit count, both signs and values near ±10^20 must print,
/// add, subtract, order, compare and hash as Foundation says, and overflow exactly when the
/// result reaches 10^20 in magnitude.
final class ExactDecimalTests: XCTestCase {
    static let posix = Locale(identifier: "en_US_POSIX")
    static let limit = Decimal(string: "100000000000000000000", locale: posix)!
    /// Int128.max in units of 10^-18: sums beyond it must be caught before they wrap.
    static let int128Max = Decimal(string: "170141183460469231731.687303715884105727", locale: posix)!
    static let largest = "99999999999999999999.999999999999999999"
    static let smallest = "-99999999999999999999.999999999999999999"
    static let ulp = "0.000000000000000001"

    func reference(_ text: String) throws -> Decimal {
        try XCTUnwrap(Decimal(string: text, locale: Self.posix), text)
    }

    func referenceDescription(_ value: Decimal) -> String { value.isZero ? "0" : value.description }

    /// A random in-range value: its canonical text and other spellings of it.
    struct Sample {
        var canonical: String
        var spellings: [String]
    }

    func randomDigits(_ count: Int, using rng: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(Unicode.Scalar(UInt8.random(in: 48...57, using: &rng))) })
    }

    func sample(using rng: inout SplitMix64) -> Sample {
        var integer: String, fraction: String
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            // At the edge of the range: all nines, or nines with a random fraction.
            integer = String(repeating: "9", count: 20)
            fraction = Bool.random(using: &rng) ? String(repeating: "9", count: 18) : randomDigits(Int.random(in: 0...18, using: &rng), using: &rng)
        case 1:
            // Around 5 × 10^19, so that sums land on both sides of 10^20.
            integer = (Bool.random(using: &rng) ? "4" : "5") + randomDigits(19, using: &rng)
            fraction = randomDigits(Int.random(in: 0...18, using: &rng), using: &rng)
        default:
            let integerCounts = [0, 1, 2, 5, 10, 19, 20, 20, Int.random(in: 0...20, using: &rng)]
            let fractionCounts = [0, 0, 1, 2, 9, 17, 18, 18, Int.random(in: 0...18, using: &rng)]
            integer = randomDigits(integerCounts.randomElement(using: &rng)!, using: &rng)
            fraction = randomDigits(fractionCounts.randomElement(using: &rng)!, using: &rng)
        }
        let negative = Bool.random(using: &rng)
        let sign = negative ? "-" : ""
        let rawInteger = integer.isEmpty ? "0" : integer
        let rawText = sign + rawInteger + (fraction.isEmpty ? "" : "." + fraction)
        while integer.first == "0" { integer.removeFirst() }
        while fraction.last == "0" { fraction.removeLast() }
        let isZero = integer.isEmpty && fraction.isEmpty
        var canonical = integer.isEmpty ? "0" : integer
        if !fraction.isEmpty { canonical += "." + fraction }
        if negative && !isZero { canonical = "-" + canonical }
        let digits = integer + fraction
        var spellings = [rawText, sign + "00" + (integer.isEmpty ? "0" : integer) + "." + fraction + "000"]
        if !digits.isEmpty {
            // Every digit before the point, then the point moved back by the exponent.
            spellings.append(sign + digits + (fraction.isEmpty ? "E+0" : "e-\(fraction.count)"))
            // Every digit after the point, then the point moved forward.
            spellings.append(sign + "0." + digits + "e\(integer.count)")
        }
        return Sample(canonical: canonical, spellings: spellings)
    }

    func testRandomValuesAgreeWithFoundation() throws {
        var rng = SplitMix64(seed: 2024)
        let samples = (0..<4000).map { _ in sample(using: &rng) }
        var values: [ExactDecimal] = []
        for s in samples {
            let value = try ExactDecimal(parsing: s.canonical)
            XCTAssertEqual(value.description, s.canonical, "round trip")
            let decimal = try reference(s.canonical)
            XCTAssertEqual(value.description, referenceDescription(decimal), s.canonical)
            XCTAssertEqual(value.isNegative, decimal < 0, s.canonical)
            XCTAssertEqual(value.isZero, decimal.isZero, s.canonical)
            XCTAssertEqual(value.negated.description, referenceDescription(-decimal), s.canonical)
            for spelling in s.spellings {
                let other = try ExactDecimal(parsing: spelling)
                XCTAssertEqual(other, value, "\(spelling) vs \(s.canonical)")
                XCTAssertEqual(other.hashValue, value.hashValue, "\(spelling) vs \(s.canonical)")
                XCTAssertEqual(other.description, s.canonical, spelling)
                let bytes = Array(spelling.utf8)
                XCTAssertEqual(try bytes.withUnsafeBufferPointer { try ExactDecimal(utf8: $0) }, value, spelling)
            }
            values.append(value)
        }

        var overflows = 0, pastInt128 = 0, sums = 0
        func check(_ a: ExactDecimal, _ b: ExactDecimal) throws {
            let x = try reference(a.description), y = try reference(b.description)
            XCTAssertEqual(a < b, x < y, "\(a) < \(b)")
            XCTAssertEqual(a == b, x == y, "\(a) == \(b)")
            XCTAssertEqual(b < a, y < x, "\(b) < \(a)")
            for (name, result, expected) in [("+", outcome { try a.adding(b) }, x + y), ("-", outcome { try a.subtracting(b) }, x - y)] {
                sums += 1
                if expected.magnitude >= Self.limit {
                    overflows += 1
                    if expected.magnitude > Self.int128Max { pastInt128 += 1 }
                    XCTAssertEqual(result.failure, .overflow, "\(a) \(name) \(b) = \(expected)")
                } else {
                    XCTAssertEqual(try result.get().description, referenceDescription(expected), "\(a) \(name) \(b)")
                }
            }
        }
        for (a, b) in zip(values, values.dropFirst()) { try check(a, b) }
        for _ in 0..<4000 { try check(values.randomElement(using: &rng)!, values.randomElement(using: &rng)!) }
        for a in values.prefix(500) { try check(a, a); try check(a, a.negated) }
        // The generator reaches the interesting cases, or the checks above prove little.
        XCTAssertGreaterThan(overflows, 500)
        XCTAssertGreaterThan(pastInt128, 50)
        XCTAssertGreaterThan(sums - overflows, 10_000)

        // Equal values hash equal: a set keeps one of each.
        let distinct = Set(samples.map(\.canonical))
        let spelled = Set(try samples.flatMap(\.spellings).map { try ExactDecimal(parsing: $0) })
        XCTAssertEqual(spelled.count, distinct.count)
    }

    func testEdges() throws {
        XCTAssertEqual(try dec("0.1").adding(dec("0.2")), dec("0.3"))
        XCTAssertEqual(try dec("0.3").subtracting(dec("0.1")), dec("0.2"))

        for zero in ["-0", "-0.000", "0e5", "-0e-5000", "00.00"] {
            XCTAssertEqual(dec(zero), dec("0"), zero)
            XCTAssertEqual(dec(zero), .zero, zero)
            XCTAssertEqual(dec(zero).hashValue, dec("0").hashValue, zero)
            XCTAssertEqual(dec(zero).description, "0", zero)
            XCTAssertFalse(dec(zero).isNegative, zero)
            XCTAssertTrue(dec(zero).isZero, zero)
        }
        XCTAssertEqual(ExactDecimal.zero.negated.description, "0")

        for (a, b) in [("1.50", "1.5"), ("1.5", "15e-1"), ("1.5", "0.15E+1"), ("-2", "-2.000"), ("100", "1e2")] {
            XCTAssertEqual(dec(a), dec(b))
            XCTAssertEqual(dec(a).hashValue, dec(b).hashValue, "\(a) \(b)")
        }
        XCTAssertNotEqual(dec("1.5"), dec("-1.5"))
        XCTAssertNotEqual(dec(Self.ulp), dec("0"))

        let largest = dec(Self.largest), smallest = dec(Self.smallest), ulp = dec(Self.ulp)
        XCTAssertEqual(largest.description, Self.largest)
        XCTAssertEqual(smallest.description, Self.smallest)
        XCTAssertEqual(largest.negated, smallest)
        XCTAssertEqual(smallest.negated, largest)
        XCTAssertTrue(smallest < largest)
        XCTAssertTrue(smallest < ulp.negated && ulp.negated < .zero && .zero < ulp && ulp < largest)
        let overflowing: [() throws -> ExactDecimal] = [
            { try largest.adding(ulp) }, { try largest.subtracting(ulp.negated) },
            { try smallest.subtracting(ulp) }, { try smallest.adding(ulp.negated) },
            // Past Int128 itself, not only past 10^20.
            { try largest.adding(largest) }, { try smallest.adding(smallest) },
            { try largest.subtracting(smallest) }, { try smallest.subtracting(largest) },
            { try dec("50000000000000000000").adding(dec("50000000000000000000")) },
        ]
        for (index, operation) in overflowing.enumerated() {
            XCTAssertEqual(outcome(operation).failure, .overflow, "case \(index)")
        }
        XCTAssertEqual(try smallest.subtracting(smallest), .zero)
        XCTAssertEqual(try largest.subtracting(largest), .zero)
        XCTAssertEqual(try smallest.adding(largest), .zero)
        XCTAssertEqual(try largest.subtracting(ulp).adding(ulp), largest)
        XCTAssertEqual(try largest.subtracting(ulp).description, "99999999999999999999.999999999999999998")
        XCTAssertEqual(try dec("49999999999999999999.999999999999999999").adding(dec("50000000000000000000")), largest)

        // Both halves of the printed magnitude (split at 10^19 units) and the boundary between them.
        for text in ["10000000000000000000", "1000000000000000000", "18446744073709551616", "-9999999999999999999.5",
                     "0.5", "-0.05", "12345678901234567890.1", "7.000000000000000001", "1", "-1", "10", "0.1"] {
            XCTAssertEqual(dec(text).description, text)
        }
        XCTAssertEqual(dec("1e19").description, "10000000000000000000")
        XCTAssertEqual(dec("-12.50").description, "-12.5")
        XCTAssertEqual(outcome { try ExactDecimal(parsing: "100000000000000000000") }.failure, .outOfRange("100000000000000000000"))
        XCTAssertEqual(outcome { try ExactDecimal(parsing: "1e20") }.failure, .outOfRange("1e20"))
        XCTAssertEqual(outcome { try ExactDecimal(parsing: "1e-19") }.failure, .tooPrecise("1e-19"))
        XCTAssertEqual(outcome { try ExactDecimal(parsing: "1.") }.failure, .malformed("1."))
    }
}

private func outcome(_ body: () throws -> ExactDecimal) -> Result<ExactDecimal, any Error> { Result(catching: body) }

private extension Result {
    var failure: ExactDecimalError? {
        if case let .failure(error) = self { error as? ExactDecimalError } else { nil }
    }
}
