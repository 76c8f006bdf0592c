import NIOCore
import NIOPosix
import VerifyAPI
import VerifyLiveHTTP
import VerifySandbox
import VshLineEditor
import VshREPL
import VshRunner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bare `vsh` on a terminal: the interactive prompt (docs/repl.md).
extension ScriptOptions {
    func runPrompt() throws -> ExitStatus {
        guard let reader = EditLineReader() else {
            throw UsageFailure("the prompt needs a terminal on standard input and output")
        }
        let environment = ProcessEnvironment.current()
        let variables = try resolveVariables(environment: environment)
        let start: TransportRequest
        switch transport {
        case .sandbox: start = .sandbox
        case .live: start = .live
        case .record, .replay:
            guard let cassette else {
                throw UsageFailure("--transport \(transport.rawValue) at the prompt needs --cassette FILE (or switch later: transport \(transport.rawValue) FILE)")
            }
            start = transport == .record ? .record(path: cassette, overwrite: overwrite) : .replay(path: cassette)
        }
        // The live transport, made once when first needed: one connection pool for the session.
        let live = LazyLive(options: self, environment: environment)
        var configuration = ReplSession.Configuration(
            transport: .sandbox,
            makeTransport: { request throws(REPLUsageError) -> any Transport in
                switch request {
                case .live: return try live.transport()
                default: return SandboxTransport(sandbox: VerifySandbox())
                }
            },
            environment: environment, variables: variables,
            console: .standard(noColorFlag: noColor, environment: environment),
            pager: Pager(environment: environment),
            historyPath: HistoryFile.defaultPath(environment: environment),
            now: { Timestamp.now().filterForm.prefix(16).description + " UTC" })
        configuration.liveBaseURL = { live.baseURL }
        let session: ReplSession
        do {
            session = try ReplSession(configuration: configuration, reader: reader)
        } catch {
            throw UsageFailure(error.message)
        }
        if start != .sandbox { session.switchTransport(to: start, announce: false) }
        reader.complete = { [unowned session] line, cursor in
            Completer().complete(line, cursor: cursor, context: session.completionContext)
        }
        let status = session.run()
        live.shutdown()
        return status
    }
}

/// The live transport of a prompt session, made on first use from the flags.
final class LazyLive: @unchecked Sendable {
    private let options: ScriptOptions
    private let environment: [String: String]
    private var made: LiveTransport?

    init(options: ScriptOptions, environment: [String: String]) {
        self.options = options
        self.environment = environment
    }

    /// Only ever called from the prompt's thread.
    func transport() throws(REPLUsageError) -> LiveTransport {
        if let made { return made }
        do {
            let transport = try options.makeLiveTransport(environment: environment)
            made = transport
            return transport
        } catch let failure as UsageFailure {
            throw REPLUsageError(failure.message)
        } catch {
            throw REPLUsageError("\(error)")
        }
    }

    /// The API root live requests go to (once the live transport exists).
    var baseURL: String? { made?.configuration.baseURL.description }

    func shutdown() {
        guard let made else { return }
        runBlocking { await made.shutdown() }
    }
}
