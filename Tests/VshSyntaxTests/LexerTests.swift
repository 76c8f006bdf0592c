import Testing
import VshSyntax

@Suite struct LexerTests {
    // MARK: Modes

    @Test func argumentModeSplitsWordsKeysStringsAndVariables() {
        #expect(
            kinds(#"session create recipient=+14155550100 brand_name="Acme" $otp ${x}"#, .argument) == [
                .word("session"), .word("create"), .key("recipient"), .word("+14155550100"), .key("brand_name"),
                .string([.text("Acme")]), .variable("otp"), .variable("x"), .end,
            ])
    }

    @Test func argumentModeKeyRangeCoversTheNameOnly() {
        let all = tokens("channel=sms", .argument)
        #expect(all[safe: 0]?.kind == .key("channel"))
        #expect(all[safe: 0]?.range == span(0, 7))
        #expect(all[safe: 1]?.kind == .word("sms"))
        #expect(all[safe: 1]?.range == span(8, 11))
    }

    @Test(arguments: [
        ("a==b", [Token.Kind.word("a==b"), .end]),  // `==` is not a key
        ("=x", [.word("=x"), .end]),  // no name before `=`
        ("9a=b", [.word("9a=b"), .end]),  // a name does not start with a digit
        ("a-b=c", [.word("a-b=c"), .end]),  // `-` is not part of a name
        ("x=", [.key("x"), .end]),
        ("a=b=c", [.key("a"), .key("b"), .word("c"), .end]),  // argument mode keeps looking for keys
        ("+1#5", [.word("+1#5"), .end]),  // `#` inside a word is not a comment
        ("caf\u{E9} \u{1F600}", [.word("caf\u{E9}"), .word("\u{1F600}"), .end]),
    ])
    func argumentModeEdgeCases(_ text: String, _ expected: [Token.Kind]) {
        #expect(kinds(text, .argument) == expected)
    }

    @Test func argumentAndValueModesHaveNoOperatorsNumbersOrRegexes() {
        let expected: [Token.Kind] = [.word("=="), .word("200"), .word("-1.5"), .word("/x/"), .word("("), .variable("v"), .string([.text("s")]), .newline, .end]
        #expect(kinds("== 200 -1.5 /x/ ( $v \"s\"\n", .argument) == expected)
        #expect(kinds("== 200 -1.5 /x/ ( $v \"s\"\n", .value) == expected)
    }

    @Test func valueModeTakesEqualsSignsAsText() {
        #expect(kinds("a=b=c x=y", .value) == [.word("a=b=c"), .word("x=y"), .end])
        #expect(kinds(#"u=v"w""#, .value) == [.word("u=v"), .string([.text("w")]), .end])
    }

    @Test func expressionModeLexesEveryTokenKind() {
        let source = #"body.sessions[0].status == "verified" != < <= > >= = ( ) $x -1.5 /^\d+$/ true"#
        #expect(
            kinds(source, .expression) == [
                .word("body"), .symbol("."), .word("sessions"), .symbol("["), .number(0, text: "0"), .symbol("]"),
                .symbol("."), .word("status"), .symbol("=="), .string([.text("verified")]), .symbol("!="), .symbol("<"),
                .symbol("<="), .symbol(">"), .symbol(">="), .symbol("="), .symbol("("), .symbol(")"), .variable("x"),
                .number(-1.5, text: "-1.5"), .regex(#"^\d+$"#), .word("true"), .end,
            ])
    }

    @Test func expressionModeOperatorsNeedNoSpaces() {
        #expect(kinds("status==200", .expression) == [.word("status"), .symbol("=="), .number(200, text: "200"), .end])
        #expect(kinds("a<=-2", .expression) == [.word("a"), .symbol("<="), .number(-2, text: "-2"), .end])
    }

    @Test(arguments: [
        ("200", 200.0, "200"),
        ("-1.5", -1.5, "-1.5"),
        ("0.25", 0.25, "0.25"),
        ("007", 7, "007"),  // the lexer keeps the text; the parser refuses the leading zero
    ])
    func numbers(_ text: String, _ value: Double, _ written: String) {
        #expect(kinds(text, .expression) == [.number(value, text: written), .end])
    }

    @Test func aNumberFollowedByLettersIsInvalid() {
        let all = tokens("12abc == 1", .expression)
        #expect(all[safe: 0]?.kind == .invalid(#"`12abc` is not a number; quote it if it is text: "12abc""#))
        #expect(all[safe: 0]?.range == span(0, 5))
        #expect(all[safe: 1]?.kind == .symbol("=="))
    }

    @Test func aNumberEndsBeforeADotWithoutDigits() {
        #expect(kinds("1.x", .expression) == [.number(1, text: "1"), .symbol("."), .word("x"), .end])
        #expect(kinds("- 1", .expression).first == .invalid("unexpected character `-`"))
    }

    @Test func regexLiterals() {
        #expect(kinds(#"/a\/b/"#, .expression) == [.regex("a/b"), .end])
        #expect(kinds(#"/\d{6}\./"#, .expression) == [.regex(#"\d{6}\."#), .end])
        #expect(kinds("//", .expression) == [.regex(""), .end])
        let unterminated = tokens("/abc\nx", .expression)
        #expect(unterminated[safe: 0]?.kind == .invalid("unterminated regex: it needs a closing `/`"))
        #expect(unterminated[safe: 0]?.range == span(0, 4))
        #expect(unterminated[safe: 1]?.kind == .newline)
    }

    @Test func unexpectedCharactersCoverAWholeCharacter() {
        let ascii = tokens("@", .expression)
        #expect(ascii[safe: 0]?.kind == .invalid("unexpected character `@`"))
        #expect(ascii[safe: 0]?.range == span(0, 1))
        let accented = tokens("\u{E9}x", .expression)
        #expect(accented[safe: 0]?.kind == .invalid("unexpected character `\u{E9}`"))
        #expect(accented[safe: 0]?.range == span(0, 2))
        #expect(accented[safe: 1]?.kind == .word("x"))
        let emoji = tokens("\u{1F600}", .expression)
        #expect(emoji[safe: 0]?.range == span(0, 4))
    }

    // MARK: Strings and variables

    @Test func stringEscapes() {
        #expect(kinds(#""a\"b\\c\$d\ne\tf""#, .argument) == [.string([.text("a\"b\\c$d\ne\tf")]), .end])
        #expect(kinds(#""""#, .expression) == [.string([]), .end])
    }

    @Test func stringInterpolation() {
        let all = tokens(#""a $name b ${other}c $5 \$x $ {""#, .argument)
        #expect(
            all[safe: 0]?.kind == .string([
                .text("a "), .variable(Identifier("name", range: span(3, 8))), .text(" b "),
                .variable(Identifier("other", range: span(11, 19))), .text("c $5 $x $ {"),
            ]))
        #expect(all[safe: 0]?.range == span(0, 32))
    }

    @Test func variables() {
        #expect(kinds("$otp ${session} $a_1", .expression) == [.variable("otp"), .variable("session"), .variable("a_1"), .end])
        let all = tokens("${session}", .argument)
        #expect(all[safe: 0]?.range == span(0, 10))
        #expect(kinds("$", .argument) == [.invalid("expected a variable name after `$`"), .end])
        #expect(kinds("$5", .argument).first == .invalid("expected a variable name after `$`"))
        #expect(kinds("${5x}", .argument).first == .invalid("expected a variable name and `}` after `${`"))
        #expect(kinds("${}", .argument).first == .invalid("expected a variable name and `}` after `${`"))
        #expect(kinds("${name", .argument).first == .invalid("expected a variable name and `}` after `${`"))
        #expect(kinds(#""${bad""#, .argument).first == .invalid("expected a variable name and `}` after `${`"))
    }

    @Test func badStrings() {
        let unterminatedAtLineEnd = tokens("\"abc\nx", .argument)
        #expect(unterminatedAtLineEnd[safe: 0]?.kind == .invalid("unterminated string: it needs a closing `\"` on the same line"))
        #expect(unterminatedAtLineEnd[safe: 0]?.range == span(0, 4))
        #expect(unterminatedAtLineEnd[safe: 1]?.kind == .newline)
        #expect(kinds("\"abc", .argument) == [.invalid("unterminated string: it needs a closing `\"`"), .end])
        let escape = tokens(#""a\qb" x"#, .argument)
        #expect(escape[safe: 0]?.kind == .invalid(#"unknown escape `\q` in string: use \", \\, \$, \n or \t"#))
        #expect(escape[safe: 0]?.range == span(2, 4))
        #expect(escape[safe: 1]?.kind == .word("x"))  // the rest of the string is skipped
        // An escape of bytes that are not UTF-8: the range covers those bytes (not the longer
        // text of U+FFFD they would be shown as: found by FuzzParser), and the message names the byte.
        for bytes: [UInt8] in [[0x90, 0x90, 0x90, 0x90], [0xFF], [0xC3]] {
            var lexer = Lexer(SourceFile(name: "t.vsh", bytes: Array(#""a\"#.utf8) + bytes + Array(#"b" x"#.utf8)))
            let token = lexer.next(.argument)
            let hex = String(bytes[0], radix: 16, uppercase: true)
            #expect(token.kind == .invalid("unknown escape `\\` and byte 0x\(hex) (not UTF-8) in string: use \\\", \\\\, \\$, \\n or \\t"))
            #expect(token.range == span(2, 3 + (bytes[0] == 0x90 ? bytes.count : 1)))
            #expect(lexer.next(.argument).kind == .word("x"))
        }
        let accent = tokens("\"a\\éb\" x", .argument)
        #expect(accent[safe: 0]?.kind == .invalid(#"unknown escape `\é` in string: use \", \\, \$, \n or \t"#))
        #expect(accent[safe: 0]?.range == span(2, 5), "`é` is two bytes")
        let nul = tokens("\"a\u{0}b\"", .argument)
        #expect(nul[safe: 0]?.kind == .invalid("NUL byte in string"))
        #expect(nul[safe: 0]?.range == span(2, 3))
    }

    @Test func nulByteOutsideAString() {
        let all = tokens("a \u{0} b", .argument)
        #expect(all[safe: 1]?.kind == .invalid("NUL byte in script"))
        #expect(all[safe: 1]?.range == span(2, 3))
    }

    @Test func anEscapedBackslashBeforeTheEndOfLineDoesNotSwallowTheNextLine() {
        // An unknown escape skips the rest of the string, but never past the end of the line.
        let all = tokens("\"\\q \\\nprint", .argument)
        #expect(all.map(\.kind) == [.invalid(#"unknown escape `\q` in string: use \", \\, \$, \n or \t"#), .newline, .word("print"), .end])
        #expect(all[safe: 2]?.range.lowerBound == VshSyntax.SourceLocation(offset: 6, line: 2, column: 1))
    }

    @Test func aBackslashAtTheEndOfALineInAStringIsUnterminatedWithLFAndCRLF() {
        for ending in ["\n", "\r\n"] {
            let all = tokens("\"abc\\" + ending + "x", .argument)
            #expect(all[safe: 0]?.kind == .invalid("unterminated string: it needs a closing `\"` on the same line"), "\(ending.debugDescription)")
            #expect(all[safe: 1]?.kind == .newline)
            #expect(all[safe: 2]?.kind == .word("x"))
        }
    }

    // MARK: Comments, lines and trivia

    @Test func commentsStartOnlyAtATokenStart() {
        #expect(kinds("print 1 # a comment", .argument) == [.word("print"), .word("1"), .end])
        #expect(kinds("url=https://x#frag", .argument) == [.key("url"), .word("https://x#frag"), .end])
        #expect(kinds("# only a comment\nx", .argument) == [.newline, .word("x"), .end])
        #expect(kinds("status#x", .expression) == [.word("status"), .end])
        #expect(kinds(#""a # b""#, .argument) == [.string([.text("a # b")]), .end])
    }

    @Test func newlinesAndLocations() {
        let all = tokens("auth\n  session get\n", .argument)
        #expect(all.map(\.kind) == [.word("auth"), .newline, .word("session"), .word("get"), .newline, .end])
        #expect(all[safe: 1]?.range == span(4, 5))
        #expect(all[safe: 2]?.range.lowerBound == VshSyntax.SourceLocation(offset: 7, line: 2, column: 3))
        #expect(all[safe: 3]?.range == VshSyntax.SourceLocation(offset: 15, line: 2, column: 11)..<VshSyntax.SourceLocation(offset: 18, line: 2, column: 14))
        #expect(all[safe: 5]?.range.lowerBound == VshSyntax.SourceLocation(offset: 19, line: 3, column: 1))
    }

    @Test func crlfIsOneNewline() {
        let all = tokens("auth # c\r\nprint\r\n", .argument)
        #expect(all.map(\.kind) == [.word("auth"), .newline, .word("print"), .newline, .end])
        #expect(all[safe: 1]?.range == span(8, 10))
        #expect(all[safe: 2]?.range.lowerBound == VshSyntax.SourceLocation(offset: 10, line: 2, column: 1))
    }

    @Test func aLoneCarriageReturnEndsALine() {
        // Classic Mac line endings: a CR not followed by LF ends the line, as LF would.
        let all = tokens("a\rb", .argument)
        #expect(all.map(\.kind) == [.word("a"), .newline, .word("b"), .end])
        #expect(all[safe: 2]?.range.lowerBound == VshSyntax.SourceLocation(offset: 2, line: 2, column: 1))
        #expect(kinds("a\r", .expression) == [.word("a"), .newline, .end])
        #expect(kinds("\"a\rb\"", .argument).first == .invalid("unterminated string: it needs a closing `\"` on the same line"))
    }

    @Test func backslashNewlineContinuesTheLine() {
        let all = tokens("auth \\\n  MA2025RK4E639VJFZAGV \\\r\n tok\nx", .argument)
        #expect(all.map(\.kind) == [.word("auth"), .word("MA2025RK4E639VJFZAGV"), .word("tok"), .newline, .word("x"), .end])
        #expect(all[safe: 1]?.range.lowerBound == VshSyntax.SourceLocation(offset: 9, line: 2, column: 3))
        #expect(all[safe: 2]?.range.lowerBound == VshSyntax.SourceLocation(offset: 34, line: 3, column: 2))
        #expect(all[safe: 4]?.range.lowerBound.line == 4)
    }

    @Test func byteOrderMarkIsStripped() {
        let file = SourceFile(name: "bom.vsh", bytes: [0xEF, 0xBB, 0xBF] + Array("auth".utf8))
        #expect(file.bytes == Array("auth".utf8))
        var lexer = Lexer(file)
        let token = lexer.next(.argument)
        #expect(token.kind == .word("auth"))
        #expect(token.range == span(0, 4))
        // A BOM that is not at the start is just text.
        let inner = SourceFile(name: "x", bytes: Array("a".utf8) + [0xEF, 0xBB, 0xBF])
        #expect(inner.bytes.count == 4)
    }

    @Test func otherWhiteSpace() {
        #expect(kinds("a\t\u{0B}\u{0C}b", .argument) == [.word("a"), .word("b"), .end])
    }

    @Test func peekDoesNotConsume() {
        var lexer = Lexer(source("a b"))
        #expect(lexer.peekToken(.argument).kind == .word("a"))
        #expect(lexer.peekToken(.argument).kind == .word("a"))
        #expect(lexer.next(.argument).kind == .word("a"))
        #expect(lexer.location == at(1))
        #expect(lexer.next(.argument).kind == .word("b"))
    }

    @Test func atLineEndSkipsCommentsAndSkipLineStopsAtTheNewline() {
        var lexer = Lexer(source("a  # c\r\nb c\nd"))
        _ = lexer.next(.argument)
        var atEnd = lexer.atLineEnd()
        #expect(atEnd)
        #expect(lexer.next(.argument).kind == .newline)
        atEnd = lexer.atLineEnd()
        #expect(!atEnd)
        lexer.skipLine()
        #expect(lexer.next(.argument).kind == .newline)
        #expect(lexer.next(.argument).kind == .word("d"))
        atEnd = lexer.atLineEnd()
        #expect(atEnd)
        #expect(lexer.next(.argument).kind == .end)
        #expect(lexer.next(.argument).kind == .end)
    }

    @Test func theEndTokenIsEmptyAtTheEnd() {
        let all = tokens("ab", .argument)
        #expect(all[safe: 1]?.range == span(2, 2))
        #expect(tokens("", .expression).map(\.kind) == [.end])
    }
}

@Suite struct SourceFileTests {
    @Test func linesAndLocations() {
        let file = source("one\r\ntwo\n\nthree")
        #expect(file.lineStarts == [0, 5, 9, 10])
        #expect(file.lineText(1) == "one")
        #expect(file.lineText(2) == "two")
        #expect(file.lineText(3) == "")
        #expect(file.lineText(4) == "three")
        #expect(file.lineText(0) == "")
        #expect(file.lineText(5) == "")
        #expect(file.location(at: 0) == VshSyntax.SourceLocation(offset: 0, line: 1, column: 1))
        #expect(file.location(at: 6) == VshSyntax.SourceLocation(offset: 6, line: 2, column: 2))
        #expect(file.location(at: 9) == VshSyntax.SourceLocation(offset: 9, line: 3, column: 1))
        #expect(file.location(at: 15) == VshSyntax.SourceLocation(offset: 15, line: 4, column: 6))
    }

    @Test func textInRangeIsClamped() {
        let file = source("hello")
        #expect(file.text(in: span(1, 3)) == "el")
        #expect(file.text(in: span(3, 99)) == "lo")
        #expect(file.text(in: span(99, 120)) == "")
    }

    @Test func locationsOrderByOffsetAndPrintAsLineColumn() {
        let a = VshSyntax.SourceLocation(offset: 3, line: 1, column: 4)
        let b = VshSyntax.SourceLocation(offset: 9, line: 2, column: 1)
        #expect(a < b)
        #expect(b.description == "2:1")
        #expect((a..<a).union(b..<b) == a..<b)
        #expect((b..<b).union(a..<a) == a..<b)
    }
}
