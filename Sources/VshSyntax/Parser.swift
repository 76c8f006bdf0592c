import VerifyAPI

/// Parses a script into statements, reporting every line it cannot read.
///
/// Recursive descent, one line at a time: after an error the parser records a
/// ``Diagnostic``, skips to the next line and goes on, so `vsh check` reports
/// every problem in a file at once.
public struct Parser {
    /// The commands a line can start with.
    /// Names an expression can start with.
    public static let expressionKeywords = ["status", "body", "header", "true", "false", "null", "not"]
    static let maxNesting = 64
    /// The most errors a file's parse reports; it stops reading there.
    public static let maxDiagnostics = 1000

    var lexer: Lexer
    let file: SourceFile
    public internal(set) var diagnostics: [Diagnostic] = []
    /// Patterns already compiled once: compiling a regex costs more than parsing a line.
    private var compiledPatterns: [String: Pattern] = [:]

    public init(_ file: SourceFile) {
        self.file = file
        self.lexer = Lexer(file)
    }

    /// Parses a whole script. Statements come back for every line that parsed,
    /// diagnostics for every line that did not.
    public static func parse(_ file: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        let parsed = parseKeepingComments(file)
        return (parsed.script, parsed.diagnostics)
    }

    /// The `# comments` of the text parsed so far, in order.
    public var comments: [SourceRange] { lexer.comments }

    /// Parses a whole script and returns its comments too (for the formatter).
    public static func parseKeepingComments(_ file: SourceFile) -> (script: Script, diagnostics: [Diagnostic], comments: [SourceRange]) {
        var parser = Parser(file)
        parser.invalidLines = parser.checkEncoding()
        let statements = parser.parseStatements(opened: nil, depth: 0).statements
        if parser.diagnostics.count > 1 { parser.diagnostics.sort { $0.sortKey < $1.sortKey } }
        return (Script(statements: statements), parser.diagnostics, parser.comments)
    }

    /// Lines with invalid UTF-8 or a NUL byte: reported once, then skipped.
    var invalidLines: Set<Int> = []

    /// Parses lines up to the `}` that closes the block `opened` (nil: up to the end of the
    /// script), which it consumes; returns the statements and the `}`.
    mutating func parseStatements(opened: SourceRange?, depth: Int) -> (statements: [Statement], close: SourceRange?) {
        var statements: [Statement] = []
        // Room for most scripts at once, but not for every line of a 16 MiB file of errors.
        if opened == nil { statements.reserveCapacity(min(file.lineStarts.count, 1 << 16)) }
        while !lexer.isAtEnd {
            // Past the cap the rest is not read: a file of errors costs a screenful, not gigabytes.
            if diagnostics.count >= Parser.maxDiagnostics {
                diagnostics.append(Diagnostic(severity: .note, "too many errors: the rest of the file is not read", at: location..<location))
                lexer.skipToEnd()
                lookahead = nil
                break
            }
            if !invalidLines.isEmpty, invalidLines.contains(lexer.location.line) {
                recover()
                continue
            }
            // Most lines do not start with `}`: one byte says so, without a token.
            if lookahead == nil, lexer.nextByte() != UInt8(ascii: "}") {
                if let statement = parseLine(depth: depth) { statements.append(statement) }
                continue
            }
            let first = peek(.argument)
            if case .word("}") = first.kind {
                _ = next(.argument)
                guard opened != nil else {
                    diagnostics.append(Diagnostic("`}` closes no block", at: first.range, hint: "a block opens with `{` at the end of a `repeat`, `for`, `poll` or `if` line"))
                    recover()
                    continue
                }
                return (statements, first.range)
            }
            if let statement = parseLine(depth: depth) { statements.append(statement) }
        }
        // An unclosed block is reported by the command that opened it.
        return (statements, nil)
    }

    /// Reports invalid UTF-8 and NUL bytes, one diagnostic per line, and returns those lines.
    mutating func checkEncoding() -> Set<Int> {
        let bytes = file.bytes
        // Most scripts are ASCII without NUL: one pass over the bytes proves it, with no copy.
        let plainASCII = bytes.withUnsafeBufferPointer { buffer in
            // Branch-free, so the compiler vectorizes it.
            var all: UInt8 = 0
            var lowest: UInt8 = 0xFF
            for byte in buffer {
                all |= byte
                lowest = min(lowest, byte)
            }
            return all < 0x80 && lowest > 0
        }
        if plainASCII { return [] }
        let hasNUL = bytes.contains(0)
        let validUTF8 = String(validating: bytes, as: UTF8.self) != nil
        guard hasNUL || !validUTF8 else { return [] }
        var bad = Set<Int>()
        for (index, start) in file.lineStarts.enumerated() {
            let end = index + 1 < file.lineStarts.count ? file.lineStarts[index + 1] : bytes.count
            let line = bytes[start..<end]
            if let nul = line.firstIndex(of: 0) {
                let at = file.location(at: nul)
                diagnostics.append(Diagnostic("NUL byte in script", at: at..<file.location(at: nul + 1)))
                bad.insert(index + 1)
            } else if String(validating: line, as: UTF8.self) == nil {
                let offset = Parser.firstInvalidUTF8(in: line) ?? start
                diagnostics.append(
                    Diagnostic("invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true))", at: file.location(at: offset)..<file.location(at: offset + 1),
                               hint: "scripts are UTF-8 text; re-save the file as UTF-8"))
                bad.insert(index + 1)
            }
        }
        return bad
    }

