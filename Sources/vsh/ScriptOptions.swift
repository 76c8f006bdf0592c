import ArgumentParser
import VerifyAPI
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

    @Flag(name: .customLong("no-color"), help: "Never colour the output (also: NO_COLOR in the environment).")
    var noColor = false

    /// Runs the inputs and returns the exit status.
    func execute(inputs: [ScriptInput], summary: Bool, verbose: Bool = false) throws -> ExitStatus {
        let environment = ProcessEnvironment.current()
        let console = Console.standard(noColorFlag: noColor, environment: environment)
        let variables: [String: String]
        switch VariableArguments.parse(self.variables) {
        case .success(let parsed): variables = parsed
        case .failure(let error): throw UsageFailure(error.message, status: .malformedInput)
        }
        guard transport == .sandbox else {
            throw UsageFailure("the \(transport.rawValue) transport is not available in this version of vsh; only `--transport sandbox` is")
        }
        let configuration = RunConfiguration(
            verbose: verbose, summary: summary, variables: variables, environment: environment,
            makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox()) })
        let runner = ScriptRunner(console: console, configuration: configuration)
        return runBlocking { await runner.run(inputs) }
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
