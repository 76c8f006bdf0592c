import Synchronization
import VerifyAPI
import VerifyCassette
import VshRuntime
import VshSyntax

/// How `vsh run` runs scripts.
public struct RunConfiguration: Sendable {
    /// Print every request and every assertion as it happens.
    public var verbose: Bool
    /// Print one result line per file and a summary (off when a script is piped to bare `vsh`).
    public var summary: Bool
    /// `--var NAME=VALUE`
    public var variables: [String: String]
    /// The process environment.
    public var environment: [String: String]
    /// A fresh transport for each file, so files share no state. With ``cassette`` in
    /// record mode, the transport that is recorded through; not used to replay.
    public var makeTransport: @Sendable (ScriptInput) throws(UsageError) -> any Transport
    /// Record or replay, with which cassette; nil for neither.
    public var cassette: CassetteOptions?
    /// How many files run at once (`--jobs`); output stays grouped by file, in input order.
    public var jobs: Int = 1
    /// `--quiet`: only failures and the summary.
    public var quiet = false
    /// `--fail-fast`: no file starts after one has failed.
    public var failFast = false
    /// One live progress line instead of a line per passing file (on a terminal).
    public var progress = false
    /// `--report-junit FILE`, `--report-json FILE`.
    public var junitReport: String?
    public var jsonReport: String?

    public init(
        verbose: Bool = false, summary: Bool = true, variables: [String: String] = [:], environment: [String: String] = [:],
        makeTransport: @escaping @Sendable (ScriptInput) throws(UsageError) -> any Transport
    ) {
        self.verbose = verbose
        self.summary = summary
        self.variables = variables
        self.environment = environment
        self.makeTransport = makeTransport
    }
}

/// `--transport record|replay`, `--cassette`, `--overwrite`, `--strict`.
public struct CassetteOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Send through the live transport and write what was exchanged. Refuses to
        /// replace an existing cassette unless `overwrite`: re-recording costs money.
        case record(overwrite: Bool)
        /// Answer from the cassette. With `strict`, exchanges left unplayed fail the file (exit 3).
        case replay(strict: Bool)
    }

    public var mode: Mode
    /// `--cassette FILE`; nil: each script's path with `.har` for `.vsh`.
    public var path: String?
    /// The API root a recording is made against, kept in the cassette (`log._vsh.base_url`).
    public var baseURL: String?

    public init(mode: Mode, path: String? = nil, baseURL: String? = nil) {
        self.mode = mode
        self.path = path
        self.baseURL = baseURL
    }

    /// The cassette of a script: `--cassette`, else `examples/a.vsh` → `examples/a.har`.
    public func cassettePath(for input: ScriptInput) -> String? {
        if let path { return path }
        guard let script = input.path else { return nil }
        return script.hasSuffix(".vsh") ? String(script.dropLast(4)) + ".har" : script + ".har"
    }

    /// The command that records `input`'s cassette again.
    func rerecordCommand(for input: ScriptInput) -> String {
        "vsh run --transport record --overwrite" + (path.map { " --cassette \($0)" } ?? "") + " \(input.name)"
    }
}

/// What happened to one file.
public struct FileResult: Sendable {
    public var input: ScriptInput
    public var status: ExitStatus
    public var duration: Duration
    public var requests = 0
    public var assertions = 0
    /// `line 12: assertion failed`, for the result line.
    public var failure: String?
    /// `recorded 4 exchanges in examples/a.har`, printed after the result line.
    public var notes: [String] = []
    /// The requests and assertions, in order, for the reports.
    public var steps: [Step] = []
    /// Why it failed, for the reports.
    public var failureInfo: FileFailure?
    /// Not started: an earlier file failed and `--fail-fast` was given.
    public var notRun = false
    /// What the file printed (stdout and stderr, in order), when its output was held back.
    var output: [(Console.Stream, String)] = []
}

/// Runs script files one after another, printing results to stdout and
/// diagnostics to stderr; the exit status is the worst of the files'.
public struct ScriptRunner: Sendable {
    public let console: Console
    public let configuration: RunConfiguration

    public init(console: Console, configuration: RunConfiguration) {
        self.console = console
        self.configuration = configuration
    }

    var printer: DiagnosticPrinter { DiagnosticPrinter(color: console.color, redactor: Redactor(environment: configuration.environment)) }

    /// The secrets of one file before it runs: the environment's token and the literal
    /// tokens of its `auth` lines.
    func redaction(for file: SourceFile) -> SharedRedactor {
        var redactor = Redactor(environment: configuration.environment)
        redactor.learnTokens(fromScript: String(decoding: file.bytes, as: UTF8.self))
        return SharedRedactor(redactor)
    }

