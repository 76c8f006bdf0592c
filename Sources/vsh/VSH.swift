import ArgumentParser
import VerifyAPI
import VshRunner

/// `vsh`: argument parsing and wiring only. Everything else lives in the libraries.
@main
struct VSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsh",
        abstract: "A scriptable shell for Plivo's Verify API (one-time-passcode sessions).",
        // One line a paragraph: ArgumentParser wraps them to the terminal (a line broken by
        // hand is broken again, mid-sentence, where it passes the width).
        discussion: """
            With no subcommand: on a terminal, the interactive prompt (help lists its commands); otherwise vsh runs standard input as a script. Scripts run on the embedded sandbox by default: no account, no network, no cost.

            Language reference: docs/language.md.

            Exit codes: 0 ok, 1 usage, 2 malformed input, 3 runtime failure, 4 assertion failed.
            """,
        version: "vsh \(VshVersion.current)",
        subcommands: [Run.self, Check.self, CassetteCommand.self, Sandbox.self]
    )

    @OptionGroup var script: ScriptOptions

    func run() throws {
        if standardInputIsTerminal() {
            throw ExitCode(try script.runPrompt().rawValue)
        }
        let status = try script.execute(inputs: [.standardInput], summary: false)
        throw ExitCode(status.rawValue)
    }

    /// Like ArgumentParser's `main()`, but usage errors exit 1 (SPEC section 2), not 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as RenderedFailure {
            Console.standard(noColorFlag: true, environment: [:]).err(failure.text)
            Foundation_exit(failure.status.rawValue)
        } catch let failure as UsageFailure {
            Console.standard(noColorFlag: true, environment: [:]).err("vsh: error: \(failure.message)\n")
            Foundation_exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Console.standard(noColorFlag: true, environment: [:]).err(fullMessage(for: error) + "\n")
                Foundation_exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// An error that ends the command with a message and an exit status.
/// A failure whose message is already rendered (a diagnostic with its caret).
struct RenderedFailure: Error {
    var text: String
    var status: ExitStatus
}

struct UsageFailure: Error {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus = .usage) {
        self.message = message
        self.status = status
    }
}
