import ArgumentParser
import VshRunner
import struct VshSyntax.CommandError
import enum VshSyntax.ExitStatus

/// `vsh run [OPTIONS] PATH...`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run script files.",
        discussion: """
            A directory means every *.vsh below it, sorted; - means standard input.

            A flag that has no effect on the chosen transport (--base-url on replay, --cassette on the sandbox) is a warning, not an error, so a CI job can change only --transport.
            """)

    @OptionGroup(title: "Transport") var transport: TransportOptions
    @OptionGroup(title: "Variables") var variables: VariableOptions
    @OptionGroup(title: "Output and CI") var runner: RunnerOptions
    @OptionGroup var color: ColorOptions

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs = try ScriptFinder.expand(paths)
        let status = try ScriptRun(transport: transport, variables: variables, color: color, runner: runner).execute(inputs: inputs)
        throw ExitCode(status.rawValue)
    }
}
