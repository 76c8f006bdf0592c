import HTTPTypes
import VerifyAPI
import VshSyntax

/// Runs statements against a transport, keeping the state a script builds up:
/// variables, credentials, the current session and the last answer.
///
/// One interpreter runs one script (or one REPL session), statement by statement.
public final class Interpreter {
    public struct Options: Sendable {
        /// Stop when a request gets a non-2xx answer that the next statement does not
        /// assert on (SPEC section 2). The REPL turns this off: it prints the answer and goes on.
        public var failOnUnexpectedStatus: Bool
        /// The process environment: `$NAME` falls back to it, and bare `auth` reads
        /// `PLIVO_AUTH_ID` / `PLIVO_AUTH_TOKEN` from it.
        public var environment: [String: String]
        /// `--var NAME=VALUE`, strings.
        public var variables: [String: String]

        public init(failOnUnexpectedStatus: Bool = true, environment: [String: String] = [:], variables: [String: String] = [:]) {
            self.failOnUnexpectedStatus = failOnUnexpectedStatus
            self.environment = environment
            self.variables = variables
        }
    }

    public let transport: any Transport
    public let options: Options
    let events: (RunEvent) -> Void

    /// Script variables: `--var` values and `let` results.
    public private(set) var variables: [String: JSONValue]
    public private(set) var credentials: Credentials?
    /// The session `validate`, `session get` and `$session` refer to.
    public private(set) var currentSession: String?
    public private(set) var lastResponse: APIResponse?
    /// Texts never to show: the auth tokens the script authenticates with (and the
    /// environment's), shared with everything that writes for this run (docs/language.md, "Secrets").
    public let redaction: SharedRedactor
    /// The secrets known so far.
    public var secrets: Set<String> { redaction.current.secrets }
    /// The redaction rule with the secrets known so far.
    public var redactor: Redactor { redaction.current }
    /// What diagnostics call the script run (for the include lines of a failure's chain).
    public var scriptName = ""
    /// The included file running, when it is not the script itself.
    var includedFile: SourceFile?
    /// The iterations of the loops running, outermost first.
    var iterations: [Int] = []
    private var recipients: [String: String] = [:]
    private var codes: [String: String] = [:]

    /// `redaction`: the secrets shared with the printers and transports of the run; a new
    /// one when nil. The environment's `PLIVO_AUTH_TOKEN` is added to it either way.
    public init(
        transport: any Transport, options: Options = .init(), redaction: SharedRedactor? = nil, events: @escaping (RunEvent) -> Void = { _ in }
    ) {
        self.transport = transport
        self.options = options
        self.events = events
        self.variables = options.variables.mapValues { .string($0) }
        self.redaction = redaction ?? SharedRedactor()
        if let token = options.environment[Redactor.tokenVariable], !token.isEmpty {
            self.redaction.update { $0.add(token: token, authID: options.environment["PLIVO_AUTH_ID"]) }
        }
    }

    /// Takes over another interpreter's variables, credentials and secrets (not its
    /// session or last answer): the prompt's `transport` command switches transport this way.
    public func adopt(variablesAndCredentialsOf other: Interpreter) {
        variables = other.variables
        credentials = other.credentials
        if other.redaction !== redaction {
            let known = other.redactor
            redaction.update { $0.merge(known) }
        }
    }

    /// Sets a script variable (a `for` loop's, an include's parameter).
    func setVariable(_ name: String, _ value: JSONValue) {
        variables[name] = value
    }

    /// Names a script may read without defining them: `--var` values and the environment.
    public var predefinedNames: Set<String> {
        Set(options.variables.keys).union(options.environment.keys).union(variables.keys)
    }

    /// Runs a whole script; stops at the first failure.
    public func run(_ script: Script) async throws(RunFailure) {
        try await run(script.statements, lastExpects: false)
    }

    /// Runs one statement. `next` is the statement after it, which decides whether
    /// an error answer was expected.
    public func execute(_ statement: Statement, next: Statement?) async throws(RunFailure) {
        try await perform(statement, expected: Interpreter.expectsStatus(next))
    }

