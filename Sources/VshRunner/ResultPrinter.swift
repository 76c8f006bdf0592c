import VshSyntax
import VshSystem

/// How results and progress are printed: one line a file, the summary, the live progress line.
extension ScriptRunner {
    /// A finished file, in input order: its held output (all of it when it failed, none with
    /// `--quiet` when it passed), its result line and notes.
    func show(_ result: FileResult, streaming: Bool, display: Display) {
        display.clearProgress()
        if !streaming {
            let failed = result.status != .success
            if !configuration.quiet || failed {
                for (stream, text) in result.output { stream == .output ? console.out(text) : console.err(text) }
            }
        }
        let failed = result.status != .success
        if configuration.summary, !result.notRun, (failed || (!configuration.quiet && !configuration.progress)) {
            console.out(resultLine(result))
            for note in result.notes { console.out("  \(note)\n") }
        } else if configuration.summary, !result.notRun, !configuration.quiet {
            for note in result.notes { console.out("  \(note)\n") }
        }
        display.count(result)
    }

    /// `11 passed, 1 failed (2.3 s)`, and the files `--fail-fast` kept from starting.
    func printSummary(_ all: [FileResult], duration: Duration, worst: ExitStatus) {
        let ran = all.filter { !$0.notRun }
        let passed = ran.filter { $0.status == .success }.count
        var summary = "\(passed) passed, \(ran.count - passed) failed"
        if ran.count < all.count { summary += ", \(all.count - ran.count) not run (--fail-fast)" }
        summary += " (\(format(duration)))"
        console.out(console.styled(summary, worst == .success ? .green : .red) + "\n")
    }

    func resultLine(_ result: FileResult) -> String {
        let time = console.styled(format(result.duration), .dim)
        if result.status == .success {
            let counts = "\(result.requests) request\(result.requests == 1 ? "" : "s"), \(result.assertions) assertion\(result.assertions == 1 ? "" : "s")"
            return "\(console.styled("✓", .green)) \(result.input.name) (\(counts)) \(time)\n"
        }
        return "\(console.styled("✗", .red)) \(result.input.name) (\(result.failure ?? "failed")) \(time)\n"
    }
}

/// `12 ms`, `1.25 s`, `0.3 ms`.
func format(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    if ms < 1 { return "\((ms * 100).rounded() / 100) ms" }
    if ms < 1000 { return "\(Int(ms.rounded())) ms" }
    return "\((ms / 10).rounded() / 100) s"
}

/// The live progress line on a terminal: `[12/40] 11 passed, 1 failed · 2.3 s`.
final class Display: @unchecked Sendable {
    // Only used from the task that runs `ScriptRunner.run(_:)`.
    let console: Console
    let progress: Bool
    let total: Int
    let clock: ContinuousClock
    let start: ContinuousClock.Instant
    var passed = 0
    var failed = 0
    var drawn = false

    init(console: Console, progress: Bool, total: Int, clock: ContinuousClock, start: ContinuousClock.Instant) {
        self.console = console
        self.progress = progress
        self.total = total
        self.clock = clock
        self.start = start
    }

    func count(_ result: FileResult) {
        guard !result.notRun else { return }
        if result.status == .success { passed += 1 } else { failed += 1 }
    }

    func redraw() {
        guard progress else { return }
        let line = "[\(passed + failed)/\(total)] \(passed) passed, \(failed) failed · \(format(clock.now - start))"
        console.out("\r\u{1B}[K" + console.styled(line, failed == 0 ? .dim : .red))
        drawn = true
    }

    func clearProgress() {
        guard progress, drawn else { return }
        console.out("\r\u{1B}[K")
        drawn = false
    }
}
