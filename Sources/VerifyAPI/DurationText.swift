/// Durations as people write them in scripts and in the sandbox's clock endpoint:
/// `11m`, `30s`, `500ms`, `1h30m`.
public enum DurationText {
    /// Parses one or more `<whole number><unit>` parts, units `ms`, `s`, `m`, `h`, `d`.
    /// Returns nil for anything else, including an empty string and a bare number.
    public static func parse(_ text: some StringProtocol) -> Duration? {
        var total = Duration.zero
        var bytes = Substring(text).utf8[...]
        guard !bytes.isEmpty else { return nil }
        while !bytes.isEmpty {
            let digits = bytes.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            bytes = bytes.dropFirst(digits.count)
            let value = Int64(digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
            let unit = bytes.prefix(while: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
            bytes = bytes.dropFirst(unit.count)
            switch String(decoding: unit, as: UTF8.self) {
            case "ms": total += .milliseconds(value)
            case "s": total += .seconds(value)
            case "m": total += .seconds(value * 60)
            case "h": total += .seconds(value * 3600)
            case "d": total += .seconds(value * 86_400)
            default: return nil
            }
        }
        return total
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