    /// Runs statements in order. Each request's answer may be an error when the statement
    /// after it asserts on `status`; for the last one, when `lastExpects` says so (a poll's
    /// condition that reads `status`).
    func run(_ statements: [Statement], lastExpects: Bool) async throws(RunFailure) {
        for index in statements.indices {
            let expected = index + 1 < statements.count ? Interpreter.expectsStatus(statements[index + 1]) : lastExpects
            try await perform(statements[index], expected: expected)
        }
    }

    /// Runs one statement; `expected`: whether an error answer is expected (not a failure).
    func perform(_ statement: Statement, expected: Bool) async throws(RunFailure) {
        try Task.checkCancellation(at: statement.range)
        switch statement.command {
        case .auth(let id, let token):
            try await authenticate(id: id, token: token, statement)
        case .sessionCreate(let parameters):
            var body: [(key: String, value: JSONValue)] = []
            for parameter in parameters {
                let text = try await resolve(parameter.value)
                let spec = VerifyParameters.create.first { $0.name == parameter.name.name }
                if spec?.kind == .integer, let number = Int(text) {
                    body.append((parameter.name.name, .number(Double(number))))
                } else {
                    body.append((parameter.name.name, .string(text)))
                }
            }
            let response = try await send(VerifyEndpoint.createSession(try await requireCredentials(statement), parameters: body), statement, expected: expected)
            if response.isSuccess, let uuid = response.json?["session_uuid"]?.stringValue {
                currentSession = uuid
                recipients[uuid] = body.first { $0.key == "recipient" }?.value.stringValue
                events(.sessionChanged(uuid))
            }
        case .sessionGet(let argument):
            let uuid = if let argument { try await resolveUUID(argument) } else { try requireSession(statement) }
            _ = try await send(VerifyEndpoint.getSession(try await requireCredentials(statement), uuid: uuid), statement, expected: expected)
        case .sessionList(let parameters):
            var query: [QueryItem] = []
            for parameter in parameters { query.append(QueryItem(parameter.name.name, try await resolve(parameter.value))) }
            _ = try await send(VerifyEndpoint.listSessions(try await requireCredentials(statement), filters: query), statement, expected: expected)
        case .sessionUse(let argument):
            currentSession = try await resolveUUID(argument)
            events(.sessionChanged(currentSession))
        case .validate(let argument):
            let uuid = try requireSession(statement)
            let code = try await resolve(argument)
            _ = try await send(VerifyEndpoint.validateSession(try await requireCredentials(statement), uuid: uuid, otp: code), statement, expected: expected)
        case .assert(let expression):
            let verdict = try await judge(expression)
            guard verdict.holds else {
                throw RunFailure(
                    .assertion,
                    Diagnostic("assertion failed", at: expression.range, details: ["expected: \(verdict.expected)", "  actual: \(verdict.actual)"]))
            }
            events(.assertionPassed(site(statement)))
        case .let(let name, let expression):
            variables[name.name] = try await require(expression)
        case .print(let expression):
            let value = try await require(expression)
            let text: String = if case .string(let s) = value { redact(s) } else { redactor.redact(value).prettyText }
            events(.printed(text, site(statement)))
        case .sleep(let duration, _):
            do {
                // On a virtual clock (the sandbox's, a served sandbox's) time passes for this account only.
                try await transport.sleep(for: duration, as: try? await requireCredentials(statement))
            } catch {
                throw failure(error, statement)
            }
            events(.slept(duration, site(statement)))
        case .fault(let target, let parameters):
            try await fault(target, parameters, statement)
        case .repeat(let count, let body):
            try await runRepeat(count, body, statement)
        case .forEach(let name, let list, let body):
            try await runFor(name, list, body, statement)
        case .poll(let poll, let body):
            try await runPoll(poll, body, statement)
        case .if(let branches, let otherwise):
            for branch in branches {
                guard try await judge(branch.condition).holds else { continue }
                try await run(branch.body.statements, lastExpects: false)
                return
            }
            if let otherwise { try await run(otherwise.statements, lastExpects: false) }
        case .include(let include):
            try await runInclude(include, statement)
        }
    }

