import VerifyAPI

/// Renders diagnostics the one way vsh shows them:
///
///     examples/login.vsh:4:8: error: expected an expression after `==`
///         4 | assert status ==
///           |               ^^
///           = hint: …
///
/// Columns are counted in characters; a long line is cut to a window around the caret.
public struct DiagnosticPrinter: Sendable {
    public var color: Bool
    /// Lines longer than this are shown as a window around the span.
    public var maxLineWidth = 120
    /// The run's secrets: never shown, in the message or in the quoted source line.
    public var redactor = Redactor()

    public init(color: Bool = false, redactor: Redactor = Redactor()) {
        self.color = color
        self.redactor = redactor
    }

    /// `file`: the file reported on; a diagnostic inside an included file is shown in that
    /// file, followed by the chain of include lines that led to it.
    public func render(_ diagnostic: Diagnostic, in reported: SourceFile) -> String {
        let file = diagnostic.source?.file ?? reported
        let start = diagnostic.range.lowerBound
        let sourceBytes = file.lineBytes(start.line)
        let sourceStart = min(max(0, start.column - 1), sourceBytes.count)
        let sourceEnd: Int =
            diagnostic.range.upperBound.line == start.line
            ? min(max(sourceStart, diagnostic.range.upperBound.column - 1), sourceBytes.count)
            : sourceBytes.count
        // Secrets leave the line first, so the caret is placed on what is shown.
        let (lineBytes, redactedSpan) = redactor.redact(sourceLine: sourceBytes, span: sourceStart..<sourceEnd)
        let (startByte, endByte) = (redactedSpan.lowerBound, redactedSpan.upperBound)
        let diagnostic = redactor.redact(diagnostic)
        // The column counts characters from the line's start; everything else looks only at a
        // few hundred bytes around the span, so a 10 MB line costs no more than a short one.
        let column = String(decoding: lineBytes[..<startByte], as: UTF8.self).count + 1
        let reach = maxLineWidth * 4
        // (The span can start inside a broken UTF-8 sequence: the cut never passes it.)
        let cutStart = min(startByte, Self.characterBoundary(in: lineBytes, atOrAfter: max(0, startByte - reach)))
        let cutEnd = Self.characterBoundary(in: lineBytes, atOrAfter: min(lineBytes.count, endByte + reach))
        let spanEnd = min(endByte, startByte + reach)
        let prefix = String(decoding: lineBytes[cutStart..<startByte], as: UTF8.self)
        let spanned = String(decoding: lineBytes[startByte..<Self.characterBoundary(in: lineBytes, atOrAfter: spanEnd)], as: UTF8.self)
        let line = String(decoding: lineBytes[cutStart..<cutEnd], as: UTF8.self)

        var out = ""
        out += style("\(redactor.redact(file.name)):\(start.line):\(column): ", .bold)
        out += style("\(diagnostic.severity.rawValue):", diagnostic.severity == .error ? .red : diagnostic.severity == .warning ? .yellow : .cyan)
        out += style(" \(diagnostic.message.replacingTabs())", .bold) + "\n"

        // The source line, cut to a window when it is long, and the caret under the span.
        var shown = Array(line.replacingTabs())
        var caretStart = Array(prefix.replacingTabs()).count
        var caretWidth = max(1, Array(spanned.replacingTabs()).count)
        let cutBefore = cutStart > 0
        let cutAfter = cutEnd < lineBytes.count
        if shown.count > maxLineWidth || cutBefore || cutAfter {
            let windowStart = max(0, min(caretStart - maxLineWidth / 3, shown.count - maxLineWidth))
            let windowEnd = min(shown.count, windowStart + maxLineWidth)
            var window = Array(shown[windowStart..<windowEnd])
            let leading = windowStart > 0 || cutBefore
            if leading { window = Array("…") + window }
            if windowEnd < shown.count || cutAfter { window += Array("…") }
            caretStart = caretStart - windowStart + (leading ? 1 : 0)
            caretWidth = min(caretWidth, max(1, window.count - caretStart))
            shown = window
        }
        let gutter = String(start.line)
        let pad = String(repeating: " ", count: gutter.count)
        out += style(" \(gutter) | ", .blue) + String(shown) + "\n"
        out += style(" \(pad) | ", .blue) + String(repeating: " ", count: max(0, caretStart))
        out += style(String(repeating: "^", count: caretWidth), diagnostic.severity == .error ? .red : .yellow) + "\n"
        for detail in diagnostic.details {
            out += style(" \(pad) | ", .blue) + String(repeating: " ", count: max(0, caretStart)) + detail.replacingTabs() + "\n"
        }
        if let hint = diagnostic.hint {
            out += style(" \(pad) = ", .blue) + style("hint:", .cyan) + " \(hint.replacingTabs())\n"
        }
        for site in diagnostic.source?.includedFrom ?? [] {
            out += style(" \(pad) = ", .blue) + style("note:", .cyan) + " included from \(redactor.redact(site.file)):\(site.location.line):\(site.location.column)\n"
        }
        return out
    }

