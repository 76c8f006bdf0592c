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
        self.message = message
        self.range = range
        self.details = details
        self.hint = hint
    }
}
