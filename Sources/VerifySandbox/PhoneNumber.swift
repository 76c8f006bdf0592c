/// Recipients as the sandbox stores them: E.164 digits without the `+`,
/// the form Plivo echoes back in `recipient`.
enum PhoneNumber {
    /// `+14155550100` or `14155550100` becomes `14155550100`: 8 to 15 digits,
    /// the first not 0. Nil for anything else (spaces, dashes, letters).
    static func normalize(_ text: String) -> String? {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard (8...15).contains(digits.utf8.count), digits.utf8.first != UInt8(ascii: "0"),
            digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return String(digits)
    }

    /// A filter's form of a recipient: with or without `+`, and forgiving of the
    /// space that a raw `+` in a query string decodes to.
    static func filterForm(_ text: String) -> String {
        var rest = Substring(text)
        while let first = rest.first, first == " " || first == "+" { rest = rest.dropFirst() }
        return String(rest)
    }

    /// The calling codes the sandbox knows, and their ISO 3166 alpha-2 countries.
    static let countries: [(callingCode: String, iso2: String)] = [
        ("1", "US"), ("44", "GB"), ("91", "IN"), ("61", "AU"), ("49", "DE"),
        ("33", "FR"), ("34", "ES"), ("55", "BR"), ("81", "JP"), ("65", "SG"),
    ]

    /// `destination_country_iso2` for stored digits: `14155550100` is `US`; `""` when unknown.
    static func countryISO2(ofDigits digits: String) -> String {
        countries.filter { digits.hasPrefix($0.callingCode) }.max { $0.callingCode.count < $1.callingCode.count }?.iso2 ?? ""
    }
}
