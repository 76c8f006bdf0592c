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
        name: .customLong("vars-file"),
        help: ArgumentHelp("Variables from a file of NAME=VALUE lines (# comments); --var wins over it, it over VSH_VAR_NAME.", valueName: "FILE"))
    var varsFile: String?

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
    func execute(inputs: [ScriptInput], summary: Bool, verbose: Bool = false, runner options: RunnerOptions? = nil) throws -> ExitStatus {
        try validateCassetteFlags(inputs: inputs)
        let environment = ProcessEnvironment.current()
        let console = Console.standard(noColorFlag: noColor, environment: environment)
        let variables = try resolveVariables(environment: environment)
        let inputs = options?.shardValue.map { $0.select(inputs) } ?? inputs
        /// `--jobs`, `--quiet`, reports…: what `vsh run` adds to a configuration.
        func configure(_ configuration: inout RunConfiguration) {
            guard let options else { return }
            // Live runs default to one file at a time: a terminal prompt for `$otp` cannot
            // be shared, and real messages are better sent in a predictable order.
            configuration.jobs = options.jobs ?? (transport == .live || transport == .record ? 1 : RunnerOptions.cores)
            configuration.quiet = options.quiet
            configuration.failFast = options.failFast
            configuration.junitReport = options.reportJUnit
            configuration.jsonReport = options.reportJSON
            // On a terminal, one live line instead of a line per passing file.
            configuration.progress = summary && !verbose && !options.quiet && isatty(STDOUT_FILENO) == 1 && inputs.count > 1
        }
        switch transport {
        case .sandbox:
            try refuseLiveFlags("applies to --transport live; the sandbox transport sends nothing over the network")
            var configuration = RunConfiguration(
                verbose: verbose, summary: summary, variables: variables, environment: environment,
                makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox()) })
            configure(&configuration)
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
            configure(&configuration)
            let runner = ScriptRunner(console: console, configuration: configuration)
            return runBlocking {
                let status = await runner.run(inputs)
                await live.shutdown()
                return status
            }
        case .replay:
            try refuseLiveFlags("applies to --transport live and record; replay sends nothing over the network")
            var configuration = RunConfiguration(
                verbose: verbose, summary: summary, variables: variables, environment: environment,
                makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox()) })
            configuration.cassette = CassetteOptions(mode: .replay(strict: strict), path: cassette)
            configure(&configuration)
            let runner = ScriptRunner(console: console, configuration: configuration)
            return runBlocking { await runner.run(inputs) }
        }
    }

    /// The options about where requests go, and whether each was given: `vsh check` and
    /// `vsh cassette` refuse them all, sandbox and replay the live ones.
    var transportFlags: [(flag: String, given: Bool)] {
        [
            ("--transport", transport != .sandbox), ("--base-url", baseURL != nil), ("--timeout", timeout != nil),
            ("--max-sessions", maxSessions != nil), ("--cassette", cassette != nil), ("--overwrite", overwrite), ("--strict", strict),
        ]
    }

    /// Refuses the given ones of `flags` (a usage error, exit 1).
    func refuse(_ flags: [(flag: String, given: Bool)], _ reason: String) throws {
        for (flag, given) in flags where given { throw UsageFailure("\(flag) \(reason)") }
    }

    /// The flags only a transport that sends requests reads are a usage error elsewhere.
    func refuseLiveFlags(_ reason: String) throws {
        try refuse(transportFlags.filter { ["--base-url", "--timeout", "--max-sessions"].contains($0.flag) }, reason)
    }

    /// Script variables, later sources winning: `VSH_VAR_NAME` in the environment, then
    /// `--vars-file`, then `--var`. A malformed one is malformed input (exit 2).
    func resolveVariables(environment: [String: String]) throws -> [String: String] {
        var variables = VariablesFile.fromEnvironment(environment)
        if let varsFile {
            switch VariablesFile.load(varsFile, color: Console.standard(noColorFlag: noColor, environment: environment).color) {
            case .success(let parsed): variables.merge(parsed) { _, new in new }
            case .failure(let failure): throw RenderedFailure(text: failure.text, status: failure.status)
            }
        }
        switch VariableArguments.parse(self.variables) {
        case .success(let parsed): variables.merge(parsed) { _, new in new }
        case .failure(let error): throw UsageFailure(error.message, status: .malformedInput)
        }
        return variables
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

    @OptionGroup var runner: RunnerOptions

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs: [ScriptInput]
        do {
            inputs = try ScriptFinder.expand(paths)
        } catch {
            throw UsageFailure(error.message)
        }
        try runner.validate(inputs: inputs, verbose: verbose)
        throw ExitCode(try script.execute(inputs: inputs, summary: true, verbose: verbose, runner: runner).rawValue)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and statically check scripts; sends nothing.",
        discussion: "Reports every error in every file. Variables passed with --var or set in the environment count as defined.")

    // The same option group as the root command's and `run`'s: swift-argument-parser
    // gives an option after the sub-command to the root's definition when only the root
    // has it under that name, so `check` shares the group (and refuses what does not apply).
    @OptionGroup var script: ScriptOptions

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs: [ScriptInput]
        do {
            inputs = try ScriptFinder.expand(paths)
        } catch {
            throw UsageFailure(error.message)
        }
        try script.refuse(script.transportFlags, "does not apply to vsh check, which sends nothing")
        let environment = ProcessEnvironment.current()
        // The names a run would define: VSH_VAR_NAME in the environment, --vars-file, --var.
        let variables = try script.resolveVariables(environment: environment)
        let configuration = RunConfiguration(variables: variables, environment: environment, makeTransport: { _ in fatalError("check sends nothing") })
        let runner = ScriptRunner(console: .standard(noColorFlag: script.noColor, environment: environment), configuration: configuration)
        throw ExitCode(runner.check(inputs).rawValue)
    }
}

/// What `vsh run` adds for CI: parallel files, reports, shards.
struct RunnerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run this many files at once (default: the number of cores; 1 for live and record); output stays grouped by file, in order.", valueName: "N"))
    var jobs: Int?

    @Flag(name: .shortAndLong, help: "Print only failures and the summary.")
    var quiet = false

    @Flag(name: .customLong("fail-fast"), help: "Start no more files once one has failed.")
    var failFast = false

    @Option(name: .customLong("report-junit"), help: ArgumentHelp("Write JUnit XML (a testsuite per file, a testcase per assertion).", valueName: "FILE"))
    var reportJUnit: String?

    @Option(name: .customLong("report-json"), help: ArgumentHelp("Write the results as JSON (one object per file: status, steps, timings, failures).", valueName: "FILE"))
    var reportJSON: String?

    @Option(help: ArgumentHelp("Run only part I of N of the files (a stable split, for N CI machines).", valueName: "I/N"))
    var shard: String?

    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func validate(inputs: [ScriptInput], verbose: Bool) throws {
        if let jobs, jobs < 1 { throw UsageFailure("--jobs must be 1 or more, got \(jobs)") }
        if let shard, Shard(shard) == nil { throw UsageFailure("--shard expects I/N with 1 ≤ I ≤ N, such as 2/5; got \"\(shard)\"") }
        if quiet, verbose { throw UsageFailure("--quiet and --verbose contradict each other") }
    }
}

extension RunnerOptions {
    var shardValue: Shard? { shard.flatMap(Shard.init) }
}
