/// A problem found in a script, pinned to the span of source it is about.
///
/// Every error vsh reports about a script — syntax, static checks, runtime
/// failures, failed assertions — is one of these, printed by ``DiagnosticPrinter``.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Severity: String, Sendable {
        case error, warning, note
    }

    public var severity: Severity
    public var message: String
    public var range: SourceRange
    /// Lines printed under the caret, like `expected: 200` and `  actual: 400`.
    public var details: [String]
    /// A suggestion: "did you mean `session get`?"
    public var hint: String?

    /// An error.
    public init(_ message: String, at range: SourceRange, details: [String] = [], hint: String? = nil) {
        self.init(severity: .error, message, at: range, details: details, hint: hint)
    }

    public init(severity: Severity, _ message: String, at range: SourceRange, details: [String] = [], hint: String? = nil) {
        self.severity = severity
        self.message = Diagnostic.bounded(message)
        self.range = range
        self.details = details.map(Diagnostic.bounded)
        self.hint = hint.map(Diagnostic.bounded)
    }

    /// The most characters a message, a detail line or a hint keeps: a message quoting a
    /// 10 MB word, or an `actual:` line showing a huge answer, stays a line to read.
    public static let maxTextLength = 500

    /// `text`, or its first ``maxTextLength`` characters and a note of how much was cut.
    static func bounded(_ text: String) -> String {
        // Bytes bound characters from above: most texts are short and need no count at all.
        guard text.utf8.count > maxTextLength else { return text }
        var end = text.startIndex
        var kept = 0
        while kept < maxTextLength, end < text.endIndex {
            end = text.index(after: end)
            kept += 1
        }
        guard end < text.endIndex else { return text }
        let cutBytes = text.utf8.distance(from: end, to: text.endIndex)
        return String(text[..<end]) + "… (\(cutBytes) more bytes)"
    }
}
