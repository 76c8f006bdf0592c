import VerifyAPI
import VshSyntax
import VshSystem

/// `vsh fmt`: prints scripts in canonical form (``Formatter``), lists those that are not
/// (`--check`), or rewrites them in place (`--write`), atomically and keeping their mode.
public struct ScriptFormatting: Sendable {
    public enum Mode: Sendable {
        /// The formatted text on standard output.
        case print
        /// The names of the files that would change; exit 1 when there are any.
        case check
        /// Each file that would change is rewritten.
        case write
    }

    public let console: Console
    public var mode: Mode
    /// Its token is never shown (a diagnostic quotes script lines).
    public var environment: [String: String]

    public init(console: Console, mode: Mode, environment: [String: String] = [:]) {
        self.console = console
        self.mode = mode
        self.environment = environment
    }

    /// Formats every input; the exit status is the worst: 2 when one could not be parsed (or
    /// read), 1 with `--check` when one would change.
    public func run(_ inputs: [ScriptInput]) -> ExitStatus {
        var worst = ExitStatus.success
        for input in inputs {
            var printer = DiagnosticPrinter(color: console.color, redactor: Redactor(environment: environment))
            let bytes: [UInt8]
            switch ScriptFinder.read(input) {
            case .success(let read): bytes = read
            case .failure(let failure):
                let error = failure.error(file: input.name, reading: "a script")
                console.err(printer.render(error))
                worst = max(worst, error.status)
                continue
            }
            let file = SourceFile(name: input.name, bytes: bytes)
            let formatted: String
            switch Formatter.format(file) {
            case .success(let text): formatted = text
            case .failure(let refusal):
                printer.redactor.learnTokens(fromScript: String(decoding: bytes, as: UTF8.self))
                console.err(printer.render(refusal.problems, in: file))
                console.err(printer.render(fileError: "not formatted: it does not parse", file: input.name))
                worst = max(worst, .malformedInput)
                continue
            }
            let changed = Array(formatted.utf8) != bytes
            switch mode {
            case .print:
                console.out(formatted)
            case .check:
                guard changed else { continue }
                console.out(input.name + "\n")
                worst = max(worst, .usage)
            case .write:
                guard changed else { continue }
                guard let path = input.path else {
                    console.out(formatted)
                    continue
                }
                if let problem = FileSystem.writeAtomically(Array(formatted.utf8), to: path, mode: FileSystem.mode(of: path) ?? 0o644) {
                    console.err(printer.render(fileError: problem, file: input.name))
                    worst = max(worst, .usage)
                    continue
                }
                console.out("formatted \(input.name)\n")
            }
        }
        return worst
    }
}
