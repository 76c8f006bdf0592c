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
                // Standard output goes to logs: the tokens the file holds are not shown there
                // (`--write` writes the file's own text).
                printer.redactor.learnTokens(fromScript: String(decoding: bytes, as: UTF8.self))
                console.out(printer.redactor.redactLines(formatted))
            case .check:
                guard changed else { continue }
                console.out(input.name + "\n")
                worst = max(worst, .usage)
            case .write:
                guard changed else { continue }
                guard let path = input.path else {
                    console.out(printer.redactor.redactLines(formatted))
                    continue
                }
                switch ScriptFormatting.rewrite(path, with: Array(formatted.utf8)) {
                case nil: console.out("formatted \(input.name)\n")
                case let problem?:
                    console.err(printer.render(fileError: problem, file: input.name))
                    worst = max(worst, .usage)
                }
            }
        }
        return worst
    }

    /// Replaces the file at `path` (through a link: the file it names) with `bytes`,
    /// atomically, keeping its mode and owner; why not, when it cannot or must not be.
    static func rewrite(_ path: String, with bytes: [UInt8]) -> String? {
        guard let target = FileSystem.resolvingLinks(path), let status = FileSystem.status(of: target) else { return "no such file" }
        guard status.isRegularFile else { return "not a regular file, so it is not rewritten" }
        guard status.links == 1 else { return "has \(status.links) hard links: rewriting it would split them (format a copy)" }
        guard status.mode & 0o222 != 0 else { return "read-only, so it is not rewritten" }
        if let problem = FileSystem.writeAtomically(bytes, to: target, mode: status.mode) { return problem }
        FileSystem.setOwner(of: target, owner: status.owner, group: status.group)
        return nil
    }
}
