/// The one rule for number literals in scripts: a literal is taken only when a JSON
/// number (a `Double`) holds exactly the value written. `9007199254740993` would become
/// …992 and a 400-digit literal infinity, silently; both are refused instead, with
/// the hint to write a string (codes and ids are strings anyway).
public enum NumberLiteral {
    /// The value of `text` (`-?digits[.digits]`) when a `Double` holds it exactly, else nil.
    public static func exactValue(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        // Swift prints the shortest text that reads back as the same Double; the
        // literal is exact when it names the same decimal number as that text.
        return decimalDigits(text) == decimalDigits(shortest(value)) ? value : nil
    }

    /// `value` written without an exponent, as a literal would be.
    private static func shortest(_ value: Double) -> String {
        let text = String(value)
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        // `1e+16` → `10000000000000000`, `1.5e-07` → `0.00000015`.
        let mantissa = text[..<e]
        guard let exponent = Int(text[text.index(after: e)...]) else { return text }
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let digits = whole + fraction
        let point = whole.count + exponent
        let body: String
        if point <= 0 {
            body = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            body = digits + String(repeating: "0", count: point - digits.count)
        } else {
            body = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        return (negative ? "-" : "") + body
    }

    /// A decimal number's sign, significant digits and the position of its point,
    /// so that `1.50`, `01.5` and `1.5` compare equal.
    private static func decimalDigits(_ text: String) -> (negative: Bool, digits: String, point: Int) {
        var unsigned = Substring(text)
        let negative = unsigned.hasPrefix("-")
        if negative { unsigned = unsigned.dropFirst() }
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0].drop(while: { $0 == "0" })
        var fraction = parts.count > 1 ? parts[1] : ""
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        var digits = String(whole) + fraction
        var point = whole.count
        // Leading zeros of a number below one move the point, not the digits.
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return (false, "", 0) }  // zero, and -0 is 0
        return (negative, digits, point)
    }
}
