/// Turns script bytes into tokens, one at a time.
///
/// The language is line-based and has two kinds of text on a line: shell-like
/// arguments (`recipient=+14155550100 brand_name="Acme"`) and expressions
/// (`body.sessions[0].status == "verified"`). The parser knows which it is
/// reading and asks for the next token in that ``Mode``.
public struct Lexer {
    public enum Mode: Sendable {
        /// Words end at white space; `name=` starts a key/value pair.
        case argument
        /// Identifiers, numbers, strings, regexes and operators.
        case expression
        /// The value after `name=`: like an argument, but `=` is just a character.
        case value
    }

    let bytes: [UInt8]
    private(set) var offset: Int
    /// Every `# comment` read so far, in order (for the formatter, which keeps them).
    public private(set) var comments: [SourceRange] = []
    private var line = 1
    private var lineStart = 0

    public init(_ file: SourceFile) {
        self.bytes = file.bytes
        self.offset = 0
    }

    /// Where the lexer is: enough to come back to this point without copying the source.
    public struct State: Sendable, Equatable {
        var offset: Int
        var line: Int
        var lineStart: Int
    }

    public var state: State {
        get { State(offset: offset, line: line, lineStart: lineStart) }
        set {
            offset = newValue.offset
            line = newValue.line
            lineStart = newValue.lineStart
        }
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// Where the next unread byte is.
    public var location: SourceLocation { SourceLocation(offset: offset, line: line, column: offset - lineStart + 1) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    /// Skips spaces, tabs, comments and `\` line continuations; stops at a newline.
    private mutating func skipTrivia() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C, 0x0B:
                offset += 1
            case UInt8(ascii: "\r") where peek(1) != UInt8(ascii: "\n"):
                offset += 1
            case UInt8(ascii: "#"):
                let start = location
                while let b = peek(), b != UInt8(ascii: "\n") { offset += 1 }
                if offset > 0, bytes[offset - 1] == UInt8(ascii: "\r") { offset -= 1 }
                // A look ahead reads the same comment again: keep it once.
                if comments.last.map({ $0.lowerBound.offset < start.offset }) ?? true { comments.append(start..<location) }
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n") || (peek(1) == UInt8(ascii: "\r") && peek(2) == UInt8(ascii: "\n")):
                offset += peek(1) == UInt8(ascii: "\r") ? 3 : 2
                line += 1
                lineStart = offset
            default:
                return
            }
        }
    }

    /// Skips everything left (after too many errors).
    public mutating func skipToEnd() {
        while !isAtEnd {
            skipLine()
            _ = next(.argument)
        }
    }

    /// Skips the rest of the current line, after an error.
    public mutating func skipLine() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { offset += 1 }
    }

    /// Whether the rest of the line is blank or a comment.
    public mutating func atLineEnd() -> Bool {
        skipTrivia()
        guard let byte = peek() else { return true }
        return byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n"))
    }

    /// The first byte of the next token, after white space and comments; nil at the end.
    /// A cheap look ahead for the parser, which makes no token.
    public mutating func nextByte() -> UInt8? {
        skipTrivia()
        return peek()
    }

    /// Whether the next token is the bare word `keyword` (ASCII), without making a token.
    public mutating func nextIsWord(_ keyword: StaticString) -> Bool {
        skipTrivia()
        let count = keyword.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        for i in 0..<count where bytes[offset + i] != keyword.utf8Start[i] { return false }
        return offset + count == bytes.count || !Lexer.isIdentifierContinue(bytes[offset + count])
    }

    /// Reads the next token without consuming it.
    public mutating func peekToken(_ mode: Mode) -> Token {
        var copy = self
        return copy.next(mode)
    }

    public mutating func next(_ mode: Mode) -> Token {
        skipTrivia()
        let start = location
        guard let byte = peek() else { return Token(.end, range: start..<start) }
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            offset += byte == UInt8(ascii: "\r") ? 2 : 1
            let end = location
            line += 1
            lineStart = offset
            return Token(.newline, range: start..<end)
        case 0:
            offset += 1
            return Token(.invalid("NUL byte in script"), range: start..<location)
        case UInt8(ascii: "\""):
            return lexString(from: start)
        case UInt8(ascii: "$"):
            return lexVariable(from: start)
        case 0xC2...:
            if let invisible = InvisibleCharacter.at(bytes, offset) {
                offset += invisible.length
                return Token(.invalid(invisible.message), range: start..<location)
            }
        default:
            break
        }
        switch mode {
        case .argument: return lexArgument(from: start, keys: true)
        case .value: return lexArgument(from: start, keys: false)
        case .expression: return lexExpression(from: start)
        }
    }

    // MARK: Arguments

    private mutating func lexArgument(from start: SourceLocation, keys: Bool) -> Token {
        // `name=` opens a key/value pair.
        if keys, let first = peek(), Lexer.isIdentifierStart(first) {
            var end = offset + 1
            while end < bytes.count, Lexer.isIdentifierContinue(bytes[end]) { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: "="), end + 1 >= bytes.count || bytes[end + 1] != UInt8(ascii: "=") {
                let name = String(decoding: bytes[offset..<end], as: UTF8.self)
                offset = end
                let nameEnd = location
                offset += 1  // the `=`
                return Token(.key(name), range: start..<nameEnd)
            }
        }
        // A word ends at white space, a quote, or a character that only looks like a space.
        while let byte = peek(), !Lexer.isSpace(byte), byte != UInt8(ascii: "\""), byte != 0,
            byte < 0xC2 || InvisibleCharacter.at(bytes, offset) == nil
        {
            offset += 1
        }
        let word = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
        return Token(.word(word), range: start..<location)
    }

    // MARK: Expressions

    private mutating func lexExpression(from start: SourceLocation) -> Token {
        let byte = peek()!
        if Lexer.isIdentifierStart(byte) {
            offset += 1
            while let b = peek(), Lexer.isIdentifierContinue(b) { offset += 1 }
            return Token(.word(String(decoding: bytes[start.offset..<offset], as: UTF8.self)), range: start..<location)
        }
        if Lexer.isDigit(byte) || (byte == UInt8(ascii: "-") && peek(1).map(Lexer.isDigit) == true) {
            return lexNumber(from: start)
        }
        if byte == UInt8(ascii: "/") { return lexRegex(from: start) }
        // Two-character operators first: `==`, `!=`, `<=`, `>=`.
        if peek(1) == UInt8(ascii: "=") {
            let symbol: String? =
                switch byte {
                case UInt8(ascii: "="): "=="
                case UInt8(ascii: "!"): "!="
                case UInt8(ascii: "<"): "<="
                case UInt8(ascii: ">"): ">="
                default: nil
                }
            if let symbol {
                offset += 2
                return Token(.symbol(symbol), range: start..<location)
            }
        }
        let single: String? =
            switch byte {
            case UInt8(ascii: "<"): "<"
            case UInt8(ascii: ">"): ">"
            case UInt8(ascii: "="): "="
            case UInt8(ascii: "."): "."
            case UInt8(ascii: "["): "["
            case UInt8(ascii: "]"): "]"
            case UInt8(ascii: "("): "("
            case UInt8(ascii: ")"): ")"
            case UInt8(ascii: "{"): "{"
            case UInt8(ascii: "}"): "}"
            case UInt8(ascii: ","): ","
            default: nil
            }
        switch single {
        case let symbol?:
            offset += 1
            return Token(.symbol(symbol), range: start..<location)
        default:
            // One whole character, so the caret covers it even when it is not ASCII.
            offset += 1
            while let b = peek(), b & 0xC0 == 0x80 { offset += 1 }
            let text = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
            return Token(.invalid("unexpected character `\(text)`"), range: start..<location)
        }
    }

    private mutating func lexNumber(from start: SourceLocation) -> Token {
        if peek() == UInt8(ascii: "-") { offset += 1 }
        while let b = peek(), Lexer.isDigit(b) { offset += 1 }
        if peek() == UInt8(ascii: "."), let next = peek(1), Lexer.isDigit(next) {
            offset += 1
            while let b = peek(), Lexer.isDigit(b) { offset += 1 }
        }
        // `12abc` is not a number followed by a word.
        if let b = peek(), Lexer.isIdentifierContinue(b) {
            while let b = peek(), Lexer.isIdentifierContinue(b) { offset += 1 }
            let text = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
            return Token(.invalid("`\(text)` is not a number; quote it if it is text: \"\(text)\""), range: start..<location)
        }
        let text = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
        guard let value = NumberLiteral.exactValue(text) else {
            let shown = text.count > 40 ? "\(text.prefix(20))…\(text.suffix(8)) (\(text.count) characters)" : text
            return Token(
                .invalid("the number `\(shown)` cannot be held exactly: numbers keep 15 to 17 significant digits; write it as a string"),
                range: start..<location)
        }
        return Token(.number(value, text: text), range: start..<location)
    }

    private mutating func lexRegex(from start: SourceLocation) -> Token {
        offset += 1
        var pattern = [UInt8]()
        while let b = peek() {
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
            offset += 1
            if b == UInt8(ascii: "/") {
                return Token(.regex(String(decoding: pattern, as: UTF8.self)), range: start..<location)
            }
            if b == UInt8(ascii: "\\"), let escaped = peek(), escaped != UInt8(ascii: "\n") {
                offset += 1
                // `\/` is a slash; other escapes belong to the regex.
                if escaped != UInt8(ascii: "/") { pattern.append(b) }
                pattern.append(escaped)
                continue
            }
            pattern.append(b)
        }
        return Token(.invalid("unterminated regex: it needs a closing `/`"), range: start..<location)
    }

    // MARK: Strings and variables

    private mutating func lexVariable(from start: SourceLocation) -> Token {
        offset += 1
        if peek() == UInt8(ascii: "{") {
            offset += 1
            let nameStart = offset
            while let b = peek(), Lexer.isIdentifierContinue(b) { offset += 1 }
            let name = String(decoding: bytes[nameStart..<offset], as: UTF8.self)
            guard peek() == UInt8(ascii: "}"), !name.isEmpty, Lexer.isIdentifierStart(bytes[nameStart]) else {
                return Token(.invalid("expected a variable name and `}` after `${`"), range: start..<location)
            }
            offset += 1
            return Token(.variable(name), range: start..<location)
        }
        guard let first = peek(), Lexer.isIdentifierStart(first) else {
            return Token(.invalid("expected a variable name after `$`"), range: start..<location)
        }
        let nameStart = offset
        while let b = peek(), Lexer.isIdentifierContinue(b) { offset += 1 }
        return Token(.variable(String(decoding: bytes[nameStart..<offset], as: UTF8.self)), range: start..<location)
    }

    private mutating func lexString(from start: SourceLocation) -> Token {
        offset += 1
        // Fast path: most strings hold no escape and no variable; take their bytes in one piece.
        var end = offset
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "$") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == 0 { break }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let parts: [StringPart] = end > offset ? [.text(String(decoding: bytes[offset..<end], as: UTF8.self))] : []
            offset = end + 1
            return Token(.string(parts), range: start..<location)
        }
        var parts: [StringPart] = []
        var text = [UInt8]()
        text.reserveCapacity(end - offset + 16)
        func flush() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll(keepingCapacity: true)
        }
        while let b = peek() {
            switch b {
            case UInt8(ascii: "\""):
                offset += 1
                flush()
                return Token(.string(parts), range: start..<location)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return Token(.invalid("unterminated string: it needs a closing `\"` on the same line"), range: start..<location)
            case 0:
                let at = location
                offset += 1
                return Token(.invalid("NUL byte in string"), range: at..<location)
            case UInt8(ascii: "\\"):
                let escapeStart = location
                offset += 1
                guard let e = peek(), e != UInt8(ascii: "\n"), e != UInt8(ascii: "\r") else { continue }
                offset += 1
                switch e {
                case UInt8(ascii: "\""): text.append(e)
                case UInt8(ascii: "\\"): text.append(e)
                case UInt8(ascii: "$"): text.append(e)
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                default:
                    while let c = peek(), c & 0xC0 == 0x80 { offset += 1 }
                    // The range in the file's bytes: not the length of the text shown, which
                    // is longer where bytes that are not UTF-8 would be shown as U+FFFD.
                    let end = location
                    let what =
                        String(validating: bytes[escapeStart.offset..<end.offset], as: UTF8.self).map { "`\($0)`" }
                        ?? "`\\` and byte 0x\(String(e, radix: 16, uppercase: true)) (not UTF-8)"
                    skipRestOfString()
                    return Token(.invalid("unknown escape \(what) in string: use \\\", \\\\, \\$, \\n or \\t"), range: escapeStart..<end)
                }
            case UInt8(ascii: "$"):
                // `$name` and `${name}` inside a string read variables; a `$` before anything else is a dollar sign.
                if let next = peek(1), Lexer.isIdentifierStart(next) || next == UInt8(ascii: "{") {
                    flush()
                    let varStart = location
                    let token = lexVariable(from: varStart)
                    guard case .variable(let name) = token.kind else { return token }
                    parts.append(.variable(Identifier(name, range: token.range)))
                } else {
                    text.append(b)
                    offset += 1
                }
            default:
                text.append(b)
                offset += 1
            }
        }
        return Token(.invalid("unterminated string: it needs a closing `\"`"), range: start..<location)
    }

    private mutating func skipRestOfString() {
        while let b = peek(), b != UInt8(ascii: "\n") {
            offset += 1
            if b == UInt8(ascii: "\\"), peek() != UInt8(ascii: "\n") { offset += 1 } else if b == UInt8(ascii: "\"") { return }
        }
        offset = min(offset, bytes.count)
    }

    // MARK: Character classes

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == 0x0B || b == 0x0C
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
    }

    static func isIdentifierContinue(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
}
