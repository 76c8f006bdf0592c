import VerifyAPI

/// The block commands (`repeat`, `for`, `poll`, `if`), list literals and `include`.
///
/// A block command's line ends with `{`; its lines follow, one statement each, and a line
/// that starts with `}` closes it (an `if` block's `}` may go on with `else`).
extension Parser {
    /// Parses a block command and its block, or returns nil when `word` is not one.
    mutating func parseBlockCommand(_ word: String, _ keyword: SourceRange, depth: Int) throws(Diagnostic) -> Statement? {
        switch word {
        case "repeat", "for", "poll", "if":
            guard depth < Block.maxDepth else {
                throw Diagnostic("blocks nested too deeply (more than \(Block.maxDepth) levels)", at: keyword)
            }
        default:
            return nil
        }
        switch word {
        case "repeat":
            if case .word("{") = peek(.value).kind { throw Diagnostic("`repeat` needs a count", at: keyword, hint: Self.example("repeat")) }
            let count = try parseRequiredArgument(after: keyword, what: "a count", usage: Self.example("repeat"))
            if let literal = count.literalText { try Parser.checkCount(literal, at: count.range) }
            let open = try expectBlockOpen(after: "repeat \(file.text(in: count.range))", mode: .argument)
            let body = try parseBody(open: open, depth: depth)
            return Statement(.repeat(count, body), range: keyword.union(open))
        case "for":
            let name = next(.expression)
            guard case .word(let variable) = name.kind, !Parser.expressionKeywords.contains(variable), variable != "in" else {
                throw Diagnostic("expected a variable name after `for`, found \(describe(name))", at: name.range, hint: Self.example("for"))
            }
            let inToken = next(.expression)
            guard case .word("in") = inToken.kind else {
                throw Diagnostic("expected `in` after `for \(variable)`, found \(describe(inToken))", at: inToken.range, hint: Self.example("for"))
            }
            let list = try parseExpression(after: inToken.range, usage: Self.example("for"))
            let open = try expectBlockOpen(after: "for \(variable) in …", mode: .expression)
            let body = try parseBody(open: open, depth: depth)
            return Statement(.forEach(Identifier(variable, range: name.range), list, body), range: keyword.union(open))
        case "poll":
            let (poll, open) = try parsePollHead(keyword)
            let body = try parseBody(open: open, depth: depth)
            if !body.sendsRequest, !body.statements.contains(where: { if case .include = $0.command { true } else { false } }) {
                diagnostics.append(Diagnostic("a poll block sends nothing, so its condition would never change", at: keyword,
                                              hint: "put the request to repeat inside it: `session get`"))
            }
            return Statement(.poll(poll, body), range: keyword.union(open))
        default:
            return try parseIf(keyword, depth: depth)
        }
    }

    /// `if EXPR {` … `} else if EXPR {` … `} else {` … `}`
    private mutating func parseIf(_ keyword: SourceRange, depth: Int) throws(Diagnostic) -> Statement {
        var branches: [Branch] = []
        var otherwise: Block?
        var branchKeyword = keyword
        while true {
            let condition = try parseExpression(after: branchKeyword, usage: Self.example("if"))
            let open = try expectBlockOpen(after: "if …", mode: .expression)
            let (statements, close) = parseStatements(opened: open, depth: depth + 1)
            guard let close else { throw Parser.unclosed(open) }
            branches.append(Branch(condition: condition, body: Block(statements, open: open, close: close), keyword: branchKeyword))
            // `} else if …`, `} else {`, or the end of the `}` line.
            guard lexer.nextIsWord("else") else {
                expectLineEnd(afterClose: close, elseAllowed: true)
                break
            }
            let elseToken = next(.argument)
            if lexer.nextIsWord("if") {
                let ifToken = next(.argument)
                branchKeyword = elseToken.range.union(ifToken.range)
                continue
            }
            let open2 = try expectBlockOpen(after: "else", mode: .argument)
            let (elseStatements, elseClose) = parseStatements(opened: open2, depth: depth + 1)
            guard let elseClose else { throw Parser.unclosed(open2) }
            otherwise = Block(elseStatements, open: open2, close: elseClose)
            if lexer.nextIsWord("else") {
                let extra = next(.argument)
                diagnostics.append(Diagnostic("an `if` has one `else`, and it comes last", at: extra.range, hint: "for another condition, write `} else if CONDITION {` before the `else`"))
                recover()
                skipBlock(openedOnLine: extra.range.lowerBound.line, depth: 0)
                break
            }
            expectLineEnd(afterClose: elseClose, elseAllowed: false)
            break
        }
        return Statement(.if(branches, else: otherwise), range: keyword.union(branches[0].body.open))
    }

