/// Prints a script in its canonical form, for `vsh fmt`.
///
/// The layout is rebuilt from the AST: one statement a line (a `\` continuation is joined),
/// four spaces a block level, one space between arguments and around operators, no spaces
/// around the `=` of `key=value`, parentheses only where the grammar needs them, at most
/// one blank line in a row (none at the start or end of a block or of the file), and a
/// final newline. What a user typed as a value is kept byte for byte: words, strings,
/// numbers, regexes and durations are copied from the source, so formatting cannot change
/// what a script sends or checks. Comments stay where they were: on their own line (at the
/// indentation of the code around them) or after the statement they followed.
public struct Formatter {
    private let file: SourceFile
    private var comments: [Comment]
    private var nextComment = 0
    private var lines: [String] = []
    /// The comment after the code of each output line, by index in `lines`.
    private var trailing: [Int: String] = [:]
    /// The last source line already printed, for blank lines.
    private var lastLine = 0

    private struct Comment {
        var line: Int
        var text: String
        /// After code on its line, rather than on a line of its own.
        var trailing: Bool
    }

    /// Spaces a block level.
    public static let indentWidth = 4

    /// Why a script was not formatted: its parse errors.
    public struct Refusal: Error, Sendable {
        public var problems: [Diagnostic]
    }

