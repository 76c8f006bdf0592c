import VerifyAPI
import VshLineEditor
import VshREPL
import VshSyntax
import VshSystem

/// Bare `vsh` on a terminal: the interactive prompt (docs/repl.md).
extension Shell {
    func runPrompt() throws(CommandError) -> ExitStatus {
        guard let reader = EditLineReader() else {
            throw CommandError("the prompt needs a terminal on standard input and output")
        }
        let environment = ProcessEnvironment.current()
        let console = Console.standard(noColorFlag: color.noColor, environment: environment)
        TransportOptions.print(transport.promptWarnings, on: console)
        let resolved = try variables.resolve(environment: environment)
        let start: TransportRequest
        switch transport.transport {
        case .sandbox: start = .sandbox
        case .live: start = .live
        case .record, .replay:
            let name = transport.transport.rawValue
            guard let cassette = transport.cassette else {
                throw CommandError("--transport \(name) at the prompt needs --cassette FILE (or switch later: transport \(name) FILE)")
            }
            start = transport.transport == .record ? .record(path: cassette, overwrite: transport.overwrite) : .replay(path: cassette)
        }
        // The live transport is made when first needed: one connection pool for the session.
        let transports = Transports(options: transport, environment: environment)
        var configuration = ReplSession.Configuration(
            transport: .sandbox,
            makeTransport: { request throws(CommandError) -> any Transport in
                switch request {
                case .live: return try transports.live()
                default: return transports.sandbox()
                }
            },
            environment: environment, variables: resolved, console: console,
            pager: Pager(environment: environment),
            historyPath: HistoryFile.defaultPath(environment: environment),
            now: { Timestamp.now().filterForm.prefix(16).description + " UTC" })
        configuration.liveBaseURL = { transports.liveBaseURL }
        let session = try ReplSession(configuration: configuration, reader: reader)
        if start != .sandbox { session.switchTransport(to: start, announce: false) }
        reader.complete = { [unowned session] line, cursor in
            Completer().complete(line, cursor: cursor, context: session.completionContext)
        }
        let status = session.run()
        runBlocking { await transports.shutdown() }
        return status
    }
}
