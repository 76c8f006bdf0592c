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
    /// Set when the range is in an included file rather than in the file reported on.
    public var source: DiagnosticSource?

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

/// The included file a diagnostic's range is in, and the include lines that led there.
public struct DiagnosticSource: Sendable, Equatable {
    public var file: SourceFile
    /// Innermost first: the line that included `file`, then the line that included that one…
    public var includedFrom: [IncludeSite]

    public init(file: SourceFile, includedFrom: [IncludeSite]) {
        self.file = file
        self.includedFrom = includedFrom
    }

    public static func == (a: DiagnosticSource, b: DiagnosticSource) -> Bool {
        a.file.name == b.file.name && a.includedFrom == b.includedFrom
    }
}

/// An `include` line: the file it is in and where.
public struct IncludeSite: Sendable, Equatable {
    public var file: String
    public var location: SourceLocation

    public init(file: String, location: SourceLocation) {
        self.file = file
        self.location = location
    }
}

extension Diagnostic {
    /// The diagnostic as seen from the file that includes `unit` at `site`: its range is in
    /// `unit` (unless already further in), and the chain gains `site`.
    public func included(from site: IncludeSite, unit: SourceFile) -> Diagnostic {
        var copy = self
        if var source = copy.source {
            source.includedFrom.append(site)
            copy.source = source
        } else {
            copy.source = DiagnosticSource(file: unit, includedFrom: [site])
        }
        return copy
    }

    /// Where it is, for sorting the diagnostics of one file: those inside includes sort at
    /// the include line that led to them (the outermost one), so the file reads in order.
    public var sortKey: SourceLocation { source?.includedFrom.last?.location ?? range.lowerBound }
}
