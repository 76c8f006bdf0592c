/// Static checks over parsed statements, before anything is sent: every
/// variable is defined before it is read, nothing reads an answer before a
/// request, and built-in names are not reassigned.
///
/// It keeps what it has seen, so the REPL checks one line at a time with the
/// same rules a script gets as a whole.
public struct Checker: Sendable {
    /// Variables the runtime defines itself (``BuiltinVariable``).
    public static let builtins = BuiltinVariable.names

    /// Names defined so far: `--var`, the environment, and `let` lines already checked.
    public private(set) var defined: Set<String>
    /// Whether a request has been made before the statement being checked.
    public private(set) var hasRequest: Bool

    public init(predefined: Set<String> = [], hasRequest: Bool = false) {
        self.defined = predefined
        self.hasRequest = hasRequest
    }

    /// Checks a whole script.
    public static func check(_ script: Script, predefined: Set<String> = []) -> [Diagnostic] {
        var checker = Checker(predefined: predefined)
        var findings: [Diagnostic] = []
        for statement in script.statements { checker.check(statement, into: &findings) }
        return findings
    }

    /// Checks one statement and records what it defines.
    public mutating func check(_ statement: Statement) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        check(statement, into: &findings)
        return findings
    }

    /// Checks one statement, appending what it finds (no allocation when all is well).
    public mutating func check(_ statement: Statement, into findings: inout [Diagnostic]) {
        switch statement.command {
        case .auth(let id, let token):
            if let id { findings += check(id) }
            if let token { findings += check(token) }
        case .sessionCreate(let parameters), .sessionList(let parameters):
            for parameter in parameters { findings += check(parameter.value) }
        case .sessionGet(let uuid):
            if let uuid { findings += check(uuid) }
        case .sessionUse(let uuid):
            findings += check(uuid)
        case .validate(let code):
            findings += check(code)
        case .assert(let expression), .print(let expression):
            findings += check(expression)
        case .let(let name, let value):
            findings += check(value)
            if Checker.builtins.contains(name.name) {
                findings.append(Diagnostic("`$\(name.name)` is built in and cannot be assigned", at: name.range, hint: "choose another name, e.g. `let my_\(name.name) = …`"))
            }
            defined.insert(name.name)
        case .sleep:
            break
        case .fault(_, let parameters):
            for parameter in parameters { findings += check(parameter.value) }
        }
        if statement.sendsRequest { hasRequest = true }
    }

    private func check(_ argument: Argument) -> [Diagnostic] {
        switch argument.kind {
        case .word: []
        case .variable(let name): checkVariable(Identifier(name, range: argument.range))
        case .string(let parts): check(parts)
        }
    }

    private func check(_ parts: [StringPart]) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for case .variable(let identifier) in parts { findings += checkVariable(identifier) }
        return findings
    }

    private func check(_ expression: Expression) -> [Diagnostic] {
        switch expression.kind {
        case .status, .body, .header:
            guard hasRequest else {
                return [Diagnostic("`\(expressionHead(expression))` reads the last answer, but no request has been sent yet", at: expression.range,
                                   hint: "send one first: session create, session get, session list or validate")]
            }
            return []
        case .variable(let identifier, _): return checkVariable(identifier)
        case .string(let parts): return check(parts)
        case .literal: return []
        case .not(let inner), .exists(let inner), .matches(let inner, _), .isType(let inner, _, _): return check(inner)
        case .comparison(let a, _, let b): return check(a) + check(b)
        }
    }

    private func expressionHead(_ expression: Expression) -> String {
        switch expression.kind {
        case .status: "status"
        case .header: "header"
        default: "body"
        }
    }

    private func checkVariable(_ identifier: Identifier) -> [Diagnostic] {
        let name = identifier.name
        guard !defined.contains(name), !Checker.builtins.contains(name) else { return [] }
        let known = defined.union(Checker.builtins)
        let hint = Suggestions.closest(to: name, in: known.sorted()).map { "did you mean `$\($0)`?" }
            ?? "define it with `let \(name) = …`, pass `--var \(name)=VALUE`, or set it in the environment"
        return [Diagnostic("undefined variable `$\(name)`", at: identifier.range, hint: hint)]
    }
}
