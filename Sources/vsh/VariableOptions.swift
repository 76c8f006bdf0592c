import ArgumentParser
import VshRunner
import VshSyntax

/// Script variables from the command line: `vsh run`, `vsh check` and the prompt.
struct VariableOptions: ParsableArguments {
    @Option(name: .customLong("var"), help: ArgumentHelp("Set a script variable (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(
        name: .customLong("vars-file"),
        help: ArgumentHelp("Variables from a file of NAME=VALUE lines (# comments); --var wins over it, it over VSH_VAR_NAME.", valueName: "FILE"))
    var varsFile: String?

    /// Script variables, later sources winning: `VSH_VAR_NAME` in the environment, then
    /// `--vars-file`, then `--var`. A malformed one is malformed input (exit 2).
    func resolve(environment: [String: String]) throws(CommandError) -> [String: String] {
        var resolved = VariablesFile.fromEnvironment(environment)
        if let varsFile { resolved.merge(try VariablesFile.load(varsFile).get()) { _, new in new } }
        resolved.merge(try VariableArguments.parse(variables).get()) { _, new in new }
        return resolved
    }
}

/// `--no-color`, for the commands that colour what they print.
struct ColorOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never colour the output (also: NO_COLOR in the environment).")
    var noColor = false
}