    /// `every D`, `timeout D` (either order, `every` optional), `until EXPR`, `{`.
    private mutating func parsePollHead(_ keyword: SourceRange) throws(Diagnostic) -> (Poll, SourceRange) {
        let usage = Self.example("poll")
        var interval: (Duration, SourceRange)?
        var timeout: (Duration, SourceRange)?
        while true {
            let token = next(.argument)
            switch token.kind {
            case .word(let option) where option == "every" || option == "timeout":
                let value = next(.argument)
                guard case .word(let text) = value.kind else {
                    throw Diagnostic("`\(option)` needs a duration", at: token.range, hint: usage)
                }
                let duration: Duration
                switch DurationText.read(text) {
                case .success(let read) where read > .zero: duration = read
                case .failure(.tooLong):
                    throw Diagnostic("\(quote(text)) is longer than the longest duration, \(DurationText.maximumText) (100 years)", at: value.range)
                default:
                    throw Diagnostic("\(quote(text)) is not a duration of more than zero", at: value.range, hint: "a duration is a whole number and a unit: 500ms, 30s, 11m, 1h")
                }
                if option == "every" {
                    guard interval == nil else { throw Diagnostic("`every` is given twice", at: token.range) }
                    interval = (duration, value.range)
                } else {
                    guard timeout == nil else { throw Diagnostic("`timeout` is given twice", at: token.range) }
                    timeout = (duration, value.range)
                }
            case .word("until"):
                guard let timeout else {
                    throw Diagnostic("a poll needs a timeout: without one it could wait forever", at: keyword, hint: usage)
                }
                let every = interval?.0 ?? Poll.defaultInterval
                guard every <= timeout.0 else {
                    throw Diagnostic("the interval is longer than the timeout, so the poll would try only once", at: interval?.1 ?? keyword,
                                     hint: "poll every 1s timeout 30s until …")
                }
                let condition = try parseExpression(after: token.range, usage: usage)
                let poll = Poll(interval: every, intervalRange: interval?.1, timeout: timeout.0, timeoutRange: timeout.1, condition: condition)
                guard poll.maxAttempts <= Block.maxIterations else {
                    throw Diagnostic(
                        "this poll could make more than \(Block.maxIterations) attempts (its timeout over its interval)", at: timeout.1,
                        hint: "poll less often (`every 1s`) or for less long")
                }
                return (poll, try expectBlockOpen(after: "poll … until …", mode: .expression))
            case .newline, .end:
                throw Diagnostic(timeout == nil ? "a poll needs a timeout: without one it could wait forever" : "a poll needs `until CONDITION`", at: keyword, hint: usage)
            case .invalid(let message):
                throw Diagnostic(message, at: token.range)
            default:
                let hint = "poll takes `every DURATION`, `timeout DURATION` and `until CONDITION`, then `{`: \(usage)"
                throw Diagnostic("unexpected \(describe(token)) in `poll`", at: token.range, hint: hint)
            }
        }
    }

    /// A loop count as written: a whole number from 1 to ``Block/maxIterations``.
    static func checkCount(_ literal: String, at range: SourceRange) throws(Diagnostic) {
        guard !literal.isEmpty, literal.utf8.allSatisfy(Lexer.isDigit), let count = Int(literal.prefix(10)), !literal.hasPrefix("0") || literal == "0" else {
            throw Diagnostic("a repeat count is a whole number from 1 to \(Block.maxIterations), got \(JSONValue.quoted(Parser.short(literal)))", at: range,
                             hint: "repeat 10 {")
        }
        guard count >= 1, literal.utf8.count <= 7, count <= Block.maxIterations else {
            throw Diagnostic("a repeat count is a whole number from 1 to \(Block.maxIterations), got \(Parser.short(literal))", at: range,
                             hint: count == 0 ? "a block repeated 0 times is no block: remove it" : "repeat fewer times, or split the work")
        }
    }