    static func firstInvalidUTF8(in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard length > 0, i + length <= bytes.endIndex,
                String(validating: bytes[i..<i + length], as: UTF8.self) != nil
            else { return i }
            i += length
        }
        return nil
    }

    // MARK: Lines

    /// Parses one line. Returns nil for a blank line or one with an error.
    mutating func parseLine(depth: Int) -> Statement? {
        let first = next(.argument)
        switch first.kind {
        case .newline, .end:
            return nil
        case .word(let word):
            do {
                // (The block commands start with r, f, p or i: most lines need no second look.)
                if let initial = word.utf8.first, initial == UInt8(ascii: "r") || initial == UInt8(ascii: "f") || initial == UInt8(ascii: "p") || initial == UInt8(ascii: "i"),
                    let block = try parseBlockCommand(word, first.range, depth: depth)
                {
                    return block
                }
                let statement = try parseCommand(word, first.range)
                try expectLineEnd(after: statement)
                return statement
            } catch {
                diagnostics.append(error)
                // Unless the error was seen only once the line had ended, the rest of it goes.
                lookahead = nil
                if !(lexer.location.column == 1 && lexer.location.line > first.range.lowerBound.line) { recover() }
                // A line that opened a block takes its block with it.
                skipBlock(openedOnLine: error.range.lowerBound.line, depth: depth)
                return nil
            }
        case .invalid(let message):
            diagnostics.append(Diagnostic(message, at: first.range))
        case .key(let name):
            diagnostics.append(Diagnostic("expected a command, found `\(Parser.short(name))=`", at: first.range, hint: commandHint(name)))
        default:
            diagnostics.append(
                Diagnostic("expected a command, found \(describe(first))", at: first.range, hint: "a line starts with one of: \(CommandTable.names.joined(separator: ", "))"))
        }
        recover()
        return nil
    }

    /// After a line that failed: when it ended with `{`, its block is read and dropped, so
    /// its lines and its `}` are not taken for lines outside it.
    mutating func skipBlock(openedOnLine line: Int, depth: Int) {
        let bytes = file.lineBytes(line)
        guard Parser.endsWithBrace(bytes) || Parser.hasBraceWord(bytes) else { return }
        guard line <= file.lineStarts.count else { return }
        // At the nesting limit the lines are skipped by their braces alone, not parsed: a
        // deeper block must cost no deeper recursion.
        guard depth + 1 < Block.maxDepth else {
            skipLines(openBlocks: 1)
            return
        }
        let at = file.location(at: file.lineStarts[line - 1])
        guard parseStatements(opened: at..<at, depth: depth + 1).close != nil else { return }
        // `} else {` goes on dropping; anything else after the `}` goes with it.
        let closeLine = lexer.location.line
        let elseFollows = lexer.nextIsWord("else")
        recover()
        if elseFollows { skipBlock(openedOnLine: closeLine, depth: depth) }
    }

    /// Skips whole lines until `openBlocks` blocks have closed (by the brace rule of
    /// ``openBlocks(in:)``), without parsing them; the closing line goes too.
    mutating func skipLines(openBlocks: Int) {
        var open = openBlocks
        lookahead = nil
        while open > 0, !lexer.isAtEnd {
            let bytes = file.lineBytes(lexer.location.line)
            if bytes.drop(while: { Lexer.isSpace($0) }).first == UInt8(ascii: "}") { open -= 1 }
            if Parser.endsWithBrace(bytes) { open += 1 }
            lexer.skipLine()
            _ = lexer.next(.argument)
        }
    }

    /// Whether a line holds ` { ` outside strings and comments: a block's brace with its
    /// first command written after it, on the same line.
    static func hasBraceWord(_ line: [UInt8]) -> Bool {
        var found = false
        forEachCodeByte(of: line) { index in
            guard line[index] == UInt8(ascii: "{"), index > 0, Lexer.isSpace(line[index - 1]), index + 1 < line.count, Lexer.isSpace(line[index + 1]) else {
                return true
            }
            found = true
            return false
        }
        return found
    }

    /// Whether a line's last character before its comment is `{`.
    static func endsWithBrace(_ line: [UInt8]) -> Bool {
        var last: UInt8 = 0
        forEachCodeByte(of: line) { index in
            if !Lexer.isSpace(line[index]) { last = line[index] }
            return true
        }
        return last == UInt8(ascii: "{")
    }

    /// Calls `body` with the index of each byte of `line` that is code: not inside a string,
    /// not in the comment, not part of a character that only looks like a space (for a
    /// block's shape it is one; it is reported where it is). `body` returns false to stop.
    private static func forEachCodeByte(of line: [UInt8], _ body: (Int) -> Bool) {
        var quoted = false
        var index = 0
        while index < line.count {
            let byte = line[index]
            if quoted {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { quoted = false }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: "#"), index == 0 || Lexer.isSpace(line[index - 1]) {
                return
            } else if byte >= 0xC2, let invisible = InvisibleCharacter.at(line, index) {
                index += invisible.length
                continue
            } else if !body(index) {
                return
            }
            index += 1
        }
    }

    mutating func recover() {
        lookahead = nil
        lexer.skipLine()
        _ = next(.argument)
    }

    // MARK: Tokens

    /// One token of lookahead, with the lexer's state after it, so peeking costs no second scan.
    struct Lookahead {
        var mode: Lexer.Mode
        var token: Token
        var after: Lexer.State
    }

    var lookahead: Lookahead?

    mutating func peek(_ mode: Lexer.Mode) -> Token {
        if let lookahead, lookahead.mode == mode { return lookahead.token }
        let before = lexer.state
        let token = lexer.next(mode)
        lookahead = Lookahead(mode: mode, token: token, after: lexer.state)
        lexer.state = before
        return token
    }

    mutating func next(_ mode: Lexer.Mode) -> Token {
        if let pending = lookahead {
            lookahead = nil
            if pending.mode == mode {
                lexer.state = pending.after
                return pending.token
            }
        }
        return lexer.next(mode)
    }

    /// Whether the rest of the line is blank or a comment.
    mutating func atLineEnd() -> Bool {
        lookahead = nil
        return lexer.atLineEnd()
    }

    var location: SourceLocation {
        mutating get {
            lookahead = nil
            return lexer.location
        }
    }

    func commandHint(_ word: String) -> String {
        if word.hasPrefix("}") { return "`}` stands alone at the start of its line: `}`, or `} else {`" }
        if CommandTable.session.subcommand(word) != nil { return "did you mean `session \(word)`?" }
        if let suggestion = Suggestions.closest(to: word, in: CommandTable.names) { return "did you mean `\(suggestion)`?" }
        return "a line starts with one of: \(CommandTable.names.joined(separator: ", "))"
    }

    mutating func expectLineEnd(after statement: Statement) throws(Diagnostic) {
        let token = next(statement.command.isExpressionCommand ? .expression : .argument)
        switch token.kind {
        case .newline, .end: return
        case .invalid(let message): throw Diagnostic(message, at: token.range)
        default:
            throw Diagnostic("unexpected \(describe(token)) after the command", at: token.range, hint: statement.command.usageHint)
        }
    }

    private mutating func parseCommand(_ word: String, _ range: SourceRange) throws(Diagnostic) -> Statement {
        switch word {
        case "auth": return try parseAuth(range)
        case "session": return try parseSession(range)
        case "validate":
            let code = try parseRequiredArgument(after: range, what: "a code", usage: Self.example("validate"))
            if let literal = code.literalText, literal.isEmpty || !literal.utf8.allSatisfy(Lexer.isDigit) {
                throw Diagnostic("a one-time code is digits, got \(quote(literal))", at: code.range, hint: "use `validate $otp` for the code the session received")
            }
            return Statement(.validate(code), range: range.union(code.range))
        case "assert":
            let expression = try parseExpression(after: range, usage: Self.example("assert"))
            return Statement(.assert(expression), range: range.union(expression.range))
        case "print":
            let expression = try parseExpression(after: range, usage: Self.example("print"))
            return Statement(.print(expression), range: range.union(expression.range))
        case "let": return try parseLet(range)
        case "sleep": return try parseSleep(range)
        case "fault": return try parseFault(range)
        case "include": return try parseInclude(range)
        case "else":
            throw Diagnostic("`else` without `if`", at: range, hint: "`else` follows the `}` of an `if` block, on the same line: `} else {`")
        default:
            throw Diagnostic("unknown command `\(Parser.short(word))`", at: range, hint: commandHint(word))
        }
    }

    // MARK: Commands

    private mutating func parseAuth(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        var arguments: [Argument] = []
        while !atLineEnd() {
            let argument = try parseArgument(usage: Self.example("auth"))
            guard arguments.count < 2 else {
                throw Diagnostic("`auth` takes at most two arguments: an auth ID and a token", at: argument.range, hint: Self.example("auth"))
            }
            arguments.append(argument)
        }
        if let id = arguments.first, let literal = id.literalText, !Credentials.isWellFormed(authID: literal) {
            // Never quote what may be a token (docs/language.md, "Secrets").
            if let second = arguments.dropFirst().first?.literalText, Credentials.isWellFormed(authID: second) {
                throw Diagnostic(
                    "the auth ID looks like the auth token: are the arguments swapped?", at: id.range,
                    hint: "the auth ID comes first, then the token: `auth MA… $PLIVO_AUTH_TOKEN`")
            }
            let shown = Redactor.looksLikeToken(literal) || literal.utf8.count > 24 ? ": it looks like a token, so it is not shown" : " \(quote(literal))"
            throw Diagnostic(
                "malformed auth ID\(shown)", at: id.range,
                hint: "an auth ID is MA or SA followed by 18 capital letters or digits, e.g. MA2025RK4E639VJFZAGV")
        }
        let range = arguments.last.map { keyword.union($0.range) } ?? keyword
        return Statement(.auth(authID: arguments.first, token: arguments.dropFirst().first), range: range)
    }

    private mutating func parseSession(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        let session = CommandTable.session
        let everyText = session.subcommandList(qualified: true)
        let token = next(.argument)
        guard case .word(let sub) = token.kind else {
            switch token.kind {
            case .newline, .end:
                throw Diagnostic("`session` needs a subcommand: \(session.subcommandList())", at: keyword, hint: session.examples[0])
            default:
                throw Diagnostic("expected a subcommand of `session`, found \(describe(token))", at: token.range, hint: everyText)
            }
        }
        let head = keyword.union(token.range)
        let example = session.subcommand(sub)?.examples.first ?? ""
        switch sub {
        case "create":
            let parameters = try parseParameters(VerifyParameters.create, command: "session create", usage: example)
            return Statement(.sessionCreate(parameters), range: parameters.last.map { head.union($0.range) } ?? head)
        case "list":
            let parameters = try parseParameters(VerifyParameters.list, command: "session list", usage: example)
            return Statement(.sessionList(parameters), range: parameters.last.map { head.union($0.range) } ?? head)
        case "get":
            guard !atLineEnd() else { return Statement(.sessionGet(nil), range: head) }
            let uuid = try parseArgument(usage: example)
            try checkUUID(uuid)
            return Statement(.sessionGet(uuid), range: head.union(uuid.range))
        case "use":
            let uuid = try parseRequiredArgument(after: head, what: "a session UUID", usage: example)
            try checkUUID(uuid)
            return Statement(.sessionUse(uuid), range: head.union(uuid.range))
        default:
            let hint = Suggestions.closest(to: sub, in: session.subcommands.map(\.name)).map { "did you mean `session \($0)`?" }
            throw Diagnostic("unknown subcommand `session \(Parser.short(sub))`", at: token.range, hint: hint ?? everyText)
        }
    }

    private func checkUUID(_ argument: Argument) throws(Diagnostic) {
        if let literal = argument.literalText, !UUIDText.isUUID(literal) {
            throw Diagnostic("\(quote(literal)) is not a session UUID", at: argument.range, hint: "a session UUID looks like 8e712097-8090-4644-81e7-8f4265d8354e")
        }
    }

    mutating func parseParameters(_ specs: [ParameterSpec]?, command: String, usage: @autoclosure () -> String) throws(Diagnostic) -> [Parameter] {
        var parameters: [Parameter] = []
        parameters.reserveCapacity(4)
        while !atLineEnd() {
            let token = next(.argument)
            guard case .key(let name) = token.kind else {
                if case .invalid(let message) = token.kind { throw Diagnostic(message, at: token.range) }
                throw Diagnostic("expected `name=value`, found \(describe(token))", at: token.range, hint: usage())
            }
            let spec = specs?.first(where: { $0.name == name })
            if let specs, spec == nil {
                let hint = Suggestions.closest(to: name, in: specs.map(\.name)).map { "did you mean `\($0)=`?" }
                throw Diagnostic("`\(command)` has no parameter `\(name)`", at: token.range, hint: hint ?? "it takes: \(specs.map(\.name).joined(separator: ", "))")
            }
            if let earlier = parameters.first(where: { $0.name.name == name }) {
                throw Diagnostic("`\(name)` is given twice (first at column \(earlier.name.range.lowerBound.column))", at: token.range)
            }
            let valueStart = location
            let valueToken = next(.value)
            guard valueToken.range.lowerBound.offset == valueStart.offset, let value = argument(from: valueToken) else {
                if case .invalid(let message) = valueToken.kind { throw Diagnostic(message, at: valueToken.range) }
                throw Diagnostic("`\(name)=` needs a value right after the `=`", at: token.range, hint: "\(name)=VALUE, or \(name)=\"\" for an empty one")
            }
            if let spec { try checkLiteral(value, against: spec) }
            parameters.append(Parameter(name: Identifier(name, range: token.range), value: value))
        }
        return parameters
    }

    private func checkLiteral(_ value: Argument, against spec: ParameterSpec) throws(Diagnostic) {
        guard let literal = value.literalText else { return }
        switch spec.kind {
        case .text:
            return
        case .integer:
            guard !literal.isEmpty, literal.utf8.allSatisfy(Lexer.isDigit) else {
                throw Diagnostic("`\(spec.name)` takes a whole number, got \(quote(literal))", at: value.range)
            }
            guard literal.utf8.count < 10 else {
                throw Diagnostic("`\(spec.name)` takes a whole number of at most 9 digits, got \(quote(literal))", at: value.range)
            }
        case .choice(let choices):
            guard choices.contains(literal) else {
                let hint = Suggestions.closest(to: literal, in: choices).map { "did you mean `\($0)`?" }
                throw Diagnostic("`\(spec.name)` is one of \(choices.joined(separator: ", ")), got \(quote(literal))", at: value.range, hint: hint)
            }
        case .timestamp:
            guard Timestamp(parsing: literal) != nil else {
                throw Diagnostic("`\(spec.name)` takes a time as \"YYYY-MM-DD HH:MM[:ss]\", got \(quote(literal))", at: value.range,
                                 hint: "quote it, since it has a space: \(spec.name)=\"2024-01-01 00:00\"")
            }
        }
    }

    private mutating func parseLet(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        let nameToken = next(.expression)
        guard case .word(let name) = nameToken.kind else {
            throw Diagnostic("expected a variable name after `let`, found \(describe(nameToken))", at: nameToken.range, hint: "let code = body.session_uuid")
        }
        let equals = next(.expression)
        guard case .symbol("=") = equals.kind else {
            throw Diagnostic("expected `=` after `let \(name)`, found \(describe(equals))", at: equals.range, hint: "let \(name) = EXPRESSION")
        }
        let value = try parseExpression(after: equals.range, usage: "let \(name) = body.session_uuid")
        return Statement(.let(Identifier(name, range: nameToken.range), value), range: keyword.union(value.range))
    }

    private mutating func parseSleep(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        let token = next(.argument)
        guard case .word(let text) = token.kind else {
            let at = (token.kind == .newline || token.kind == .end) ? keyword : token.range
            throw Diagnostic("`sleep` needs a duration", at: at, hint: "sleep 11m, sleep 30s, sleep 500ms, sleep 1h30m")
        }
        let duration: Duration
        switch DurationText.read(text) {
        case .success(let read): duration = read
        case .failure(.tooLong):
            throw Diagnostic("\(quote(text)) is longer than the longest sleep, \(DurationText.maximumText) (100 years)", at: token.range)
        case .failure(.malformed):
            throw Diagnostic("\(quote(text)) is not a duration", at: token.range, hint: "a duration is a whole number and a unit: 500ms, 30s, 11m, 1h, or 1h30m")
        }
        return Statement(.sleep(duration, token.range), range: keyword.union(token.range))
    }

    private mutating func parseFault(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        let usage = Self.example("fault")
        let token = next(.argument)
        let targets = VerifyParameters.faultEndpoints + ["clear"]
        guard case .word(let target) = token.kind else {
            let at = (token.kind == .newline || token.kind == .end) ? keyword : token.range
            throw Diagnostic("`fault` needs an endpoint (\(VerifyParameters.faultEndpoints.joined(separator: ", "))) or `clear`", at: at, hint: usage)
        }
        guard targets.contains(target) else {
            let hint = Suggestions.closest(to: target, in: targets).map { "did you mean `fault \($0)`?" }
            throw Diagnostic("`fault` takes an endpoint (\(VerifyParameters.faultEndpoints.joined(separator: ", "))) or `clear`, got \(quote(target))", at: token.range, hint: hint ?? usage)
        }
        let head = keyword.union(token.range)
        let name = Identifier(target, range: token.range)
        if target == "clear" { return Statement(.fault(target: name, []), range: head) }
        // The bare flags first: `fault create drop times=2`.
        var parameters: [Parameter] = []
        while case .word(let flag) = peek(.argument).kind, VerifyParameters.faultFlags.contains(flag) {
            let flagToken = next(.argument)
            guard !parameters.contains(where: { $0.name.name == flag }) else {
                throw Diagnostic("`\(flag)` is given twice", at: flagToken.range)
            }
            parameters.append(Parameter(name: Identifier(flag, range: flagToken.range), value: Argument(.word("true"), range: flagToken.range)))
        }
        parameters += try parseParameters(VerifyParameters.fault, command: "fault", usage: usage)
        if let delay = parameters.first(where: { $0.name.name == "delay" }), let text = delay.value.literalText {
            guard case .success(let duration) = DurationText.read(text), duration <= .seconds(60) else {
                throw Diagnostic("`delay` takes a duration of at most 60s, got \(quote(text))", at: delay.value.range, hint: "delay=2s")
            }
        }
        let actions = parameters.filter { ["status", "body", "drop", "reset"].contains($0.name.name) }
        if actions.count > 1 {
            throw Diagnostic(
                "a fault does one thing: \(actions.map { "`\($0.name.name)`" }.joined(separator: " and ")) cannot go together", at: actions[1].range,
                hint: "arm two faults, one after the other")
        }
        if actions.isEmpty, !parameters.contains(where: { $0.name.name == "delay" }) {
            throw Diagnostic("a fault needs what to do: status=N, delay=D, body=malformed|empty, drop or reset", at: head, hint: usage)
        }
        return Statement(.fault(target: name, parameters), range: parameters.last.map { head.union($0.range) } ?? head)
    }

    // MARK: Arguments

    func argument(from token: Token) -> Argument? {
        switch token.kind {
        case .word(let w): Argument(.word(w), range: token.range)
        case .string(let parts): Argument(.string(parts), range: token.range)
        case .variable(let name): Argument(.variable(name), range: token.range)
        default: nil
        }
    }

    mutating func parseArgument(usage: @autoclosure () -> String) throws(Diagnostic) -> Argument {
        let token = next(.value)
        if let argument = argument(from: token) { return argument }
        if case .invalid(let message) = token.kind { throw Diagnostic(message, at: token.range) }
        throw Diagnostic("expected an argument, found \(describe(token))", at: token.range, hint: usage())
    }

    mutating func parseRequiredArgument(after keyword: SourceRange, what: String, usage: @autoclosure () -> String) throws(Diagnostic) -> Argument {
        guard !atLineEnd() else {
            throw Diagnostic("`\(file.text(in: keyword))` needs \(what)", at: keyword, hint: usage())
        }
        return try parseArgument(usage: usage())
    }

    // MARK: Expressions

    mutating func parseExpression(after keyword: SourceRange, usage: @autoclosure () -> String) throws(Diagnostic) -> Expression {
        guard !atLineEnd() else {
            throw Diagnostic("`\(file.text(in: keyword))` needs an expression", at: keyword, hint: usage())
        }
        return try parseExpression(depth: 0)
    }

    mutating func parseExpression(depth: Int) throws(Diagnostic) -> Expression {
        guard depth < Parser.maxNesting else {
            throw Diagnostic("expression nested too deeply (more than \(Parser.maxNesting) levels)", at: peek(.expression).range)
        }
        if lookahead == nil, !lexer.nextIsWord("not") { return try parsePredicate(depth: depth) }
        let token = peek(.expression)
        if case .word("not") = token.kind {
            _ = next(.expression)
            let inner = try parseExpression(depth: depth + 1)
            return Expression(.not(inner), range: token.range.union(inner.range))
        }
        return try parsePredicate(depth: depth)
    }

    private mutating func parsePredicate(depth: Int) throws(Diagnostic) -> Expression {
        let subject = try parseOperand(depth: depth)
        // Most subjects end their line (`print body`, `let x = $y`): no token needed to see that.
        if lookahead == nil, lexer.atLineEnd() { return subject }
        let token = peek(.expression)
        switch token.kind {
        case .symbol(let symbol):
            if let op = ComparisonOperator(rawValue: symbol) {
                _ = next(.expression)
                let other = try parseOperand(depth: depth, after: token)
                return Expression(.comparison(subject, op, other), range: subject.range.union(other.range))
            }
            if symbol == "=" {
                throw Diagnostic("`=` assigns; to compare, use `==`", at: token.range, hint: "\(file.text(in: subject.range)) == …")
            }
            return subject
        case .word("not"):
            _ = next(.expression)
            let predicate = try parsePredicateOperator(subject, depth: depth, negatedAt: token.range)
            return Expression(.not(predicate), range: subject.range.union(predicate.range))
        case .word:
            return try parsePredicateOperator(subject, depth: depth, negatedAt: nil)
        default:
            return subject
        }
    }

    /// `contains X`, `matches /re/`, `exists`, `is TYPE` after a subject.
    private mutating func parsePredicateOperator(_ subject: Expression, depth: Int, negatedAt: SourceRange?) throws(Diagnostic) -> Expression {
        let token = next(.expression)
        guard case .word(let word) = token.kind else {
            throw Diagnostic("expected `contains`, `matches`, `exists` or `is` after `not`", at: token.range)
        }
        switch word {
        case "contains":
            let other = try parseOperand(depth: depth, after: token)
            return Expression(.comparison(subject, .contains, other), range: subject.range.union(other.range))
        case "matches":
            let regex = next(.expression)
            guard case .regex(let pattern) = regex.kind else {
                if case .invalid(let message) = regex.kind { throw Diagnostic(message, at: regex.range) }
                throw Diagnostic("expected a regex after `matches`, found \(describe(regex))", at: regex.range, hint: "body.session_uuid matches /^[0-9a-f-]{36}$/")
            }
            let compiled: Pattern
            if let known = compiledPatterns[pattern] {
                compiled = known
            } else {
                do {
                    compiled = try Pattern(pattern)
                } catch {
                    throw regexDiagnostic(error, literal: regex.range)
                }
                compiledPatterns[pattern] = compiled
            }
            return Expression(
                .matches(subject, RegexLiteral(pattern: pattern, range: regex.range, compiled: compiled)), range: subject.range.union(regex.range))
        case "exists":
            return Expression(.exists(subject), range: subject.range.union(token.range))
        case "is" where negatedAt == nil:
            var negated = false
            var typeToken = next(.expression)
            if case .word("not") = typeToken.kind {
                negated = true
                typeToken = next(.expression)
            }
            guard case .word(let name) = typeToken.kind, let type = ValueType(rawValue: name) else {
                let written: String = if case .word(let w) = typeToken.kind { w } else { "" }
                let hint = Suggestions.closest(to: written, in: ValueType.allCases.map(\.rawValue)).map { "did you mean `is \($0)`?" }
                throw Diagnostic("expected a type after `is`: \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))", at: typeToken.range, hint: hint)
            }
            let test = Expression(.isType(subject, type, typeToken.range), range: subject.range.union(typeToken.range))
            return negated ? Expression(.not(test), range: test.range) : test
        case "is":
            throw Diagnostic("`not is` is written `is not`", at: negatedAt ?? token.range, hint: "\(file.text(in: subject.range)) is not uuid")
        default:
            let operators = ["contains", "matches", "exists", "is"]
            let hint = Suggestions.closest(to: word, in: operators).map { "did you mean `\($0)`?" } ?? "operators are ==, !=, <, <=, >, >=, contains, matches, exists, is"
            throw Diagnostic("unexpected `\(word)` after the expression", at: token.range, hint: hint)
        }
    }

    private mutating func parseOperand(depth: Int, after op: Token? = nil) throws(Diagnostic) -> Expression {
        let token = next(.expression)
        switch token.kind {
        case .number(let value, let text):
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if digits.count > 1, digits.hasPrefix("0"), !digits.hasPrefix("0.") {
                throw Diagnostic("a number cannot start with 0; for a code, write a string", at: token.range, hint: "\"\(text)\"")
            }
            return Expression(.literal(.number(value)), range: token.range)
        case .string(let parts):
            return Expression(.string(parts), range: token.range)
        case .variable(let name):
            let path = try parsePath()
            let range = path.components.last.map { token.range.union($0.range) } ?? token.range
            return Expression(.variable(Identifier(name, range: token.range), path), range: range)
        case .symbol("["):
            return try parseList(from: token, depth: depth)
        case .symbol("("):
            let inner = try parseExpression(depth: depth + 1)
            let close = next(.expression)
            guard case .symbol(")") = close.kind else {
                throw Diagnostic("expected `)`, found \(describe(close))", at: close.range)
            }
            return Expression(inner.kind, range: token.range.union(close.range))
        case .word(let word):
            switch word {
            case "status": return Expression(.status, range: token.range)
            case "true": return Expression(.literal(.bool(true)), range: token.range)
            case "false": return Expression(.literal(.bool(false)), range: token.range)
            case "null": return Expression(.literal(.null), range: token.range)
            case "body":
                let path = try parsePath()
                let range = path.components.last.map { token.range.union($0.range) } ?? token.range
                return Expression(.body(path), range: range)
            case "header":
                let name = next(.expression)
                guard case .string(let parts) = name.kind, let text = Argument(.string(parts), range: name.range).literalText else {
                    throw Diagnostic("`header` takes a quoted header name", at: name.range, hint: "header \"Content-Type\"")
                }
                return Expression(.header(name: text), range: token.range.union(name.range))
            default:
                var hint = Suggestions.closest(to: word, in: Parser.expressionKeywords).map { "did you mean `\($0)`?" }
                if hint == nil { hint = "for a field of the answer write `body.\(word)`; for text, quote it: \"\(word)\"" }
                throw Diagnostic("unknown name `\(Parser.short(word))`", at: token.range, hint: hint)
            }
        case .invalid(let message):
            throw Diagnostic(message, at: token.range)
        case .newline, .end:
            let at = op?.range ?? token.range
            throw Diagnostic(op.map { "expected a value after \(describe($0))" } ?? "expected a value", at: at)
        default:
            throw Diagnostic("expected a value, found \(describe(token))", at: token.range)
        }
    }

    /// `.key`, `[0]`, `."odd key"`, `["odd key"]`, repeated.
    private mutating func parsePath() throws(Diagnostic) -> Path {
        var path = Path()
        while true {
            if lookahead == nil {
                let byte = lexer.nextByte()
                guard byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[") else { return path }
            }
            let token = peek(.expression)
            guard case .symbol(let symbol) = token.kind, symbol == "." || symbol == "[" else { return path }
            _ = next(.expression)
            let key = next(.expression)
            if symbol == "." {
                switch key.kind {
                case .word(let name): path.components.append(Path.Step(.key(name), range: token.range.union(key.range)))
                case .string(let parts):
                    guard let text = Argument(.string(parts), range: key.range).literalText else {
                        throw Diagnostic("a quoted field name cannot hold variables", at: key.range)
                    }
                    path.components.append(Path.Step(.key(text), range: token.range.union(key.range)))
                default:
                    throw Diagnostic("expected a field name after `.`", at: key.range.lowerBound == key.range.upperBound ? token.range : key.range)
                }
            } else {
                // Not past the end of the line: the next line is not this index's.
                if key.kind == .newline || key.kind == .end {
                    throw Diagnostic("expected an index or a quoted key after `[`, found \(describe(key))", at: key.range, hint: "body.sessions[0]")
                }
                let close = next(.expression)
                guard case .symbol("]") = close.kind else {
                    throw Diagnostic("expected `]`", at: close.range, hint: "body.sessions[0]")
                }
                switch key.kind {
                case .number(let n, let text) where n >= 0 && n.rounded() == n && !text.contains(".") && n < 1e9:
                    path.components.append(Path.Step(.index(Int(n)), range: token.range.union(close.range)))
                case .string(let parts):
                    guard let text = Argument(.string(parts), range: key.range).literalText else {
                        throw Diagnostic("a quoted field name cannot hold variables", at: key.range)
                    }
                    path.components.append(Path.Step(.key(text), range: token.range.union(close.range)))
                default:
                    throw Diagnostic("an index is a whole number from 0", at: key.range, hint: "body.sessions[0]")
                }
            }
        }
    }

    // MARK: Helpers

    /// A word as messages quote it: cut to 60 characters, so a huge token cannot flood the terminal.
    static func short(_ word: String) -> String {
        word.count > 60 ? String(word.prefix(60)) + "…" : word
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .word(let w): "`\(Parser.short(w))`"
        case .key(let k): "`\(Parser.short(k))=`"
        case .string: "a string"
        case .variable(let v): "`$\(v)`"
        case .number(_, let text): "`\(text)`"
        case .regex: "a regex"
        case .symbol(let s): "`\(s)`"
        case .newline: "the end of the line"
        case .end: "the end of the script"
        case .invalid: "invalid text"
        }
    }

    func quote(_ text: String) -> String {
        JSONValue.quoted(text.count > 60 ? String(text.prefix(60)) + "…" : text)
    }

    /// A refused pattern as a diagnostic whose caret is on the spot inside the `/…/` literal.
    private func regexDiagnostic(_ error: PatternError, literal: SourceRange) -> Diagnostic {
        let lower = sourceOffset(ofPatternOffset: error.range.lowerBound, literal: literal)
        let upper = max(lower, sourceOffset(ofPatternOffset: error.range.upperBound, literal: literal))
        let hint: String? =
            error.kind == .unsupported ? "vsh matches regexes in linear time, without backtracking (docs/language.md, Regexes)" : nil
        return Diagnostic("invalid regex: \(error.message)", at: file.location(at: lower)..<file.location(at: upper), hint: hint)
    }

    /// Where byte `offset` of a literal's pattern is in the source: the lexer turned each `\/` into `/`.
    private func sourceOffset(ofPatternOffset offset: Int, literal: SourceRange) -> Int {
        let bytes = file.bytes
        let end = max(literal.lowerBound.offset, literal.upperBound.offset - 1)  // before the closing `/`
        var source = literal.lowerBound.offset + 1
        var pattern = 0
        while pattern < offset, source < end {
            if bytes[source] == UInt8(ascii: "\\"), source + 1 < end {
                if bytes[source + 1] == UInt8(ascii: "/") {
                    source += 2
                    pattern += 1
                    continue
                }
                if pattern + 2 <= offset {
                    source += 2
                    pattern += 2
                    continue
                }
            }
            source += 1
            pattern += 1
        }
        return min(source, max(end, literal.lowerBound.offset + 1))
    }
}

