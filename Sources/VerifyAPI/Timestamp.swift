#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant in UTC with microsecond precision, as Plivo writes them:
/// `2024-01-01T00:00:05.123456Z`.
///
/// Written without Foundation's date formatters, which would load ICU at start-up.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The wall clock now.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microsecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microsecondsSinceEpoch < b.microsecondsSinceEpoch }

    /// The earliest instant vsh writes: `0001-01-01T00:00:00.000000Z`.
    public static let earliest = Timestamp(microsecondsSinceEpoch: days(fromCivil: 1, 1, 1) * 86_400_000_000)
    /// The latest instant vsh writes: `9999-12-31T23:59:59.999999Z` (four-digit years, as Plivo's).
    public static let latest = Timestamp(microsecondsSinceEpoch: days(fromCivil: 10_000, 1, 1) * 86_400_000_000 - 1)

    /// This instant moved by `duration`, or nil when the result would leave
    /// ``earliest``...``latest``: what a clock that must refuse an absurd advance uses.
    public func adding(_ duration: Duration) -> Timestamp? {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        let (sum, overflow2) = microsecondsSinceEpoch.addingReportingOverflow(whole)
        guard !overflow2 else { return nil }
        let (micros, overflow3) = sum.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        guard !overflow3, (Timestamp.earliest...Timestamp.latest).contains(Timestamp(microsecondsSinceEpoch: micros)) else { return nil }
        return Timestamp(microsecondsSinceEpoch: micros)
    }

    /// This instant moved by `duration`, held to ``earliest``...``latest``: never traps,
    /// whatever the duration. For derived times (an expiry, a list's window); a clock
    /// that is told to move uses ``adding(_:)`` and refuses.
    public func advanced(by duration: Duration) -> Timestamp {
        if let moved = adding(duration) { return moved }
        return duration < .zero ? .earliest : .latest
    }

    /// `2024-01-01T00:00:05.123456Z`
    public var description: String { iso8601 }

    public var iso8601: String { format(dateTimeSeparator: "T", suffix: "Z") }

    /// `2024-01-01 00:00:05.123456`, the form of Plivo's list filters.
    public var filterForm: String { format(dateTimeSeparator: " ", suffix: "") }

    private func format(dateTimeSeparator: String, suffix: String) -> String {
        var micros = microsecondsSinceEpoch % 1_000_000
        var seconds = microsecondsSinceEpoch / 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = Timestamp.civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + dateTimeSeparator
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            + "." + pad(micros, 6) + suffix
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH:MM]`. Without an offset the time is UTC.
    public init?(parsing text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day),
            scanner.take("T") || scanner.take(" ") || scanner.take("t"),
            let hour = scanner.number(digits: 2), scanner.take(":"),
            let minute = scanner.number(digits: 2),
            hour < 24, minute < 60
        else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if scanner.take(":") {
            guard let s = scanner.number(digits: 2), s < 60 else { return nil }
            second = s
            if scanner.take(".") {
                var digits = 0
                while let d = scanner.digit() {
                    if digits < 6 { micros = micros * 10 + d }
                    digits += 1
                }
                guard digits > 0 else { return nil }
                if digits < 6 { for _ in digits..<6 { micros *= 10 } }
            }
        }
        var offsetSeconds: Int64 = 0
        if scanner.take("Z") || scanner.take("z") {
        } else if scanner.peek == UInt8(ascii: "+") || scanner.peek == UInt8(ascii: "-") {
            let sign: Int64 = scanner.take("-") ? -1 : 1
            _ = scanner.take("+")
            guard let oh = scanner.number(digits: 2) else { return nil }
            _ = scanner.take(":")
            guard let om = scanner.number(digits: 2), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        }
        guard scanner.atEnd else { return nil }
        let days = Timestamp.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.init(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithms (public domain).

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    public static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a count of days since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func take(_ c: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: c) else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int64? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int64(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(digits count: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let d = digit() else { return nil }
            value = value * 10 + d
        }
        return value
    }
}
