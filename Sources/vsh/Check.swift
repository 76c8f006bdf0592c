import ArgumentParser
import VshRunner
import struct VshSyntax.CommandError
import enum VshSyntax.ExitStatus
import VshSystem

/// `vsh check PATH...`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and statically check scripts; sends nothing.",
        discussion: "Reports every error in every file. Variables given with --var or --vars-file, or set in the environment, count as defined.")

    @OptionGroup(title: "Variables") var variables: VariableOptions
    @OptionGroup var color: ColorOptions

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func run() throws {
        let inputs = try ScriptFinder.expand(paths)
        let environment = ProcessEnvironment.current()
        // The names a run would define: VSH_VAR_NAME in the environment, --vars-file, --var.
        let checker = ScriptChecker(
            console: .standard(noColorFlag: color.noColor, environment: environment),
            variables: try variables.resolve(environment: environment), environment: environment)
        throw ExitCode(checker.check(inputs).rawValue)
    }
}