    /// The canonical text of `file`, or the parse errors that stop it being formatted.
    public static func format(_ file: SourceFile) -> Result<String, Refusal> {
        let (script, diagnostics, comments) = Parser.parseKeepingComments(file)
        guard diagnostics.isEmpty else { return .failure(Refusal(problems: diagnostics)) }
        var formatter = Formatter(file: file, comments: comments)
        formatter.emit(script.statements, depth: 0)
        formatter.flushComments(before: Int.max, depth: 0)
        let lines = formatter.aligned()
        return .success(lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
    }

    private init(file: SourceFile, comments: [SourceRange]) {
        self.file = file
        self.comments = comments.map { range in
            let lineStart = file.lineStarts[range.lowerBound.line - 1]
            let before = file.bytes[lineStart..<range.lowerBound.offset]
            return Comment(
                line: range.lowerBound.line, text: Formatter.trimmedRight(file.text(in: range)),
                trailing: before.contains { !Lexer.isSpace($0) })
        }
    }

    // MARK: Layout

    private mutating func emit(_ statements: [Statement], depth: Int) {
        let blockStart = lines.count
        for statement in statements {
            let first = statement.range.lowerBound.line
            flushComments(before: first, depth: depth, blockStart: blockStart)
            blankLineIfThereWasOne(before: first, blockStart: blockStart)
            let lastHeadLine = statement.blocks.first.map { $0.open.lowerBound.line } ?? statement.range.upperBound.line
            line(head(statement), depth: depth, trailingFrom: first...lastHeadLine)
            emitBlocks(statement, depth: depth)
        }
    }

    private mutating func emitBlocks(_ statement: Statement, depth: Int) {
        switch statement.command {
        case .if(let branches, let otherwise):
            for (index, branch) in branches.enumerated() {
                if index > 0 {
                    let close = branches[index - 1].body.close
                    line("} else if \(expression(branch.condition)) {", depth: depth, trailingFrom: close.lowerBound.line...branch.body.open.lowerBound.line)
                }
                body(branch.body, depth: depth)
            }
            if let otherwise {
                let close = branches[branches.count - 1].body.close
                line("} else {", depth: depth, trailingFrom: close.lowerBound.line...otherwise.open.lowerBound.line)
                body(otherwise, depth: depth)
            }
            let last = otherwise ?? branches[branches.count - 1].body
            line("}", depth: depth, trailingFrom: last.close.lowerBound.line...last.close.lowerBound.line)
            lastLine = last.close.lowerBound.line
        default:
            guard let block = statement.blocks.first else { return }
            body(block, depth: depth)
            line("}", depth: depth, trailingFrom: block.close.lowerBound.line...block.close.lowerBound.line)
            lastLine = block.close.lowerBound.line
        }
    }

    /// A block's lines and the comments before its `}`.
    private mutating func body(_ block: Block, depth: Int) {
        lastLine = block.open.lowerBound.line
        emit(block.statements, depth: depth + 1)
        flushComments(before: block.close.lowerBound.line, depth: depth + 1, blockStart: nil)
    }

    /// One output line; a comment that followed code on one of `trailingFrom`'s lines goes after it.
    private mutating func line(_ text: String, depth: Int, trailingFrom source: ClosedRange<Int>) {
        let out = String(repeating: " ", count: depth * Formatter.indentWidth) + text
        while nextComment < comments.count, comments[nextComment].line <= source.upperBound {
            let comment = comments[nextComment]
            if comment.line >= source.lowerBound, comment.trailing {
                trailing[lines.count] = trailing[lines.count].map { $0 + " " + comment.text } ?? comment.text
                nextComment += 1
            } else {
                // An own-line comment inside a continued statement: before it.
                lines.append(String(repeating: " ", count: depth * Formatter.indentWidth) + comment.text)
                nextComment += 1
            }
        }
        lines.append(out)
        lastLine = max(lastLine, source.upperBound)
    }

    /// The lines with their trailing comments; the comments of consecutive lines start in
    /// one column, two spaces after the longest code among them (as gofmt aligns them).
    private func aligned() -> [String] {
        var out = lines
        var index = 0
        while index < lines.count {
            guard trailing[index] != nil else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < lines.count, trailing[end + 1] != nil { end += 1 }
            let width = (index...end).map { lines[$0].count }.max()!
            for line in index...end {
                out[line] = lines[line] + String(repeating: " ", count: width - lines[line].count + 2) + trailing[line]!
            }
            index = end + 1
        }
        return out
    }

    /// The comments on lines before `line`, each on its own line.
    private mutating func flushComments(before line: Int, depth: Int, blockStart: Int? = nil, blankAllowed: Bool = true) {
        while nextComment < comments.count, comments[nextComment].line < line {
            let comment = comments[nextComment]
            if blankAllowed { blankLineIfThereWasOne(before: comment.line, blockStart: blockStart ?? -1) }
            lines.append(String(repeating: " ", count: depth * Formatter.indentWidth) + comment.text)
            lastLine = comment.line
            nextComment += 1
        }
    }

    /// One blank line where the source had at least one, except at the start of the file or
    /// of a block (where `lines.count == blockStart`).
    private mutating func blankLineIfThereWasOne(before line: Int, blockStart: Int) {
        guard line > lastLine + 1, !lines.isEmpty, lines.count != blockStart else { return }
        if lines.last != "" { lines.append("") }
    }

    // MARK: Statements

    /// The statement's first line, without indentation (a block statement's ends with `{`).
    private func head(_ statement: Statement) -> String {
        switch statement.command {
        case .auth(let id, let token):
            return (["auth"] + [id, token].compactMap { $0 }.map(text)).joined(separator: " ")
        case .sessionCreate(let parameters): return words(["session create"] + parameters.map(parameter))
        case .sessionList(let parameters): return words(["session list"] + parameters.map(parameter))
        case .sessionGet(let uuid): return words(["session get"] + (uuid.map { [text($0)] } ?? []))
        case .sessionUse(let uuid): return "session use " + text(uuid)
        case .validate(let code): return "validate " + text(code)
        case .assert(let e): return "assert " + expression(e)
        case .print(let e): return "print " + expression(e)
        case .let(let name, let e): return "let \(name.name) = " + expression(e)
        case .sleep(_, let range): return "sleep " + file.text(in: range)
        case .fault(let target, let parameters):
            let written = parameters.map { p in p.name.range == p.value.range ? p.name.name : parameter(p) }
            return words(["fault", target.name] + written)
        case .repeat(let count, _): return "repeat \(text(count)) {"
        case .forEach(let name, let list, _): return "for \(name.name) in \(expression(list)) {"
        case .poll(let poll, _):
            var out = "poll"
            if let range = poll.intervalRange { out += " every " + file.text(in: range) }
            return out + " timeout " + file.text(in: poll.timeoutRange) + " until " + expression(poll.condition) + " {"
        case .if(let branches, _): return "if \(expression(branches[0].condition)) {"
        case .include(let include):
            return words(["include", file.text(in: include.pathRange)] + include.parameters.map(parameter))
        }
    }

    private func words(_ parts: [String]) -> String { parts.joined(separator: " ") }

    private func text(_ argument: Argument) -> String { file.text(in: argument.range) }

    private func parameter(_ parameter: Parameter) -> String { parameter.name.name + "=" + text(parameter.value) }

    // MARK: Expressions

    private func expression(_ e: Expression) -> String {
        switch e.kind {
        case .status: return "status"
        case .body(let path): return "body" + self.path(path)
        case .header(let name): return "header " + Formatter.quoted(name)
        case .variable(let name, let path): return "$" + name.name + self.path(path)
        case .literal(.bool(let b)): return b ? "true" : "false"
        case .literal(.null): return "null"
        case .literal(.number), .string: return Formatter.withoutParentheses(file.text(in: e.range))
        case .list(let items): return "[" + items.map(expression).joined(separator: ", ") + "]"
        case .not(let inner):
            switch inner.kind {
            case .comparison(let a, .contains, let b): return operand(a) + " not contains " + operand(b)
            case .matches(let a, let regex): return operand(a) + " not matches " + file.text(in: regex.range)
            case .exists(let a): return operand(a) + " not exists"
            case .isType(let a, let type, _): return operand(a) + " is not " + type.rawValue
            default: return "not " + expression(inner)
            }
        case .comparison(let a, let op, let b): return operand(a) + " " + op.rawValue + " " + operand(b)
        case .matches(let a, let regex): return operand(a) + " matches " + file.text(in: regex.range)
        case .exists(let a): return operand(a) + " exists"
        case .isType(let a, let type, _): return operand(a) + " is " + type.rawValue
        }
    }

    /// An expression where the grammar wants an operand: a predicate goes in parentheses.
    private func operand(_ e: Expression) -> String {
        switch e.kind {
        case .not, .comparison, .matches, .exists, .isType: "(" + expression(e) + ")"
        default: expression(e)
        }
    }

    private func path(_ path: Path) -> String {
        var out = ""
        for step in path.components {
            switch step.component {
            case .index(let index): out += "[\(index)]"
            case .key(let key):
                let bytes = Array(key.utf8)
                if let first = bytes.first, Lexer.isIdentifierStart(first), bytes.allSatisfy(Lexer.isIdentifierContinue) {
                    out += "." + key
                } else {
                    out += "[" + Formatter.quoted(key) + "]"
                }
            }
        }
        return out
    }

    /// A string literal for `text`, in the language's escapes.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "$": out += "\\$"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `(200)` → `200`: a literal's range covers the parentheses written around it.
    static func withoutParentheses(_ text: String) -> String {
        // A `\` continuation may sit between a parenthesis and the literal: it is layout too.
        let joined = text.contains("\\") ? text.replacing("\\\r\n", with: " ").replacing("\\\n", with: " ") : text
        var current = Substring(joined)
        current = current.drop { $0 == " " || $0 == "\t" }
        while let last = current.last, last == " " || last == "\t" { current = current.dropLast() }
        while current.first == "(", current.last == ")" {
            current = current.dropFirst().dropLast()
            current = current.drop { $0 == " " || $0 == "\t" }
            while let last = current.last, last == " " || last == "\t" { current = current.dropLast() }
        }
        return String(current)
    }

    static func trimmedRight(_ text: String) -> String {
        var out = Substring(text)
        while let last = out.last, last == " " || last == "\t" || last == "\r" { out = out.dropLast() }
        return String(out)
    }
}