    /// The `{` that ends a block command's line, and the end of that line.
    private mutating func expectBlockOpen(after head: String, mode: Lexer.Mode) throws(Diagnostic) -> SourceRange {
        let token = next(mode)
        let isOpen: Bool =
            switch token.kind {
            case .symbol("{"), .word("{"): true
            default: false
            }
        guard isOpen else {
            if case .invalid(let message) = token.kind { throw Diagnostic(message, at: token.range) }
            throw Diagnostic("expected `{` after `\(Parser.short(head))`, found \(describe(token))", at: token.range, hint: "a block opens with `{` at the end of the line")
        }
        let after = next(.argument)
        switch after.kind {
        case .newline, .end: return token.range
        case .invalid(let message): throw Diagnostic(message, at: after.range)
        default:
            throw Diagnostic("`{` ends its line: the block's first command goes on the next line", at: after.range)
        }
    }

    /// The lines of a block whose `{` is `open`, up to and including its `}` line.
    private mutating func parseBody(open: SourceRange, depth: Int) throws(Diagnostic) -> Block {
        let (statements, close) = parseStatements(opened: open, depth: depth + 1)
        guard let close else { throw Parser.unclosed(open) }
        expectLineEnd(afterClose: close, elseAllowed: false)
        return Block(statements, open: open, close: close)
    }

    /// After a `}`: nothing else on its line (or `else`, for an `if`). What is wrong there is
    /// reported and skipped: the block itself parsed, so the statement stands.
    private mutating func expectLineEnd(afterClose close: SourceRange, elseAllowed: Bool) {
        let token = next(.argument)
        switch token.kind {
        case .newline, .end: return
        case .word("else"):
            diagnostics.append(Diagnostic("`else` follows only the `}` of an `if` block", at: token.range))
            recover()
            skipBlock(openedOnLine: token.range.lowerBound.line, depth: 0)
        case .invalid(let message):
            diagnostics.append(Diagnostic(message, at: token.range))
            recover()
        default:
            diagnostics.append(Diagnostic("`}` stands alone on its line\(elseAllowed ? " (or is followed by `else`)" : "")", at: token.range))
            recover()
        }
    }

    /// An unclosed block: reported at its `{`.
    private static func unclosed(_ open: SourceRange) -> Diagnostic {
        Diagnostic("unclosed `{`: this block needs a `}` on a line of its own", at: open, hint: "close it with `}` after its last line")
    }

    /// `[A, B, …]` after its `[`.
    mutating func parseList(from open: Token, depth: Int) throws(Diagnostic) -> Expression {
        var items: [Expression] = []
        if case .symbol("]") = peek(.expression).kind {
            let close = next(.expression)
            return Expression(.list([]), range: open.range.union(close.range))
        }
        while true {
            let item = try parseExpression(depth: depth + 1)
            items.append(item)
            let token = next(.expression)
            switch token.kind {
            case .symbol(","): continue
            case .symbol("]"): return Expression(.list(items), range: open.range.union(token.range))
            case .invalid(let message): throw Diagnostic(message, at: token.range)
            default:
                throw Diagnostic("expected `,` or `]` in the list, found \(describe(token))", at: token.range, hint: "[\"+14155550100\", \"+442071838750\"]")
            }
        }
    }

    /// How many blocks the text leaves open: a `{` ends the line that opens a block and a `}`
    /// starts the line that closes one. The prompt reads more lines while this is above zero.
    public static func openBlocks(in text: String) -> Int {
        var depth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            if bytes.drop(while: { Lexer.isSpace($0) }).first == UInt8(ascii: "}") { depth -= 1 }
            if endsWithBrace(bytes) { depth += 1 }
        }
        return depth
    }

    /// `include "PATH" NAME=VALUE…`
    mutating func parseInclude(_ keyword: SourceRange) throws(Diagnostic) -> Statement {
        let usage = Self.example("include")
        let pathArgument = try parseRequiredArgument(after: keyword, what: "the path of a script", usage: usage)
        if case .variable = pathArgument.kind {
            throw Diagnostic("an include's path is written out, not a variable: it is read before the script runs", at: pathArgument.range, hint: usage)
        }
        guard let path = pathArgument.literalText else {
            throw Diagnostic("an include's path cannot hold variables: it is read before the script runs", at: pathArgument.range, hint: usage)
        }
        guard !path.isEmpty else { throw Diagnostic("an include needs the path of a script", at: pathArgument.range, hint: usage) }
        let parameters = try parseParameters(nil, command: "include", usage: usage)
        let include = Include(path: path, pathRange: pathArgument.range, parameters: parameters)
        return Statement(.include(include), range: keyword.union(parameters.last?.range ?? pathArgument.range))
    }
}
