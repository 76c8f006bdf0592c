/// Durations as people write them in scripts and in the sandbox's clock endpoint:
/// `11m`, `30s`, `500ms`, `1h30m`.
public enum DurationText {
    /// The longest duration vsh accepts anywhere (a `sleep`, a clock advance, a code
    /// lifetime): 100 years. Longer texts are refused where they are read, so no
    /// arithmetic on a user's duration can overflow (a `Timestamp` spans ±292,000 years).
    public static let maximum = Duration.seconds(36_500 * 86_400)
    /// `maximum` as people write it, for messages.
    public static let maximumText = "36500d"

    /// Why a text is not a duration vsh takes.
    public enum Failure: Error, Sendable, Equatable {
        /// Not `<whole number><unit>…` at all.
        case malformed
        /// A well-formed duration longer than ``DurationText/maximum``.
        case tooLong
    }

    /// Parses one or more `<whole number><unit>` parts, units `ms`, `s`, `m`, `h`, `d`,
    /// of at most ``maximum`` in all. Nil for anything else (see ``read(_:)`` for why).
    public static func parse(_ text: some StringProtocol) -> Duration? {
        try? read(text).get()
    }

    /// Parses like ``parse(_:)`` and says why a text is refused. Each part is checked
    /// against ``maximum`` as it is added, so no text, however many parts it has, overflows.
    public static func read(_ text: some StringProtocol) -> Result<Duration, Failure> {
        var totalMilliseconds: Int64 = 0
        let limit = maximum.components.seconds * 1000
        var bytes = Substring(text).utf8[...]
        guard !bytes.isEmpty else { return .failure(.malformed) }
        var tooLong = false
        while !bytes.isEmpty {
            let digits = bytes.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            guard !digits.isEmpty else { return .failure(.malformed) }
            bytes = bytes.dropFirst(digits.count)
            // Leading zeros aside, more than 12 digits is more than `maximum` in any unit.
            let significant = digits.drop(while: { $0 == UInt8(ascii: "0") })
            let value: Int64 = significant.count > 12 ? .max : significant.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
            let unit = bytes.prefix(while: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
            bytes = bytes.dropFirst(unit.count)
            let scale: Int64
            switch String(decoding: unit, as: UTF8.self) {
            case "ms": scale = 1
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            default: return .failure(.malformed)
            }
            // Keep reading after a part that is too long: a malformed text says so first.
            let (part, overflow) = value.multipliedReportingOverflow(by: scale)
            if overflow || part > limit - totalMilliseconds { tooLong = true } else { totalMilliseconds += part }
        }
        return tooLong ? .failure(.tooLong) : .success(.milliseconds(totalMilliseconds))
    }

    /// A measured time for people, to a tenth of a millisecond: `0.6 ms`, `12.3 ms`.
    public static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = seconds * 10_000 + attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10) ms"
    }

    /// The shortest exact rendering: `11m`, `1h30m`, `250ms`, `0s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attos) = duration.components
        var millis = seconds * 1000 + attos / 1_000_000_000_000_000
        guard millis > 0 else { return "0s" }
        var out = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] where millis >= size {
            out += "\(millis / size)\(unit)"
            millis %= size
        }
        return out
    }
}