    /// The first offset at or after `offset` that starts a character (not a UTF-8 continuation byte).
    static func characterBoundary(in bytes: [UInt8], atOrAfter offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
        return index
    }

    /// The most diagnostics ``render(_:in:limit:)`` prints for one file.
    public static let maxDiagnosticsPerFile = 50

    /// `diagnostics` in source order, at most `limit` of them, then one line saying how
    /// many more there are: 100,000 bad lines make a screenful, not 18 MB.
    public func render(_ diagnostics: [Diagnostic], in file: SourceFile, limit: Int = DiagnosticPrinter.maxDiagnosticsPerFile) -> String {
        let sorted = diagnostics.sorted { $0.sortKey < $1.sortKey }
        var out = ""
        for diagnostic in sorted.prefix(limit) { out += render(diagnostic, in: file) }
        if sorted.count > limit {
            // A parse that stopped at its cap had more than it kept.
            let stopped = sorted.contains { $0.severity == .note && $0.message.hasPrefix("too many errors") }
            let more = sorted.count - limit - (stopped ? 1 : 0)
            if stopped {
                out += render(fileError: "more than \(more) more errors not shown (the first \(limit) are above); reading stopped after \(sorted.count - 1)", file: file.name, severity: .note)
                return out
            }
            out += render(fileError: "\(more) more \(more == 1 ? "error" : "errors") not shown (the first \(limit) are above)", file: file.name, severity: .note)
        }
        return out
    }

    /// A message about a file as a whole, with no line to show: `FILE: error: message`.
    public func render(fileError message: String, file: String, severity: Diagnostic.Severity = .error) -> String {
        // The name too: a path is an argument, and a token pasted into one is still a token.
        let message = redactor.redact(message)
        let file = redactor.redact(file)
        return style("\(file): ", .bold) + style("\(severity.rawValue):", severity == .error ? .red : .yellow) + style(" \(message)", .bold) + "\n"
    }

    enum Style: String {
        case bold = "1", red = "1;31", yellow = "1;33", blue = "34", cyan = "36"
    }

    func style(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}

extension StringProtocol {
    /// Tabs become one space and other control characters their visible pictures (NUL as ␀),
    /// so the caret lines up and nothing reaches the terminal raw (messages quote script text too).
    fileprivate func replacingTabs() -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\t" {
                out.append(" ")
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out.append(Unicode.Scalar(scalar.value == 0x7F ? 0x2421 : 0x2400 + scalar.value)!)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}

extension Redactor {
    /// A diagnostic's message, details and hint without secrets.
    public func redact(_ diagnostic: Diagnostic) -> Diagnostic {
        guard !isEmpty else { return diagnostic }
        var copy = diagnostic
        copy.message = redact(copy.message)
        copy.details = copy.details.map { redact($0) }
        copy.hint = copy.hint.map { redact($0) }
        return copy
    }
}