    /// `fault ENDPOINT …` arms a fault on the caller's account of the sandbox; `fault clear` clears them.
    private func fault(_ target: Identifier, _ parameters: [Parameter], _ statement: Statement) async throws(RunFailure) {
        let credentials = try await requireCredentials(statement)
        var headers = HTTPFields()
        headers[.authorization] = credentials.sandboxAuthorization
        let request: APIRequest
        if target.name == "clear" {
            request = APIRequest(method: .delete, path: SandboxPath.faults, headerFields: headers)
        } else {
            var body: [(key: String, value: JSONValue)] = [("endpoint", .string(target.name))]
            for parameter in parameters {
                let name = parameter.name.name
                let text = try await resolve(parameter.value)
                if VerifyParameters.faultFlags.contains(name) {
                    body.append((name, true))
                } else if ["status", "times", "retry_after"].contains(name), let number = Int(text) {
                    body.append((name, .number(Double(number))))
                } else {
                    body.append((name, .string(text)))
                }
            }
            request = APIRequest(method: .post, path: SandboxPath.faults, headerFields: headers, body: .object(body))
        }
        let response: APIResponse
        do {
            response = try await transport.control(request)
        } catch {
            throw failure(error, statement)
        }
        guard response.isSuccess else {
            throw RunFailure.runtime(
                "the sandbox refused the fault: \(response.statusLine)\(response.errorText.map { ": \(redact($0))" } ?? "")", at: statement.range)
        }
        events(.faulted(response.json?["fault"]?["id"]?.stringValue, site(statement)))
    }

    /// `text` as it may be shown: every secret in it `[redacted]` (the rule: ``Redactor``).
    public func redact(_ text: String) -> String {
        redactor.redact(text)
    }

    // MARK: Requests

