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
    func text(_ site: StatementSite) -> String {
        redaction.current.redact(sourceLine: (site.file ?? file).text(in: site.statement.range))
    }

    /// `12` for a line of the script, `flows/signup.vsh:4` for one of an included file, and
    /// the iteration in a loop: `12 #3`.
    func place(_ site: StatementSite) -> String {
        let line = site.file.map { "\($0.name):\(site.location.line)" } ?? String(site.location.line)
        return site.iterations.isEmpty ? line : line + " #" + site.iterations.map(String.init).joined(separator: ".")
    }

    func handle(_ event: RunEvent) {
        switch event {
        case .printed(let text, _):
            console.out(text.hasSuffix("\n") ? text : text + "\n")
        case .exchange(let request, let response, let duration, let site):
            counter.requests += 1
            counter.keep { step(.request, site, duration: duration, status: response.status) }
            guard verbose else { return }
            let status = console.styled(response.statusLine, response.isSuccess ? .green : .yellow)
            console.out("  \(console.styled(place(site), .dim))  \(request.method.rawValue) \(request.shownTarget) → \(status) \(console.styled(format(duration), .dim))\n")
        case .assertionPassed(let site):
            counter.assertions += 1
            counter.keep { step(.assertion, site, duration: .zero, status: nil) }
            guard verbose else { return }
            console.out("  \(console.styled(place(site), .dim))  \(console.styled("✓", .green)) \(text(site))\n")
        case .slept(let duration, let site):
            guard verbose else { return }
            console.out("  \(console.styled(place(site), .dim))  slept \(DurationText.format(duration))\n")
        case .faulted(let id, let site):
            guard verbose else { return }
            console.out("  \(console.styled(place(site), .dim))  \(id.map { "armed fault \($0)" } ?? "cleared the faults")\n")
        case .polled(let attempts, let waited, let site):
            guard verbose else { return }
            console.out("  \(console.styled(place(site), .dim))  poll held after \(attempts) attempt\(attempts == 1 ? "" : "s") (waited \(DurationText.format(waited)))\n")
        case .sessionChanged:
            break
        }
    }

    private func step(_ kind: Step.Kind, _ site: StatementSite, duration: Duration, status: Int?) -> Step {
        Step(
            kind: kind, line: site.location.line, column: site.location.column, text: text(site), outcome: .passed, duration: duration,
            status: status, file: site.file?.name, iterations: site.iterations)
    }
}
