import VerifyAPI

/// Static checks over parsed statements, before anything is sent: every
/// variable is defined before it is read, nothing reads an answer before a
/// request, built-in names are not reassigned, and an include gets the parameters
/// its script reads. It looks inside blocks and included scripts.
///
/// It keeps what it has seen, so the REPL checks one line at a time with the
/// same rules a script gets as a whole.
public struct Checker: Sendable {
    /// Variables the runtime defines itself (``BuiltinVariable``).
    public static let builtins = BuiltinVariable.names

    /// Names defined so far: `--var`, the environment, and `let` lines already checked.
    /// Variables are not scoped to blocks: a name defined inside one (a `let`, a `for`
    /// variable, an include's) is defined on the lines after it.
    public private(set) var defined: Set<String>
    /// Whether a request has been made before the statement being checked.
    public private(set) var hasRequest: Bool
    /// What diagnostics call the file checked, for the include lines of a chain.
    public var fileName: String
    /// How many loops the statement being checked is in (`$iteration` needs one).
    private var loops = 0
    /// The variables the checked statements read (an include's parameters must be among them).
    private var read: Set<String> = []
    /// Undefined variables are collected here instead of reported, when the checked script
    /// is included: they are the include's missing parameters.
    private var missing: [Identifier]?
    /// Include lines expanded so far: a file that includes another ten times, which includes
    /// another ten times… is refused before its checks take exponential time.
    private var expansions = 0

    /// The most include lines one check expands, counting each time a file is included.
    public static let maxExpansions = 10_000

    public init(predefined: Set<String> = [], hasRequest: Bool = false, fileName: String = "") {
        self.defined = predefined
        self.hasRequest = hasRequest
        self.fileName = fileName
    }

