import ArgumentParser
import VshRunner
import struct VshSyntax.CommandError
import enum VshSyntax.ExitStatus
import VshSystem

/// `vsh fmt [--check | --write] PATH...`
struct Format: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Print scripts in canonical form, or check or rewrite them.",
        discussion: "Four spaces a block level, one space around operators and between arguments, comments kept where they were (docs/language.md, Formatting). A folder means every *.vsh below it, included parts too. A file that does not parse is left alone (exit 2).")

    @Flag(help: "List the files that are not in canonical form; exit 1 when there are any (for CI).")
    var check = false

    @Flag(help: "Rewrite the files that are not in canonical form, in place (atomically, keeping their mode).")
    var write = false

    @OptionGroup var color: ColorOptions

    @Argument(help: ArgumentHelp("Script files, directories or - for standard input.", valueName: "PATH"))
    var paths: [String]

    func validate() throws {
        if check && write { throw ValidationError("--check and --write cannot go together: --check changes nothing") }
    }

    func run() throws {
        let inputs = try ScriptFinder.expand(paths, parts: true)
        let environment = ProcessEnvironment.current()
        let formatting = ScriptFormatting(
            console: .standard(noColorFlag: color.noColor, environment: environment), mode: check ? .check : write ? .write : .print,
            environment: environment)
        throw ExitCode(formatting.run(inputs).rawValue)
    }
}
