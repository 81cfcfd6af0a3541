/// Reads `xsd:dateTimeStamp` text (`2024-05-01T09:30:00Z`, `2024-05-01T09:30:00.250+02:00`)
/// into milliseconds since the Unix epoch, by arithmetic alone so every node agrees.
///
/// A timezone is required (that is what distinguishes dateTimeStamp from dateTime); digits of
/// a second past milliseconds are ignored.
public enum DateTimeStamp {
    /// `ms` since the epoch as `YYYY-MM-DDThh:mm:ss.sssZ` (UTC), for years 0 to 9999; other
    /// years with as many digits as they take, and a sign before the year.
    public static func text(_ ms: Int64) -> String {
        let (days, inDay) = ms.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, milli) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        // Days to a civil date (proleptic Gregorian), after Howard Hinnant's days_from_civil inverse.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let digits = String(v.magnitude)
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(milli / 3_600_000, 2)):\(pad(milli / 60_000 % 60, 2)):"
            + "\(pad(milli / 1000 % 60, 2)).\(pad(milli % 1000, 3))Z"
    }

    public static func milliseconds(from text: String) throws(ReasonError) -> Int64 {
        var text = text
        guard let value = text.withUTF8({ milliseconds(utf8: $0) }) else { throw failure(text) }
        return value
    }

    /// ``milliseconds(from:)`` over UTF-8 bytes; nil when they are not a date-time stamp.
    package static func milliseconds(utf8 b: UnsafeBufferPointer<UInt8>) -> Int64? {
        try? reading(b)
    }

    package static func failure(_ text: String) -> ReasonError {
        ReasonError("\"\(text)\" is not a date-time with timezone, e.g. 2024-05-01T09:30:00Z")
    }

    private struct Malformed: Error {}

    private static func reading(_ b: UnsafeBufferPointer<UInt8>) throws(Malformed) -> Int64 {
        func fail() -> Malformed { Malformed() }
        func number(_ range: Range<Int>) throws(Malformed) -> Int64 {
            guard range.upperBound <= b.count else { throw fail() }
            var v: Int64 = 0
            for i in range {
                guard (48...57).contains(b[i]) else { throw fail() }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { throw fail() }
        let year = try number(0..<4), month = try number(5..<7), day = try number(8..<10)
        let hour = try number(11..<13), minute = try number(14..<16), second = try number(17..<19)
        var i = 19
        var millis: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, (48...57).contains(b[i]) {
                if digits < 3 { millis = millis * 10 + Int64(b[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { throw fail() }
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        guard i < b.count else { throw fail() }
        var offsetMinutes: Int64 = 0
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":") else { throw fail() }
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            let oh = try number(i + 1..<i + 3), om = try number(i + 4..<i + 6)
            guard oh <= 14, om < 60 else { throw fail() }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else { throw fail() }
        guard i == b.count else { throw fail() }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let daysInMonth: Int64 = switch month {
        case 2: leap ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth,
              hour < 24, minute < 60, second < 60 else { throw fail() }
        // Days from civil (Howard Hinnant's algorithm), exact for the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return seconds * 1000 + millis
    }
}
