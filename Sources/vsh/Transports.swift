import NIOCore
import NIOPosix
import VerifyAPI
import VerifyLiveHTTP
import VerifySandbox
import VshSyntax
import VshSystem

/// The one place transports are built from the flags and the environment, for `vsh run`
/// and the prompt: a fresh embedded sandbox each time one is asked for, and one live
/// transport for the whole process (one connection pool, one spend guard), made when first
/// needed. Recording and replaying wrap these (the runner and the prompt do that).
final class Transports: @unchecked Sendable {
    // `live` is made and read on the thread that runs the command (the prompt's, or the
    // run's before its tasks start); its tasks only read the made transport.
    let options: TransportOptions
    let environment: [String: String]
    private var made: LiveTransport?

    init(options: TransportOptions, environment: [String: String]) {
        self.options = options
        self.environment = environment
    }

    /// A fresh embedded sandbox: files and prompt sessions share no state.
    func sandbox() -> any Transport { SandboxTransport(sandbox: VerifySandbox()) }

    /// The live transport, from `--base-url` (else `PLIVO_BASE_URL`), `--timeout`,
    /// `--max-sessions` and the environment; a bad value is a usage error (exit 1).
    func live() throws(CommandError) -> LiveTransport {
        if let made { return made }
        let url: BaseURL
        if let baseURL = options.baseURL {
            do { url = try BaseURL(parsing: baseURL) } catch { throw CommandError(error.description) }
        } else if let fromEnvironment = environment["PLIVO_BASE_URL"], !fromEnvironment.isEmpty {
            do { url = try BaseURL(parsing: fromEnvironment) } catch { throw CommandError(error.description + " (from PLIVO_BASE_URL)") }
        } else {
            url = .plivo
        }
        var configuration = LiveTransport.Configuration(baseURL: url, environment: environment, codePrompt: TerminalCodePrompt.ifTerminal())
        if let timeout = options.timeout {
            guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
                throw CommandError("--timeout must be a number of seconds above 0 and at most 3600, got \(timeout)")
            }
            let duration = Duration.milliseconds(Int64((timeout * 1000).rounded(.up)))
            configuration.requestTimeout = duration
            configuration.connectTimeout = min(configuration.connectTimeout, duration)
        }
        if let maxSessions = options.maxSessions {
            guard maxSessions >= 0 else { throw CommandError("--max-sessions must be 0 or more, got \(maxSessions)") }
            configuration.maxSessions = maxSessions
        }
        do {
            let transport = try LiveTransport(configuration: configuration)
            made = transport
            return transport
        } catch {
            throw CommandError(error.description)
        }
    }

    /// The API root live requests go to, once the live transport exists (kept in recordings).
    var liveBaseURL: String? { made?.configuration.baseURL.description }

    /// Runs the interpreter's tasks on the event loop that AsyncHTTPClient uses, so a request
    /// does not hop between threads twice (measured: 8 context switches per request without
    /// this). Only for a run that sends requests: the embedded sandbox needs no event loop.
    /// One loop: a run sends one request at a time, and with two the global executor spreads
    /// a task's jobs over both, a thread hop per job.
    static func runTasksOnTheNetworkLoop() {
        NIOSingletons.groupLoopCountSuggestion = 1
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Closes the live transport's connections, if it was made.
    func shutdown() async {
        await made?.shutdown()
    }
}