    private func send(_ built: APIRequest, _ statement: Statement, expected: Bool) async throws(RunFailure) -> APIResponse {
        var request = built
        request.origin = RequestOrigin(line: statement.range.lowerBound.line, column: statement.range.lowerBound.column)
        let clock = ContinuousClock()
        let start = clock.now
        let response: APIResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw failure(error, statement)
        }
        lastResponse = response
        let shown = redactor.redact(request)
        events(.exchange(shown, response, clock.now - start, site(statement)))
        if options.failOnUnexpectedStatus, !response.isSuccess, !expected {
            let reason = response.errorText.map { ": \(redact($0))" } ?? ""
            throw RunFailure.runtime(
                "\(request.method.rawValue) \(shown.path) answered \(response.statusLine)\(reason)", at: statement.range,
                hint: "to expect this answer, follow the request with `assert status == \(response.status)`")
        }
        return response
    }

    /// Whether `statement` is an `assert` on `status`, or an `if` whose first condition reads
    /// it, which makes an error answer expected.
    public static func expectsStatus(_ statement: Statement?) -> Bool {
        switch statement?.command {
        case .assert(let expression): expression.readsStatus
        case .if(let branches, _): branches.first?.condition.readsStatus ?? false
        default: false
        }
    }

    func failure(_ error: TransportError, _ statement: Statement) -> RunFailure {
        RunFailure.runtime(redact(error.message), at: statement.range, details: error.notes.map(redact))
    }

    private func authenticate(id: Argument?, token: Argument?, _ statement: Statement) async throws(RunFailure) {
        let environment = options.environment
        // The token first: known as a secret before anything about the line is reported.
        let secret: String? = if let token { try await resolve(token) } else { environment[Redactor.tokenVariable] }
        // (Unless it is an auth ID: arguments swapped, which the check below names.)
        if let secret, !secret.isEmpty, !Credentials.isWellFormed(authID: secret) { redaction.update { $0.add(secret) } }
        let authID: String
        if let id {
            authID = try await resolve(id)
        } else if let fromEnvironment = environment["PLIVO_AUTH_ID"], !fromEnvironment.isEmpty {
            authID = fromEnvironment
        } else if transport.needsCredentials {
            throw RunFailure.runtime("`auth` has no auth ID: PLIVO_AUTH_ID is not set", at: statement.range,
                                     hint: "write `auth MA… $PLIVO_AUTH_TOKEN`, or export PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN")
        } else {
            authID = Credentials.sandboxDefault.authID
        }
        guard Credentials.isWellFormed(authID: authID) else {
            throw malformedAuthID(authID, token: secret, at: id?.range ?? statement.range)
        }
        if let secret, !secret.isEmpty { redaction.update { $0.add(token: secret, authID: authID) } }
        if secret == nil, transport.needsCredentials {
            throw RunFailure.runtime("`auth` has no token: PLIVO_AUTH_TOKEN is not set", at: statement.range,
                                     hint: "write `auth \(authID) $PLIVO_AUTH_TOKEN` and export the token")
        }
        credentials = Credentials(authID: authID, authToken: secret)
    }

    /// Why an auth ID is refused, without ever quoting a value that is (or holds) a secret:
    /// swapped arguments name the problem instead.
    private func malformedAuthID(_ authID: String, token: String?, at range: SourceRange) -> RunFailure {
        let hint = "an auth ID is MA or SA followed by 18 capital letters or digits: `auth MA… $PLIVO_AUTH_TOKEN`"
        let known = redactor
        let swapped = token.map { Credentials.isWellFormed(authID: $0) } ?? false
        if known.isSecret(authID) || swapped {
            return RunFailure.runtime("the auth ID looks like the auth token: are the arguments swapped?", at: range,
                                      hint: "the auth ID comes first, then the token: `auth MA… $PLIVO_AUTH_TOKEN`")
        }
        if known.reveals(authID) || Redactor.looksLikeToken(authID) || authID.utf8.count > 24 {
            return RunFailure.runtime("malformed auth ID: it holds (or looks like) a token, so it is not shown", at: range, hint: hint)
        }
        return RunFailure.runtime("malformed auth ID \(JSONValue.string(authID).compactText)", at: range, hint: hint)
    }

    /// Credentials for a request: the last `auth`, else the environment, else (on transports
    /// that need none) the sandbox's default account.
    func requireCredentials(_ statement: Statement) async throws(RunFailure) -> Credentials {
        if let credentials { return credentials }
        if let id = options.environment["PLIVO_AUTH_ID"], !id.isEmpty {
            try await authenticate(id: nil, token: nil, statement)
            return credentials!
        }
        guard !transport.needsCredentials else {
            throw RunFailure.runtime("no credentials for the \(transport.name) transport", at: statement.range,
                                     hint: "add `auth MA… $PLIVO_AUTH_TOKEN` first, or export PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN")
        }
        return Credentials.sandboxDefault
    }

    private func requireSession(_ statement: Statement) throws(RunFailure) -> String {
        guard let currentSession else {
            throw RunFailure.runtime("there is no current session", at: statement.range,
                                     hint: "create one with `session create recipient=…`, or pick one with `session use UUID`")
        }
        return currentSession
    }

    private func resolveUUID(_ argument: Argument) async throws(RunFailure) -> String {
        let text = try await resolve(argument)
        guard UUIDText.isUUID(text) else {
            if redactor.reveals(text) {
                throw RunFailure.runtime("the auth token is not a session UUID: this argument holds the token", at: argument.range,
                                         hint: "give the session's UUID, or `$session` for the current one")
            }
            throw RunFailure.runtime("\(JSONValue.string(text).compactText) is not a session UUID", at: argument.range)
        }
        return text
    }

    // MARK: Values

    /// The text of a command argument.
    func resolve(_ argument: Argument) async throws(RunFailure) -> String {
        switch argument.kind {
        case .word(let word): return word
        case .variable(let name): return try text(of: try await variable(Identifier(name, range: argument.range)), at: argument.range)
        case .string(let parts): return try await interpolate(parts)
        }
    }

    /// Builds a string. When a part is a secret too short to be searched for in text (or a
    /// text built from one), the result is remembered with its shown form (`token: [redacted]`):
    /// its value came from the secret, so it is redacted wherever it goes.
    private func interpolate(_ parts: [StringPart]) async throws(RunFailure) -> String {
        var out = ""
        var shown = ""
        var fromSecret = false
        for part in parts {
            switch part {
            case .text(let t):
                out += t
                shown += t
            case .variable(let identifier):
                let piece = try text(of: try await variable(identifier), at: identifier.range)
                let shownPiece = redact(piece)
                if shownPiece != piece { fromSecret = true }
                out += piece
                shown += shownPiece
            }
        }
        if fromSecret, parts.count > 1 {
            let plain = redactor.redact(out)
            if plain != shown {
                let (text, form) = (out, shown)
                redaction.update { $0.addDerived(text, shown: form) }
            }
        }
        return out
    }

    private func text(of value: JSONValue, at range: SourceRange) throws(RunFailure) -> String {
        switch value {
        case .string(let s): return s
        case .number, .bool: return value.compactText
        default:
            throw RunFailure.runtime("\(value.typeNameWithArticle) cannot be used as text here", at: range)
        }
    }

    /// `$name`: script variables, then the built-ins, then the environment.
    func variable(_ identifier: Identifier) async throws(RunFailure) -> JSONValue {
        let name = identifier.name
        if let value = variables[name] { return value }
        switch BuiltinVariable(rawValue: name) {
        case .session:
            guard let currentSession else {
                throw RunFailure.runtime("`$session` is not set: there is no current session", at: identifier.range,
                                         hint: "create one with `session create recipient=…`")
            }
            return .string(currentSession)
        case .otp:
            guard let currentSession else {
                throw RunFailure.runtime("`$otp` is not set: there is no current session", at: identifier.range,
                                         hint: "create one with `session create recipient=…`")
            }
            if let code = codes[currentSession] { return .string(code) }
            do {
                let query = DeliveredCodeQuery(sessionUUID: currentSession, recipient: recipients[currentSession])
                let code = try await transport.deliveredCode(for: query)
                codes[currentSession] = code
                return .string(code)
            } catch {
                throw RunFailure.runtime(redact(error.message), at: identifier.range, details: error.notes.map(redact))
            }
        case .transport:
            return .string(transport.name)
        case .iteration:
            guard let current = iterations.last else {
                throw RunFailure.runtime("`$iteration` is only set inside `repeat`, `for` and `poll`", at: identifier.range)
            }
            return .number(Double(current))
        case nil:
            if let value = options.environment[name] { return .string(value) }
            throw RunFailure.runtime("undefined variable `$\(name)`", at: identifier.range)
        }
    }

    /// Evaluates an expression to a value; nil when it names something that is not there.
    func evaluate(_ expression: Expression) async throws(RunFailure) -> JSONValue? {
        switch expression.kind {
        case .status:
            return .number(Double(try response(for: expression).status))
        case .body(let path):
            guard let json = try response(for: expression).json else { return nil }
            return walk(json, path)
        case .header(let name):
            let response = try response(for: expression)
            guard let field = HTTPField.Name(name) else { return nil }
            return response.headerFields[field].map { .string($0) }
        case .variable(let identifier, let path):
            return walk(try await variable(identifier), path)
        case .literal(let literal):
            switch literal {
            case .number(let n): return .number(n)
            case .bool(let b): return .bool(b)
            case .null: return .null
            }
        case .string(let parts):
            return .string(try await interpolate(parts))
        case .list(let items):
            var values: [JSONValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try await require(item)) }
            return .array(values)
        case .not, .comparison, .matches, .exists, .isType:
            return .bool(try await judge(expression).holds)
        }
    }

    /// Evaluates an expression that must have a value (for `let` and `print`).
    func require(_ expression: Expression) async throws(RunFailure) -> JSONValue {
        guard let value = try await evaluate(expression) else {
            throw RunFailure.runtime("`\(describe(expression))` does not exist in the last answer", at: expression.range,
                                     details: availableKeys(expression).map { ["there: \($0)"] } ?? [])
        }
        return value
    }

    private func response(for expression: Expression) throws(RunFailure) -> APIResponse {
        guard let lastResponse else {
            throw RunFailure.runtime("no request has been sent yet, so there is no answer to read", at: expression.range)
        }
        return lastResponse
    }

    private func walk(_ value: JSONValue, _ path: Path) -> JSONValue? {
        var current = value
        for step in path.components {
            let component = step.component
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let next = current[index] else { return nil }
                current = next
            }
        }
        return current
    }

    /// Decides a predicate, with the texts an assertion failure shows.
    func judge(_ expression: Expression) async throws(RunFailure) -> Verdict {
        switch expression.kind {
        case .not(let inner):
            var verdict = try await judge(inner)
            verdict.holds.toggle()
            verdict.expected = "not " + verdict.expected
            return verdict
        case .comparison(let lhs, let op, let rhs):
            let a = try await evaluate(lhs)
            let b = try await evaluate(rhs)
            let (holds, problem) = Predicates.compare(a, op, b)
            let expectedValue = b.map { redactor.redact($0).shown } ?? "nothing (`\(describe(rhs))` does not exist)"
            var actual = shown(a, lhs)
            if let problem { actual += " (\(problem))" }
            return Verdict(holds: holds, expected: op == .equal ? expectedValue : "\(op.rawValue) \(expectedValue)", actual: actual)
        case .matches(let subject, let regex):
            let value = try await evaluate(subject)
            var holds = false
            if let value, let text = Predicates.matchText(value) {
                let pattern: Pattern
                do {
                    pattern = try regex.compiled ?? Pattern(regex.pattern)
                } catch {
                    throw RunFailure.runtime("invalid regex", at: regex.range)
                }
                do {
                    // Linear-time, and stops when the statement's task is cancelled (Ctrl-C).
                    holds = try pattern.matches(text)
                } catch {
                    throw RunFailure.runtime("cancelled", at: expression.range)
                }
            }
            return Verdict(holds: holds, expected: "matches /\(regex.pattern)/", actual: shown(value, subject))
        case .exists(let subject):
            let value = try await evaluate(subject)
            return Verdict(holds: value != nil, expected: "to exist", actual: shown(value, subject))
        case .isType(let subject, let type, _):
            let value = try await evaluate(subject)
            let article = type == .uuid ? "a" : type == .array || type == .object ? "an" : "a"
            return Verdict(holds: Predicates.isType(value, type), expected: type == .null ? "null" : "\(article) \(type.rawValue)", actual: shown(value, subject))
        default:
            let value = try await evaluate(expression)
            return Verdict(holds: value == .bool(true), expected: "true", actual: shown(value, expression))
        }
    }

    private func shown(_ value: JSONValue?, _ expression: Expression) -> String {
        guard let value else {
            let there = availableKeys(expression).map { "; there: \($0)" } ?? ""
            return "nothing: `\(describe(expression))` does not exist\(there)"
        }
        return redactor.redact(value).shown
    }

    /// The keys of the object a missing path stopped at, to help fix a typo.
    private func availableKeys(_ expression: Expression) -> String? {
        let root: JSONValue?
        let path: Path
        switch expression.kind {
        case .body(let p):
            root = lastResponse?.json
            path = p
        case .variable(let identifier, let p):
            root = variables[identifier.name]
            path = p
        default: return nil
        }
        guard var current = root else { return nil }
        for step in path.components {
            let component = step.component
            let next: JSONValue? =
                switch component {
                case .key(let key): current[key]
                case .index(let index): current[index]
                }
            guard let next else { break }
            current = next
        }
        switch current {
        case .object(let pairs): return pairs.map(\.key).joined(separator: ", ")
        case .array(let items): return "an array of \(items.count)"
        default: return nil
        }
    }

    func describe(_ expression: Expression) -> String {
        switch expression.kind {
        case .status: "status"
        case .body(let path): path.components.isEmpty ? "body" : "body" + (path.text.hasPrefix("[") ? "" : ".") + path.text
        case .header(let name): "header \"\(name)\""
        case .variable(let identifier, let path): "$" + identifier.name + (path.components.isEmpty ? "" : (path.text.hasPrefix("[") ? "" : ".") + path.text)
        default: "expression"
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Cancellation (Ctrl-C, `--fail-fast`) as a runtime failure at the statement it interrupted.
    static func checkCancellation(at range: SourceRange) throws(RunFailure) {
        if Task.isCancelled { throw RunFailure.runtime("cancelled", at: range) }
    }
}
