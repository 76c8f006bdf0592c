import VerifyAPI
import VshRuntime
import VshSyntax
import VshSystem

/// Shows the interpreter's events: `print` output always, requests and assertions with `--verbose`.
struct EventPrinter: Sendable {
    let console: Console
    let file: SourceFile
    let verbose: Bool
    let counter: Counter
    /// The run's secrets: statement texts and request lines are shown without them.
    let redaction: SharedRedactor

    /// A statement's source text as it may be shown.
    func text(_ statement: Statement) -> String {
        redaction.current.redact(sourceLine: file.text(in: statement.range))
    }

    func handle(_ event: RunEvent) {
        switch event {
        case .printed(let text, _):
            console.out(text.hasSuffix("\n") ? text : text + "\n")
        case .exchange(let request, let response, let duration, let statement):
            counter.requests += 1
            counter.steps.append(
                Step(
                    kind: .request, line: statement.range.lowerBound.line, column: statement.range.lowerBound.column,
                    text: text(statement), outcome: .passed, duration: duration, status: response.status))
            guard verbose else { return }
            let status = console.styled(response.statusLine, response.isSuccess ? .green : .yellow)
            console.out("  \(console.styled(String(statement.range.lowerBound.line), .dim))  \(request.method.rawValue) \(request.shownTarget) → \(status) \(console.styled(format(duration), .dim))\n")
        case .assertionPassed(let statement):
            counter.assertions += 1
            counter.steps.append(
                Step(
                    kind: .assertion, line: statement.range.lowerBound.line, column: statement.range.lowerBound.column,
                    text: text(statement), outcome: .passed, duration: .zero))
            guard verbose else { return }
            console.out("  \(console.styled(String(statement.range.lowerBound.line), .dim))  \(console.styled("✓", .green)) \(text(statement))\n")
        case .slept(let duration, let statement):
            guard verbose else { return }
            console.out("  \(console.styled(String(statement.range.lowerBound.line), .dim))  slept \(DurationText.format(duration))\n")
        case .faulted(let id, let statement):
            guard verbose else { return }
            console.out("  \(console.styled(String(statement.range.lowerBound.line), .dim))  \(id.map { "armed fault \($0)" } ?? "cleared the faults")\n")
        case .sessionChanged:
            break
        }
    }
}
