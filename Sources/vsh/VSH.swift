import ArgumentParser
import VerifyAPI
import VshSyntax
import VshSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `vsh`: argument parsing and wiring only. Everything else lives in the libraries.
@main
struct VSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsh",
        abstract: "A scriptable shell for Plivo's Verify API (one-time-passcode sessions).",
        // One line a paragraph: ArgumentParser wraps them to the terminal (a line broken by
        // hand is broken again, mid-sentence, where it passes the width).
        discussion: """
            With no subcommand, vsh shell: on a terminal, the interactive prompt (help lists its commands); otherwise vsh runs standard input as a script. Scripts run on the embedded sandbox by default: no account, no network, no cost.

            Language reference: docs/language.md.

            Exit codes: 0 ok, 1 usage, 2 malformed input, 3 runtime failure, 4 assertion failed.
            """,
        version: "vsh \(VshVersion.current)",
        subcommands: [Shell.self, Run.self, Check.self, Format.self, CassetteCommand.self, Sandbox.self],
        defaultSubcommand: Shell.self
    )

    /// Like ArgumentParser's `main()`, but usage errors exit 1 (SPEC section 2), not 64, and
    /// vsh's own errors are rendered by the one diagnostics printer. Both go through the
    /// environment's token: an error quotes arguments and file lines, which may hold it.
    static func main() {
        let redactor = Redactor(environment: ProcessEnvironment.current())
        let console = Console.standard(noColorFlag: true, environment: [:])
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CommandError {
            console.err(DiagnosticPrinter(redactor: redactor).render(error))
            processExit(error.status.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                console.err(redactor.redact(fullMessage(for: error)) + "\n")
                processExit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// The C library's `exit`: inside a `ParsableCommand`, `exit` names ArgumentParser's own.
func processExit(_ code: Int32) -> Never { exit(code) }
