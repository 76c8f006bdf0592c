import ArgumentParser
import VshSyntax
import VshSystem

/// Bare `vsh` (the default subcommand): on a terminal the interactive prompt, otherwise
/// standard input run as a script. Its own subcommand so that the root command has no
/// options: swift-argument-parser would let the root's options through to every subcommand.
struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The interactive prompt, or a script piped on standard input (what bare vsh does).",
        discussion: "On a terminal: the prompt; help lists its commands, Ctrl-D leaves (docs/repl.md). Otherwise standard input runs as one script, printing only what it prints and its errors.")

    @OptionGroup(title: "Transport") var transport: TransportOptions
    @OptionGroup(title: "Variables") var variables: VariableOptions
    @OptionGroup var color: ColorOptions

    func run() throws {
        let status: ExitStatus
        if Terminal.isTerminal(.input) {
            status = try runPrompt()
        } else {
            status = try ScriptRun(transport: transport, variables: variables, color: color, runner: nil).execute(inputs: [.standardInput])
        }
        throw ExitCode(status.rawValue)
    }
}