extension Command {
    /// Whether the command's arguments are an expression (so the line is lexed as one).
    var isExpressionCommand: Bool {
        switch self {
        case .assert, .print, .let: true
        default: false
        }
    }

    /// The command's entry in ``CommandTable``.
    var spec: CommandSpec {
        switch self {
        case .auth: CommandTable.command("auth")!
        case .sessionCreate: CommandTable.session.subcommand("create")!
        case .sessionGet: CommandTable.session.subcommand("get")!
        case .sessionList: CommandTable.session.subcommand("list")!
        case .sessionUse: CommandTable.session.subcommand("use")!
        case .validate: CommandTable.command("validate")!
        case .assert: CommandTable.command("assert")!
        case .let: CommandTable.command("let")!
        case .print: CommandTable.command("print")!
        case .sleep: CommandTable.command("sleep")!
        case .fault: CommandTable.command("fault")!
        case .repeat: CommandTable.command("repeat")!
        case .forEach: CommandTable.command("for")!
        case .poll: CommandTable.command("poll")!
        case .if: CommandTable.command("if")!
        case .include: CommandTable.command("include")!
        }
    }

    /// How the command is written, for a line with more after it than it takes.
    var usageHint: String { "usage: " + spec.usage }
}

extension Parser {
    /// The first example of a command in ``CommandTable``: the hint of a diagnostic about it.
    static func example(_ command: String) -> String { CommandTable.command(command)?.examples.first ?? command }
}