    /// Checks a whole script.
    public static func check(_ script: Script, predefined: Set<String> = [], fileName: String = "") -> [Diagnostic] {
        var checker = Checker(predefined: predefined, fileName: fileName)
        var findings: [Diagnostic] = []
        for statement in script.statements {
            if findings.count >= Parser.maxDiagnostics {
                findings.append(Diagnostic(severity: .note, "too many errors: the rest of the file is not checked", at: statement.range))
                break
            }
            checker.check(statement, into: &findings)
        }
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
            if let id { check(id, into: &findings) }
            if let token { check(token, into: &findings) }
        case .sessionCreate(let parameters), .sessionList(let parameters), .fault(_, let parameters):
            for parameter in parameters { check(parameter.value, into: &findings) }
        case .sessionGet(let uuid):
            if let uuid { check(uuid, into: &findings) }
        case .sessionUse(let argument), .validate(let argument):
            check(argument, into: &findings)
        case .assert(let expression), .print(let expression):
            check(expression, into: &findings)
        case .let(let name, let value):
            check(value, into: &findings)
            define(name, into: &findings)
        case .sleep:
            break
        case .repeat(let count, let body):
            check(count, into: &findings)
            checkLoop(body, into: &findings)
        case .forEach(let name, let list, let body):
            check(list, into: &findings)
            define(name, loop: true, into: &findings)
            checkLoop(body, into: &findings)
        case .poll(let poll, let body):
            checkLoop(body, into: &findings)
            loops += 1
            check(poll.condition, into: &findings)
            loops -= 1
        case .if(let branches, let otherwise):
            for branch in branches {
                check(branch.condition, into: &findings)
                for inner in branch.body.statements { check(inner, into: &findings) }
            }
            for inner in otherwise?.statements ?? [] { check(inner, into: &findings) }
        case .include(let include):
            checkInclude(include, at: statement.range, into: &findings)
        }
        if statement.sendsRequest { hasRequest = true }
    }

    private mutating func checkLoop(_ body: Block, into findings: inout [Diagnostic]) {
        loops += 1
        for inner in body.statements { check(inner, into: &findings) }
        loops -= 1
    }

    private mutating func define(_ name: Identifier, loop: Bool = false, into findings: inout [Diagnostic]) {
        if Checker.builtins.contains(name.name) {
            let example = loop ? "`for my_\(name.name) in …`" : "`let my_\(name.name) = …`"
            findings.append(Diagnostic("`$\(name.name)` is built in and cannot be assigned", at: name.range, hint: "choose another name, e.g. \(example)"))
        }
        defined.insert(name.name)
    }

    /// The included script, checked where it is included: with the variables defined here and
    /// its parameters. What it reads and nobody defined is a missing parameter, reported here.
    private mutating func checkInclude(_ include: Include, at range: SourceRange, into findings: inout [Diagnostic]) {
        for parameter in include.parameters {
            check(parameter.value, into: &findings)
            if Checker.builtins.contains(parameter.name.name) {
                findings.append(Diagnostic("`$\(parameter.name.name)` is built in and cannot be passed", at: parameter.name.range, hint: "choose another name"))
            }
        }
        // The loader reports a file it could not read; there is nothing more to check.
        guard let unit = include.unit else {
            for parameter in include.parameters { defined.insert(parameter.name.name) }
            return
        }
        expansions += 1
        guard expansions <= Checker.maxExpansions else {
            if expansions == Checker.maxExpansions + 1 {
                findings.append(Diagnostic("includes expand to more than \(Checker.maxExpansions) include lines; checking stops here", at: range))
            }
            return
        }
        var inner = Checker(predefined: defined.union(include.parameters.map(\.name.name)), hasRequest: hasRequest, fileName: unit.file.name)
        inner.loops = loops
        inner.missing = []
        inner.expansions = expansions
        var innerFindings: [Diagnostic] = []
        for statement in unit.script.statements { inner.check(statement, into: &innerFindings) }
        let site = IncludeSite(file: fileName, location: range.lowerBound)
        findings += innerFindings.map { $0.included(from: site, unit: unit.file) }
        var reported: Set<String> = []
        // At the innermost include that lacks it (shown with its chain when that is in an
        // included file too): there, the included script's line that reads it is named.
        for name in inner.missing ?? [] where reported.insert(name.name).inserted {
            findings.append(
                Diagnostic(
                    "missing parameter `\(name.name)`: \(unit.file.name) reads `$\(name.name)` (line \(name.range.lowerBound.line)) and nothing defines it", at: range,
                    hint: "pass it: include \(JSONValue.quoted(include.path)) \(name.name)=…"))
        }
        let unread = include.parameters.filter { !inner.read.contains($0.name.name) }
        for parameter in unread {
            let candidates = inner.read.subtracting(include.parameters.map(\.name.name)).sorted()
            let hint = Suggestions.closest(to: parameter.name.name, in: candidates).map { "did you mean `\($0)=`?" }
            findings.append(Diagnostic("\(unit.file.name) never reads `$\(parameter.name.name)`", at: parameter.name.range, hint: hint))
        }
        defined = inner.defined
        hasRequest = inner.hasRequest
        expansions = inner.expansions
        // What the parameters supplied is not read from outside.
        read.formUnion(inner.read.subtracting(include.parameters.map(\.name.name)))
    }

    private mutating func check(_ argument: Argument, into findings: inout [Diagnostic]) {
        switch argument.kind {
        case .word: break
        case .variable(let name): checkVariable(Identifier(name, range: argument.range), into: &findings)
        case .string(let parts): check(parts, into: &findings)
        }
    }

    private mutating func check(_ parts: [StringPart], into findings: inout [Diagnostic]) {
        for case .variable(let identifier) in parts { checkVariable(identifier, into: &findings) }
    }

    private mutating func check(_ expression: Expression, into findings: inout [Diagnostic]) {
        switch expression.kind {
        case .status, .body, .header:
            guard hasRequest else {
                findings.append(
                    Diagnostic("`\(expressionHead(expression))` reads the last answer, but no request has been sent yet", at: expression.range,
                               hint: "send one first: session create, session get, session list or validate"))
                return
            }
        case .variable(let identifier, _): checkVariable(identifier, into: &findings)
        case .string(let parts): check(parts, into: &findings)
        case .literal: break
        case .not(let inner), .exists(let inner), .matches(let inner, _), .isType(let inner, _, _): check(inner, into: &findings)
        case .comparison(let a, _, let b):
            check(a, into: &findings)
            check(b, into: &findings)
        case .list(let items):
            for item in items { check(item, into: &findings) }
        }
    }

    private func expressionHead(_ expression: Expression) -> String {
        switch expression.kind {
        case .status: "status"
        case .header: "header"
        default: "body"
        }
    }

    private mutating func checkVariable(_ identifier: Identifier, into findings: inout [Diagnostic]) {
        let name = identifier.name
        // What is read matters only to an include's checks (its unread parameters).
        if missing != nil { read.insert(name) }
        if name == BuiltinVariable.iteration.rawValue, !defined.contains(name) {
            if loops == 0 {
                findings.append(
                    Diagnostic("`$iteration` counts the iterations of a loop, and this line is in none", at: identifier.range,
                               hint: "read it inside `repeat`, `for` or `poll`"))
            }
            return
        }
        guard !defined.contains(name), !Checker.builtins.contains(name) else { return }
        if missing != nil {
            missing!.append(identifier)
            return
        }
        // (Not the shell's `$_`, which is in every environment and one edit from any one letter.)
        let known = defined.union(Checker.builtins).subtracting(["_"])
        let hint = Suggestions.closest(to: name, in: known.sorted()).map { "did you mean `$\($0)`?" }
            ?? "define it with `let \(name) = …`, pass `--var \(name)=VALUE`, or set it in the environment"
        findings.append(Diagnostic("undefined variable `$\(name)`", at: identifier.range, hint: hint))
    }
}
