import VerifyAPI
import VerifyCassette
import VshRunner
import VshSyntax
import VshSystem

/// Runs scripts with the command line's options: `vsh run`, and bare `vsh` with a script
/// on standard input.
struct ScriptRun {
    var transport: TransportOptions
    var variables: VariableOptions
    var color: ColorOptions
    /// `vsh run`'s own options; nil for a script piped to bare `vsh` (no summary either).
    var runner: RunnerOptions?

    /// Runs the inputs and returns the exit status.
    func execute(inputs: [ScriptInput]) throws(CommandError) -> ExitStatus {
        try transport.validate(inputs: inputs)
        try runner?.validate(inputs: inputs)
        let environment = ProcessEnvironment.current()
        let console = Console.standard(noColorFlag: color.noColor, environment: environment)
        TransportOptions.print(transport.noEffectWarnings, on: console)
        let resolved = try variables.resolve(environment: environment)
        let inputs = runner?.shardValue.map { $0.select(inputs) } ?? inputs
        let transports = Transports(options: transport, environment: environment)

        var configuration = RunConfiguration(
            summary: runner != nil, variables: resolved, environment: environment,
            makeTransport: { _ in transports.sandbox() })
        switch transport.transport {
        case .sandbox:
            break
        case .replay:
            configuration.cassette = CassetteOptions(mode: .replay(strict: transport.strict), path: transport.cassette)
        case .live, .record:
            Transports.runTasksOnTheNetworkLoop()
            let live = try transports.live()
            configuration.makeTransport = { _ in live }
            if transport.transport == .record {
                configuration.cassette = CassetteOptions(
                    mode: .record(overwrite: transport.overwrite), path: transport.cassette, baseURL: live.configuration.baseURL.description)
            }
        }
        runner?.configure(&configuration, transport: transport.transport, files: inputs.count)
        let scriptRunner = ScriptRunner(console: console, configuration: configuration)
        return runBlocking {
            let status = await scriptRunner.run(inputs)
            await transports.shutdown()
            return status
        }
    }
}
