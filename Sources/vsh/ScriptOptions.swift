import ArgumentParser
import NIOCore
import NIOPosix
import VerifyAPI
import VerifyCassette
import VerifyLiveHTTP
import VerifySandbox
import VshRunner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func Foundation_exit(_ code: Int32) -> Never { exit(code) }

/// The transports of SPEC section 4.
enum TransportChoice: String, ExpressibleByArgument, CaseIterable {
    case sandbox, live, record, replay
}

/// Options shared by everything that runs scripts.
struct ScriptOptions: ParsableArguments {
    @Option(help: "Where requests go: sandbox (embedded emulator, the default), live, record or replay.")
    var transport: TransportChoice = .sandbox

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a script variable (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("The API root for --transport live (default https://api.plivo.com; env PLIVO_BASE_URL).", valueName: "URL"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Live: how long one request may take, in seconds (default 30; connecting: at most 5).", valueName: "SECONDS"))
    var timeout: Double?

    @Option(
        name: .customLong("max-sessions"),
        help: ArgumentHelp("Live: the most sessions one run may create, each a paid message (default 10).", valueName: "N"))
    var maxSessions: Int?

    @Option(
        help: ArgumentHelp(
            "Record/replay: the cassette (HAR file); default: the script's path with .har for .vsh.", valueName: "FILE"))
    var cassette: String?

    @Flag(help: "Record: replace an existing cassette (re-recording sends real, paid messages).")
    var overwrite = false

    @Flag(help: "Replay: recorded exchanges the script did not use are an error (exit 3), not a warning.")
    var strict = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (also: NO_COLOR in the environment).")
    var noColor = false

    /// The cassette flags fit the transport and the inputs; else a usage error.
    func validateCassetteFlags(inputs: [ScriptInput]) throws {
        switch transport {
        case .record, .replay:
            if cassette != nil, inputs.count > 1 {
                throw UsageFailure("--cassette names one cassette, for one script; without it each script has its own (a.vsh → a.har)")
            }
            if cassette == nil, inputs.contains(.standardInput) {
                throw UsageFailure("a script read from standard input needs --cassette FILE to \(transport.rawValue)")
            }
            if overwrite, transport == .replay { throw UsageFailure("--overwrite applies to --transport record") }
            if strict, transport == .record { throw UsageFailure("--strict applies to --transport replay") }
        case .sandbox, .live:
            for (flag, given) in [("--cassette", cassette != nil), ("--overwrite", overwrite), ("--strict", strict)] where given {
                throw UsageFailure("\(flag) applies to --transport record and replay")
            }
        }
    }

    /// Runs the inputs and returns the exit status.
    func execute(inputs: [ScriptInput], summary: Bool, verbose: Bool = false) throws -> ExitStatus {
        try validateCassetteFlags(inputs: inputs)
        let environment = ProcessEnvironment.current()
        let console = Console.standard(noColorFlag: noColor, environment: environment)
        let variables: [String: String]
        switch VariableArguments.parse(self.variables) {
        case .success(let parsed): variables = parsed
        case .failure(let error): throw UsageFailure(error.message, status: .malformedInput)
        }
        switch transport {
        case .sandbox:
            for (flag, given) in [("--base-url", baseURL != nil), ("--timeout", timeout != nil), ("--max-sessions", maxSessions != nil)] where given {
                throw UsageFailure("\(flag) applies to --transport live; the sandbox transport sends nothing over the network")
            }
            let configuration = RunConfiguration(
                verbose: verbose, summary: summary, variables: variables, environment: environment,
                makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox()) })
            let runner = ScriptRunner(console: console, configuration: configuration)
            return runBlocking { await runner.run(inputs) }
        case .live, .record:
            // Run the interpreter's tasks on the event loop that AsyncHTTPClient uses, so a
            // request does not hop between threads twice (measured: 8 context switches per
            // request without this). Only here: the embedded sandbox needs no event loop.
            // One loop: a run sends one request at a time, and with two the global executor
            // spreads a task's jobs over both, a thread hop per job.
            NIOSingletons.groupLoopCountSuggestion = 1
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            // One transport for the whole run: one connection pool, one spend guard.
            let live = try makeLiveTransport(environment: environment)
            var configuration = RunConfiguration(
                verbose: verbose, summary: summary, variables: variables, environment: environment,
                makeTransport: { _ in live })
            if transport == .record {
                configuration.cassette = CassetteOptions(
                    mode: .record(overwrite: overwrite), path: cassette, baseURL: live.configuration.baseURL.description)
            }
            let runner = ScriptRunner(console: console, configuration: configuration)
            return runBlocking {
                let status = await runner.run(inputs)
                await live.shutdown()
                return status
            }
        case .replay:
            for (flag, given) in [("--base-url", baseURL != nil), ("--timeout", timeout != nil), ("--max-sessions", maxSessions != nil)] where given {
                throw UsageFailure("\(flag) applies to --transport live and record; replay sends nothing over the network")
            }
            var configuration = RunConfiguration(
                verbose: verbose, summary: summary, variables: variables, environment: environment,
                makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox()) })
            configuration.cassette = CassetteOptions(mode: .replay(strict: strict), path: cassette)
            let runner = ScriptRunner(console: console, configuration: configuration)
            return runBlocking { await runner.run(inputs) }
        }
    }

    /// The live transport from the flags and the environment; a bad value is a usage error (exit 1).
    func makeLiveTransport(environment: [String: String]) throws -> LiveTransport {
        let url: BaseURL
        if let baseURL {
            do {
                url = try BaseURL(parsing: baseURL)
            } catch {
                throw UsageFailure(error.description)
            }
        } else if let fromEnvironment = environment["PLIVO_BASE_URL"], !fromEnvironment.isEmpty {
            do {
                url = try BaseURL(parsing: fromEnvironment)
            } catch {
                throw UsageFailure(error.description + " (from PLIVO_BASE_URL)")
            }
        } else {
            url = .plivo
        }
        var configuration = LiveTransport.Configuration(baseURL: url, environment: environment, codePrompt: TerminalCodePrompt.ifTerminal())
        if let timeout {
            guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
                throw UsageFailure("--timeout must be a number of seconds above 0 and at most 3600, got \(timeout)")
            }
            let duration = Duration.milliseconds(Int64((timeout * 1000).rounded(.up)))
            configuration.requestTimeout = duration
            configuration.connectTimeout = min(configuration.connectTimeout, duration)
        }
        if let maxSessions {
            guard maxSessions >= 0 else { throw UsageFailure("--max-sessions must be 0 or more, got \(maxSessions)") }
            configuration.maxSessions = maxSessions
        }
        do {
            return try LiveTransport(configuration: configuration)
        } catch {
            throw UsageFailure(error.description)
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run script files.",
        discussion: "A directory means every *.vsh below it, sorted; - means standard input.")

    @OptionGroup var script: ScriptOptions

    @Flag(name: .shortAndLong, help: "Show every request and assertion as it runs.")
    var verbose = false

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs: [ScriptInput]
        do {
            inputs = try ScriptFinder.expand(paths)
        } catch {
            throw UsageFailure(error.message)
        }
        throw ExitCode(try script.execute(inputs: inputs, summary: true, verbose: verbose).rawValue)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and statically check scripts; sends nothing.",
        discussion: "Reports every error in every file. Variables passed with --var or set in the environment count as defined.")

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable the scripts may read (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Flag(name: .customLong("no-color"), help: "Never colour the output.")
    var noColor = false

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs: [ScriptInput]
        do {
            inputs = try ScriptFinder.expand(paths)
        } catch {
            throw UsageFailure(error.message)
        }
        let environment = ProcessEnvironment.current()
        let variables: [String: String]
        switch VariableArguments.parse(self.variables) {
        case .success(let parsed): variables = parsed
        case .failure(let error): throw UsageFailure(error.message, status: .malformedInput)
        }
        let configuration = RunConfiguration(variables: variables, environment: environment, makeTransport: { _ in fatalError("check sends nothing") })
        let runner = ScriptRunner(console: .standard(noColorFlag: noColor, environment: environment), configuration: configuration)
        throw ExitCode(runner.check(inputs).rawValue)
    }
}
