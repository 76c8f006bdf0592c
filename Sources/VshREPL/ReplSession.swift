import Dispatch
import Synchronization
import VerifyAPI
import VerifyCassette
import VshRuntime
import VshSyntax
import VshSystem

/// The interactive prompt: reads lines, runs prompt commands and the language on one
/// interpreter, prints answers for people, keeps the history and what `save` writes.
///
/// Synchronous, on the calling (main) thread: each statement runs as a task the loop
/// waits for, and Ctrl-C (``LineReader/interruptRequested``) cancels it.
public final class ReplSession {
    public struct Configuration: Sendable {
        /// Where requests go first: `sandbox` unless `--transport` said otherwise.
        public var transport: TransportRequest
        /// Builds the sandbox and live transports (live from the command line's flags).
        public var makeTransport: @Sendable (TransportRequest) throws(CommandError) -> any Transport
        public var environment: [String: String]
        public var variables: [String: String]
        public var console: Console
        public var pager: Pager
        /// nil: no history file (no home folder).
        public var historyPath: String?
        /// `2026-11-26 20:45`, for the header `save` writes.
        public var now: @Sendable () -> String
        /// The live API root, kept in recordings (`log._vsh.base_url`, the entries' URLs).
        public var liveBaseURL: @Sendable () -> String? = { nil }

        public init(
            transport: TransportRequest = .sandbox, makeTransport: @escaping @Sendable (TransportRequest) throws(CommandError) -> any Transport,
            environment: [String: String] = [:], variables: [String: String] = [:], console: Console, pager: Pager, historyPath: String?,
            now: @escaping @Sendable () -> String
        ) {
            self.transport = transport
            self.makeTransport = makeTransport
            self.environment = environment
            self.variables = variables
            self.console = console
            self.pager = pager
            self.historyPath = historyPath
            self.now = now
        }
    }

    let configuration: Configuration
    let reader: any LineReader
    let history: HistoryFile?
    private(set) var interpreter: Interpreter
    private(set) var transportName: String
    /// The recording in progress (`transport record FILE`): written when it ends.
    private var recording: (transport: RecordTransport, path: String)?
    private(set) var saved = SavedScript()
    private var continued: [String] = []
    /// The lines of a block typed so far, up to its closing `}`.
    private var block: [String] = []
    private var historyProblemShown = false
    /// The session's secrets, shared by every interpreter it makes (a `transport` switch
    /// keeps them), the printer, history, `save` and recordings.
    let redaction: SharedRedactor
    private var printer: DiagnosticPrinter { DiagnosticPrinter(color: configuration.console.color, redactor: redaction.current) }
    private var console: Console { configuration.console }

    public init(configuration: Configuration, reader: any LineReader) throws(CommandError) {
        self.configuration = configuration
        self.reader = reader
        history = configuration.historyPath.map { HistoryFile(path: $0) }
        redaction = SharedRedactor(Redactor(environment: configuration.environment))
        let transport = try configuration.makeTransport(configuration.transport)
        transportName = configuration.transport.name
        interpreter = Self.makeInterpreter(transport, configuration: configuration, redaction: redaction)
        for line in history?.load() ?? [] { reader.addToHistory(line) }
    }

    /// `vsh sandbox 8e71…> `: the transport, and the current session's first characters.
    public var prompt: String {
        if !continued.isEmpty || !block.isEmpty { return "  …> " }
        guard let session = interpreter.currentSession else { return "vsh \(transportName)> " }
        return "vsh \(transportName) \(session.prefix(4))…> "
    }

    /// What Tab completion knows now.
    public var completionContext: Completer.Context {
        Completer.Context(variables: interpreter.variables.keys.sorted(), lastBody: interpreter.lastResponse?.json)
    }

