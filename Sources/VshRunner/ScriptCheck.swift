import VerifyAPI
import VshSyntax
import VshSystem

/// `vsh check`: parses and statically checks files, sends nothing. Prints every error of
/// every file and a line a file; the exit status is the worst of the files'.
public struct ScriptChecker: Sendable {
    public let console: Console
    /// The names a run would define: `--var`, `--vars-file`, `VSH_VAR_NAME`.
    public var variables: [String: String]
    /// The process environment: its names count as defined, its token is never shown.
    public var environment: [String: String]

    public init(console: Console, variables: [String: String] = [:], environment: [String: String] = [:]) {
        self.console = console
        self.variables = variables
        self.environment = environment
    }

    public func check(_ inputs: [ScriptInput]) -> ExitStatus {
        var worst = ExitStatus.success
        let predefined = Set(variables.keys).union(environment.keys)
        for input in inputs {
            var redactor = Redactor(environment: environment)
            var printer = DiagnosticPrinter(color: console.color, redactor: redactor)
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
            let (script, parseErrors) = Parser.parse(file)
            let problems = (parseErrors + Checker.check(script, predefined: predefined)).sorted { $0.range.lowerBound < $1.range.lowerBound }
            guard !problems.isEmpty else {
                console.out("\(console.styled("✓", .green)) \(input.name)\n")
                continue
            }
            // The quoted lines may hold a literal token of an `auth` line.
            redactor.learnTokens(fromScript: String(decoding: file.bytes, as: UTF8.self))
            printer.redactor = redactor
            console.err(printer.render(problems, in: file))
            worst = max(worst, .malformedInput)
            console.out("\(console.styled("✗", .red)) \(input.name) (\(problems.count == 1 ? "1 error" : "\(problems.count) errors"))\n")
        }
        return worst
    }
}