    /// Runs every input (`jobs` at a time), prints each file's output grouped and in input
    /// order, a summary, and the reports. Returns the process exit status.
    public func run(_ inputs: [ScriptInput]) async -> ExitStatus {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = Timestamp.now()
        if let problem = refusedRecordings(inputs) {
            console.err(problem)
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

        func show(_ result: FileResult) {
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
                    show(ready)
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
        if configuration.summary {
            let ran = all.filter { !$0.notRun }
            let passed = ran.filter { $0.status == .success }.count
            var summary = "\(passed) passed, \(ran.count - passed) failed"
            if ran.count < all.count { summary += ", \(all.count - ran.count) not run (--fail-fast)" }
            summary += " (\(format(duration)))"
            console.out(console.styled(summary, worst == .success ? .green : .red) + "\n")
        }
        var status = worst
        for (path, text) in [(configuration.junitReport, { RunReport.junit(all, duration: duration, timestamp: startedAt) }),
                             (configuration.jsonReport, { RunReport.json(all, duration: duration, timestamp: startedAt) })] {
            guard let path else { continue }
            if let problem = FileSystem.writeAtomically(Array(text().utf8), to: path) {
                console.err(printer.render(fileError: problem, file: path))
                status = max(status, .runtimeFailure)
            }
        }
        return status
    }

    /// Parses, checks and runs one file.
    public func run(_ input: ScriptInput) async -> FileResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = FileResult(input: input, status: .success, duration: .zero)
        let file: SourceFile
        switch ScriptFinder.read(input) {
        case .success(let bytes): file = SourceFile(name: input.name, bytes: bytes)
        case .failure(let error):
            let message = error.message(for: "a script")
            console.err(printer.render(fileError: message, file: input.name))
            result.status = error.status
            result.failure = message
            result.failureInfo = FileFailure(kind: error.status == .usage ? .usage : .malformed, message: message)
            return result
        }
        let (script, parseErrors) = Parser.parse(file)
        let redaction = redaction(for: file)
        var printer = printer
        printer.redactor = redaction.current
        let predefined = Set(configuration.variables.keys).union(configuration.environment.keys)
        let problems = parseErrors + Checker.check(script, predefined: predefined)
        guard problems.isEmpty else {
            let sorted = problems.sorted(by: { $0.range.lowerBound < $1.range.lowerBound })
            console.err(printer.render(sorted, in: file))
            let first = printer.redactor.redact(sorted[0])
            result.failureInfo = FileFailure(
                kind: .malformed, line: first.range.lowerBound.line, column: first.range.lowerBound.column,
                message: first.message + (sorted.count > 1 ? " (and \(sorted.count - 1) more)" : ""), details: first.details)
            result.status = .malformedInput
            result.failure = problems.count == 1 ? "1 error" : "\(problems.count) errors"
            result.duration = clock.now - start
            return result
        }
        if configuration.verbose, configuration.summary { console.out(console.styled(input.name, .bold) + "\n") }

        let transport: any Transport
        switch makeTransport(for: input, redaction: redaction) {
        case .success(let made): transport = made
        case .failure(let failure):
            console.err(printer.render(fileError: failure.message, file: failure.file))
            result.status = failure.status
            result.failure = failure.message
            result.failureInfo = FileFailure(kind: failure.status == .malformedInput ? .malformed : .usage, message: "\(failure.file): \(failure.message)")
            result.duration = clock.now - start
            return result
        }
        let counter = Counter()
        let events = EventPrinter(console: console, file: file, verbose: configuration.verbose, counter: counter, redaction: redaction)
        let interpreter = Interpreter(
            transport: transport,
            options: .init(environment: configuration.environment, variables: configuration.variables),
            redaction: redaction,
            events: events.handle)
        do {
            try await interpreter.run(script)
        } catch let failure {
            printer.redactor = redaction.current
            let error = RunFailure(failure.kind, printer.redactor.redact(failure.diagnostic))
            console.err(printer.render(error.diagnostic, in: file))
            result.status = error.exitCode == 4 ? .assertionFailed : .runtimeFailure
            result.failure = "line \(error.diagnostic.range.lowerBound.line): \(error.kind == .assertion ? "assertion failed" : "runtime failure")"
            let at = error.diagnostic.range.lowerBound
            result.failureInfo = FileFailure(
                kind: error.kind == .assertion ? .assertion : .runtime, line: at.line, column: at.column,
                message: error.diagnostic.message, details: error.diagnostic.details)
            if error.kind == .assertion {
                counter.steps.append(
                    Step(
                        kind: .assertion, line: at.line, column: at.column,
                        text: printer.redactor.redact(sourceLine: file.lineText(at.line).trimmingSpaces),
                        outcome: .failed, duration: .zero, message: error.diagnostic.message, details: error.diagnostic.details))
            }
        }
        // Secrets learned late (an `auth` near the end) are kept out of earlier steps too.
        let final = redaction.current
        result.steps = counter.steps.map { step in
            var step = step
            step.text = final.redact(sourceLine: step.text)
            step.message = step.message.map { final.redact($0) }
            step.details = step.details.map { final.redact($0) }
            return step
        }
        if var info = result.failureInfo {
            info.message = final.redact(info.message)
            info.details = info.details.map { final.redact($0) }
            result.failureInfo = info
        }
        finishCassette(transport, input: input, result: &result)
        result.requests = counter.requests
        result.assertions = counter.assertions
        result.duration = clock.now - start
        return result
    }

    // MARK: Cassettes

    /// Why a file cannot start: a message about `file`, and the exit status.
    struct SetupFailure: Error {
        var file: String
        var message: String
        var status: ExitStatus
    }

    /// The file's transport: the configured one, or a recording through it, or a replay.
    func makeTransport(for input: ScriptInput, redaction: SharedRedactor = SharedRedactor()) -> Result<any Transport, SetupFailure> {
        guard let cassette = configuration.cassette else {
            do {
                return .success(try configuration.makeTransport(input))
            } catch {
                return .failure(SetupFailure(file: input.name, message: error.message, status: .usage))
            }
        }
        guard let path = cassette.cassettePath(for: input) else {
            return .failure(SetupFailure(file: input.name, message: "a script read from standard input needs --cassette FILE", status: .usage))
        }
        switch cassette.mode {
        case .record:
            do {
                return .success(RecordTransport(recordingThrough: try configuration.makeTransport(input), redaction: redaction))
            } catch {
                return .failure(SetupFailure(file: input.name, message: error.message, status: .usage))
            }
        case .replay:
            guard FileSystem.kind(of: path) != nil else {
                return .failure(
                    SetupFailure(
                        file: path, message: "no such cassette (record it once: vsh run --transport record\(cassette.path.map { " --cassette \($0)" } ?? "") \(input.name))",
                        status: .usage))
            }
            let bytes: [UInt8]
            switch FileSystem.read(path, limit: FileSystem.Limit.cassette) {
            case .success(let read): bytes = read
            case .failure(let error):
                return .failure(SetupFailure(file: path, message: "not a cassette vsh can replay: \(error.message(for: "a cassette"))", status: error.status))
            }
            do {
                let loaded = try HARFormat.decode(bytes)
                return .success(
                    ReplayTransport(cassette: loaded, cassetteName: path, rerecordCommand: cassette.rerecordCommand(for: input), redaction: redaction))
            } catch {
                return .failure(SetupFailure(file: path, message: "not a cassette vsh can replay: \(error.message)", status: .malformedInput))
            }
        }
    }

    /// After a file ran: a recording is written, a replay's unplayed exchanges reported.
    func finishCassette(_ transport: any Transport, input: ScriptInput, result: inout FileResult) {
        guard let cassette = configuration.cassette, let path = cassette.cassettePath(for: input) else { return }
        if let recorder = transport as? RecordTransport {
            // Only a run that reached its end replaces a cassette: one cut short by a network
            // error would replace a whole recording with half of one.
            guard result.status == .success || result.status == .assertionFailed else {
                result.notes.append("the run failed, so \(path) was not written")
                return
            }
            let recording = recorder.cassette(script: input.name, baseURL: cassette.baseURL)
            guard !recording.exchanges.isEmpty else {
                result.notes.append("nothing was exchanged, so \(path) was not written")
                return
            }
            if let problem = FileSystem.writeAtomically(HARFormat.encode(recording), to: path) {
                console.err(printer.render(fileError: problem, file: path))
                result.status = max(result.status, .runtimeFailure)
                result.failure = result.failure ?? "cannot write \(path)"
                result.failureInfo = result.failureInfo ?? FileFailure(kind: .runtime, message: problem)
                return
            }
            let count = recording.exchanges.count
            result.notes.append("recorded \(count) \(count == 1 ? "exchange" : "exchanges") in \(path)")
        } else if let replay = transport as? ReplayTransport, result.status == .success || result.status == .assertionFailed {
            let unplayed = replay.unplayed
            guard !unplayed.isEmpty else { return }
            let strict = cassette.mode == .replay(strict: true)
            let count = unplayed.count == 1 ? "1 recorded exchange was" : "\(unplayed.count) recorded exchanges were"
            var text = printer.render(fileError: "\(count) not replayed", file: path, severity: strict ? .error : .warning)
            for exchange in unplayed {
                text += "  \(exchange.request.requestLine)\(exchange.line.map { " (recorded from line \($0))" } ?? "")\n"
            }
            if !strict { text += "  (--strict makes this an error)\n" }
            console.err(text)
            if strict {
                result.status = max(result.status, .runtimeFailure)
                result.failure = result.failure ?? "\(unplayed.count) unplayed"
                result.failureInfo = result.failureInfo ?? FileFailure(
                    kind: .runtime, message: "\(path): \(count) not replayed (--strict)",
                    details: unplayed.map { "\($0.request.requestLine)\($0.line.map { " (recorded from line \($0))" } ?? "")" })
            }
        }
    }

    /// Before anything is sent: `record` without `--overwrite` refuses when a cassette exists,
    /// and every file the run will write (cassettes, reports) must be writable where it
    /// goes, so a run never spends requests and then cannot keep what they answered.
    func refusedRecordings(_ inputs: [ScriptInput]) -> String? {
        var text = ""
        var outputs: [(path: String, what: String)] = []
        if let cassette = configuration.cassette, case .record(let overwrite) = cassette.mode {
            let paths = inputs.compactMap { cassette.cassettePath(for: $0) }
            if !overwrite {
                for path in Set(paths.filter { FileSystem.kind(of: $0) != nil }).sorted() {
                    text += printer.render(
                        fileError: "cassette exists; recording again sends real requests (and paid messages): pass --overwrite to replace it",
                        file: path)
                }
            }
            outputs += paths.map { ($0, "the cassette") }
        }
        if let path = configuration.junitReport { outputs.append((path, "--report-junit")) }
        if let path = configuration.jsonReport { outputs.append((path, "--report-json")) }
        let scripts = Set(inputs.compactMap(\.path))
        var seen: [String: String] = [:]
        for (path, what) in outputs {
            if let other = seen[path] {
                text += printer.render(fileError: "both \(other) and \(what) would be written here", file: path)
            }
            seen[path] = what
            if what.hasPrefix("--report"), scripts.contains(path) || path.hasSuffix(".vsh") || path.hasSuffix(".har") {
                text += printer.render(fileError: "\(what) would replace a script or a cassette; give the report its own name (.xml, .json)", file: path)
                continue
            }
            if let problem = FileSystem.writableFolder(for: path) { text += printer.render(fileError: "\(what): \(problem)", file: path) }
        }
        return text.isEmpty ? nil : text
    }

    /// Parses and checks files without running them (`vsh check`).
    public func check(_ inputs: [ScriptInput]) -> ExitStatus {
        var worst = ExitStatus.success
        var errorCount = 0
        for input in inputs {
            let bytes: [UInt8]
            switch ScriptFinder.read(input) {
            case .success(let b): bytes = b
            case .failure(let error):
                console.err(printer.render(fileError: error.message(for: "a script"), file: input.name))
                worst = max(worst, error.status)
                continue
            }
            let file = SourceFile(name: input.name, bytes: bytes)
            let (script, parseErrors) = Parser.parse(file)
            let predefined = Set(configuration.variables.keys).union(configuration.environment.keys)
            let problems = (parseErrors + Checker.check(script, predefined: predefined)).sorted { $0.range.lowerBound < $1.range.lowerBound }
            var printer = printer
            printer.redactor = redaction(for: file).current
            if !problems.isEmpty { console.err(printer.render(problems, in: file)) }
            if !problems.isEmpty { worst = max(worst, .malformedInput) }
            errorCount += problems.count
            console.out(problems.isEmpty ? "\(console.styled("✓", .green)) \(input.name)\n" : "\(console.styled("✗", .red)) \(input.name) (\(problems.count == 1 ? "1 error" : "\(problems.count) errors"))\n")
        }
        return worst
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

/// Counts what a run did, for its result line.
final class Counter: @unchecked Sendable {
    // Only touched from the one task that runs the file.
    var requests = 0
    var assertions = 0
    var steps: [Step] = []
}

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

/// Holds a file's output while it runs beside others.
final class OutputBuffer: Sendable {
    private let storage = Mutex<[(Console.Stream, String)]>([])

    @Sendable func append(_ stream: Console.Stream, _ text: String) {
        storage.withLock { $0.append((stream, text)) }
    }

    var chunks: [(Console.Stream, String)] { storage.withLock { $0 } }
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

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