    /// Reads and runs lines until `exit` or Ctrl-D; returns the exit status (0, or 3 when a
    /// recording could not be written).
    public func run() -> ExitStatus {
        console.out("vsh \(VshVersion.current) on the \(transportName) transport. help lists the commands; Ctrl-D leaves.\n")
        while true {
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if !continued.isEmpty || !block.isEmpty {
                    if !block.isEmpty { console.out("\n" + console.styled("(the unfinished block was dropped)", .dim)) }
                    continued = []
                    block = []
                    console.out("\n")
                    continue
                }
                console.out("\n")
                return finish()
            case .interrupted:
                continued = []
                block = []
            case .line(let text):
                if handle(text) == false { return finish() }
            }
        }
    }

    /// Handles one typed line; false when the prompt should end.
    @discardableResult
    public func handle(_ typed: String) -> Bool {
        if typed.hasSuffix("\\") {
            continued.append(String(typed.dropLast()))
            return true
        }
        // As in a shell: the backslash and the line break vanish (`recipient=+1… \` then `channel=sms`).
        let joined = (continued + [typed]).joined()
        continued = []
        // A block goes on over several lines, with the continuation prompt, up to its `}`.
        if !block.isEmpty || Parser.openBlocks(in: joined) > 0 {
            block.append(joined)
            remember(joined)
            guard Parser.openBlocks(in: block.joined(separator: "\n")) <= 0 else { return true }
            let text = block.joined(separator: "\n")
            block = []
            runLanguage(text)
            return true
        }
        let line = joined
        guard line.contains(where: { $0 != " " && $0 != "\t" }) else { return true }
        // A token typed into an `auth` line is a secret from now on, in this line's own errors too.
        redaction.update { $0.learnTokens(fromScript: line) }
        remember(line)
        do {
            if let command = try REPLCommand.parse(line) { return run(command) }
        } catch {
            console.err(printer.render(error))
            return true
        }
        runLanguage(line)
        return true
    }

    // MARK: The language

    private func runLanguage(_ line: String) {
        let file = SourceFile(name: "<prompt>", text: line)
        let (parsed, parseErrors) = Parser.parse(file)
        // Includes from the current folder.
        var (script, findings) = IncludeReader.load(parsed, file: file, identity: nil)
        // The same checks as a script's, knowing what earlier lines defined and sent.
        var checker = Checker(predefined: interpreter.predefinedNames, hasRequest: interpreter.lastResponse != nil, fileName: file.name)
        for statement in script.statements { checker.check(statement, into: &findings) }
        let problems = (parseErrors + findings).sorted { $0.sortKey < $1.sortKey }
        guard problems.isEmpty else {
            console.err(printer.render(problems, in: file))
            return
        }
        let box = UncheckedBox(interpreter)
        for (index, statement) in script.statements.enumerated() {
            let next = index + 1 < script.statements.count ? script.statements[index + 1] : nil
            let outcome: RunFailure? = runCancellable { () async -> RunFailure? in
                do throws(RunFailure) {
                    try await box.value.execute(statement, next: next)
                    return nil
                } catch {
                    return error
                }
            }
            // A recording is kept up to date on disk, so closing the terminal loses nothing.
            persistRecording()
            if let failure = outcome {
                console.err(printer.render(failure.diagnostic, in: file))
                return
            }
            let bytes = file.bytes[statement.extent.lowerBound.offset..<statement.extent.upperBound.offset]
            saved.append(statement, text: String(decoding: bytes, as: UTF8.self), status: interpreter.lastResponse?.status, redactor: redaction.current)
        }
    }

    /// Runs async work from the prompt's thread; Ctrl-C cancels it.
    private func runCancellable<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        reader.clearInterrupt()
        let task = Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if reader.interruptRequested {
                reader.clearInterrupt()
                task.cancel()
                // The terminal echoed ^C; what follows goes on the next line.
                console.out("\n")
            }
        }
        return result.withLock { $0! }
    }

    private static func makeInterpreter(_ transport: any Transport, configuration: Configuration, redaction: SharedRedactor) -> Interpreter {
        let console = configuration.console
        let pager = configuration.pager
        let json = JSONPrinter(color: console.color)
        return Interpreter(
            transport: transport,
            options: .init(failOnUnexpectedStatus: false, environment: configuration.environment, variables: configuration.variables),
            redaction: redaction
        ) { event in
            switch event {
            case .exchange(let request, let response, let duration, let site):
                // The request comes redacted; the answer is redacted here (a server may echo a value).
                let redactor = redaction.current
                let status = console.styled(response.statusLine, response.isSuccess ? .green : .red)
                var text = "\(status) \(console.styled("· \(request.method.rawValue) \(request.shownTarget) · \(DurationText.milliseconds(duration))", .dim))\n"
                if let body = response.json {
                    text += json.render(redactor.redact(body)) + "\n"
                } else if !response.body.isEmpty {
                    text += redactor.redact(String(decoding: response.body, as: UTF8.self)) + "\n"
                }
                // Inside a loop, no pager: a page to quit each iteration would stop the loop.
                if !site.iterations.isEmpty || !pager.page(text) { console.out(text) }
            case .printed(let text, let site):
                if !site.iterations.isEmpty || !pager.page(text + "\n") { console.out(text + "\n") }
            case .assertionPassed:
                console.out(console.styled("✓ holds", .green) + "\n")
            case .slept(let duration, _):
                console.out(console.styled("slept \(DurationText.format(duration))", .dim) + "\n")
            case .faulted(let id, _):
                console.out(console.styled(id.map { "armed fault \($0)" } ?? "cleared the faults", .dim) + "\n")
            case .polled(let attempts, let waited, _):
                console.out(console.styled("poll held after \(attempts) attempt\(attempts == 1 ? "" : "s") (waited \(DurationText.format(waited)))", .dim) + "\n")
            case .sessionChanged:
                break
            }
        }
    }

    // MARK: Prompt commands

    private func run(_ command: REPLCommand) -> Bool {
        switch command {
        case .exit:
            return false
        case .help(nil):
            console.out(HelpText.overview)
        case .help(let name?):
            if let text = HelpText.help(for: name) {
                console.out(text)
            } else {
                console.err(printer.render(fileError: "no command `\(name)`; `help` lists them", file: "vsh"))
            }
        case .save(let path, let overwrite):
            save(to: path, overwrite: overwrite)
        case .transport(let request):
            switchTransport(to: request)
        }
        return true
    }

    private func save(to path: String, overwrite: Bool) {
        guard !saved.isEmpty else {
            console.err(printer.render(fileError: "nothing to save yet: no command has succeeded in this session", file: path))
            return
        }
        if !overwrite, FileSystem.kind(of: path) != nil {
            console.err(printer.render(fileError: "exists; `save --overwrite \(path)` replaces it", file: path))
            return
        }
        let text = saved.render(transport: transportName, date: configuration.now())
        // 0600, as the history: a saved session is the user's own, and may name accounts.
        if let problem = FileSystem.writeAtomically(Array(text.utf8), to: path, mode: 0o600) {
            console.err(printer.render(fileError: problem, file: path))
            return
        }
        let lines = text.split(separator: "\n").count - 2
        console.out("saved \(lines) lines to \(path); run it with: vsh run \(path)\n")
    }

    /// `transport …`: builds the new transport; on failure says why and keeps the current one.
    public func switchTransport(to request: TransportRequest, announce: Bool = true) {
        // What was recorded so far reaches the disk before anything reads the file.
        persistRecording()
        let transport: any Transport
        do throws(CommandError) {
            switch request {
            case .sandbox, .live:
                transport = try configuration.makeTransport(request)
            case .record(let path, let overwrite):
                if let refused = CassetteStore.refuseToReplace(path, overwrite: overwrite, how: "`transport record --overwrite \(path)`") {
                    throw refused
                }
                transport = RecordTransport(recordingThrough: try configuration.makeTransport(.live), redaction: redaction)
            case .replay(let path):
                transport = ReplayTransport(cassette: try CassetteStore.load(path, for: .replay).get(), cassetteName: path, redaction: redaction)
            }
        } catch {
            console.err(printer.render(error))
            return
        }
        _ = finishRecording()
        let previous = interpreter
        interpreter = Self.makeInterpreter(transport, configuration: configuration, redaction: redaction)
        interpreter.adopt(variablesAndCredentialsOf: previous)
        transportName = request.name
        if case .record(let path, _) = request, let recorder = transport as? RecordTransport { recording = (recorder, path) }
        if announce { console.out("now on the \(transportName) transport; variables and credentials carried over, no current session\n") }
    }

    /// Writes the recording in progress as it stands (atomically); false when it could not be.
    @discardableResult
    private func persistRecording() -> Bool {
        guard let (recorder, path) = recording else { return true }
        let cassette = recorder.cassette(script: nil, baseURL: configuration.liveBaseURL())
        guard !cassette.exchanges.isEmpty else { return true }
        if let problem = CassetteStore.save(cassette, to: path) {
            console.err(printer.render(problem))
            return false
        }
        return true
    }

    /// Ends the recording in progress, if any; false when it could not be written.
    private func finishRecording() -> Bool {
        guard let (recorder, path) = recording else { return true }
        let written = persistRecording()
        recording = nil
        let count = recorder.count
        if count == 0 {
            console.out("nothing was recorded, so \(path) was not written\n")
        } else if written {
            console.out("recorded \(count) exchange\(count == 1 ? "" : "s") in \(path)\n")
        }
        return written
    }

    private func finish() -> ExitStatus {
        finishRecording() ? .success : .runtimeFailure
    }

    // MARK: History

    private func remember(_ line: String) {
        let redactor = redaction.current
        let scrubbed = HistoryFile.scrub(line, redactor: redactor)
        reader.addToHistory(scrubbed)
        if let problem = history?.append(line, redactor: redactor), !historyProblemShown {
            historyProblemShown = true
            console.err(printer.render(fileError: problem + " (history is not kept this session)", file: "vsh", severity: .warning))
        }
    }
}

/// Hands the prompt's interpreter to the task that runs a statement; the prompt waits
/// for that task, so the two never touch it at once.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
