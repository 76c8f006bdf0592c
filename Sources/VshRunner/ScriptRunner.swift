import Synchronization
import VerifyAPI
import VshSyntax
import VshSystem

/// Runs script files, `jobs` at a time (this file: the scheduling), printing results to stdout and
/// diagnostics to stderr; the exit status is the worst of the files'.
public struct ScriptRunner: Sendable {
    public let console: Console
    public let configuration: RunConfiguration

    public init(console: Console, configuration: RunConfiguration) {
        self.console = console
        self.configuration = configuration
    }

    var printer: DiagnosticPrinter { DiagnosticPrinter(color: console.color, redactor: Redactor(environment: configuration.environment)) }

    /// Runs every input (`jobs` at a time), prints each file's output grouped and in input
    /// order, a summary, and the reports. Returns the process exit status.
    public func run(_ inputs: [ScriptInput]) async -> ExitStatus {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = Timestamp.now()
        let refused = refusedRecordings(inputs)
        guard refused.isEmpty else {
            console.err(refused.map { printer.render($0) }.joined())
            return .usage
        }
        let jobs = max(1, min(configuration.jobs, inputs.count))
        // One file at a time, showing everything: its output as it happens (a live `$otp`
        // prompt, a long `sleep`). Otherwise each file's output is held and shown whole.
        let streaming = jobs == 1 && !configuration.quiet && !configuration.progress
        var results = [FileResult?](repeating: nil, count: inputs.count)
        var shown = 0
        var stopped = false
        let display = Display(console: console, progress: configuration.progress, total: inputs.count, clock: clock, start: start)

        await withTaskGroup(of: (Int, FileResult).self) { group in
            var next = 0
            func launch() {
                let index = next
                let input = inputs[index]
                next += 1
                group.addTask {
                    if streaming { return (index, await self.run(input)) }
                    let buffer = OutputBuffer()
                    let runner = ScriptRunner(console: Console(color: console.color, write: buffer.append), configuration: configuration)
                    var result = await runner.run(input)
                    result.output = buffer.chunks
                    return (index, result)
                }
            }
            while next < inputs.count, next < jobs { launch() }
            while let (index, result) = await group.next() {
                results[index] = result
                if result.status != .success, configuration.failFast { stopped = true }
                while shown < inputs.count, let ready = results[shown] {
                    show(ready, streaming: streaming, display: display)
                    shown += 1
                }
                display.redraw()
                if next < inputs.count, !stopped { launch() }
            }
        }
        // Files --fail-fast kept from starting.
        var all: [FileResult] = []
        for (index, input) in inputs.enumerated() {
            if let result = results[index] {
                all.append(result)
            } else {
                var skipped = FileResult(input: input, status: .success, duration: .zero)
                skipped.notRun = true
                all.append(skipped)
            }
        }
        display.clearProgress()
        let duration = clock.now - start
        let worst = all.map(\.status).max() ?? .success
        if configuration.summary { printSummary(all, duration: duration, worst: worst) }
        var status = worst
        for (path, text) in [(configuration.junitReport, { RunReport.junit(all, duration: duration, timestamp: startedAt) }),
                             (configuration.jsonReport, { RunReport.json(all, duration: duration, timestamp: startedAt) })] {
            guard let path else { continue }
            if let problem = FileSystem.writeAtomically(Array(text().utf8), to: path) {
                console.err(printer.render(CommandError(problem, file: path, status: .runtimeFailure)))
                status = max(status, .runtimeFailure)
            }
        }
        return status
    }
}

/// Holds a file's output while it runs beside others.
final class OutputBuffer: Sendable {
    private let storage = Mutex<[(Console.Stream, String)]>([])

    @Sendable func append(_ stream: Console.Stream, _ text: String) {
        storage.withLock { $0.append((stream, text)) }
    }

    var chunks: [(Console.Stream, String)] { storage.withLock { $0 } }
}
