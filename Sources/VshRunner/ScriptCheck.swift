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
            var printer = DiagnosticPrinter(color: console.color, redactor: Redactor(environment: environment))
            let checked: CheckedScript
            switch CheckedScript.read(input, predefined: predefined) {
            case .success(let read): checked = read
            case .failure(let error):
                console.err(printer.render(error))
                worst = max(worst, error.status)
                continue
            }
            let problems = checked.problems
            guard !problems.isEmpty else {
                console.out("\(console.styled("✓", .green)) \(input.name)\n")
                continue
            }
            printer.redactor = checked.secrets(environment: environment)
            console.err(printer.render(problems, in: checked.file))
            worst = max(worst, .malformedInput)
            console.out("\(console.styled("✗", .red)) \(input.name) (\(problems.count == 1 ? "1 error" : "\(problems.count) errors"))\n")
        }
        return worst
    }
}
