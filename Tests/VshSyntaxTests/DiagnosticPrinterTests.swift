import Testing
import VerifyAPI
import VshSyntax

@Suite struct DiagnosticPrinterTests {
    func render(_ marked: String, color: Bool = false, name: String = "t.vsh") throws -> String {
        let file = SourceFile(name: name, text: MarkedSource(marked).text)
        let diagnostic = try #require(Parser.parse(file).diagnostics.first)
        return DiagnosticPrinter(color: color).render(diagnostic, in: file)
    }

    @Test func gutterCaretAndHint() throws {
        #expect(
            try render("assert stauts == 200") == """
                t.vsh:1:8: error: unknown name `stauts`
                 1 | assert stauts == 200
                   |        ^^^^^^
                   = hint: did you mean `status`?

                """)
    }

    /// Everything the printer writes goes through its redactor: the file name (a path is an
    /// argument a token can be pasted into), the message, the quoted line.
    @Test func aSecretIsRedactedInTheFileNameToo() {
        let secret = "Kx7pQ2mZ9wLs4vNb8tRc"
        let printer = DiagnosticPrinter(redactor: Redactor([secret]))
        let error = CommandError("no such cassette: \(secret)", file: "/tmp/\(secret).har")
        #expect(printer.render(error) == "/tmp/[redacted].har: error: no such cassette: [redacted]\n")
        let file = SourceFile(name: "\(secret).vsh", text: "print \"\(secret)\" +\n")
        let text = printer.render(Diagnostic("bad", at: SourceLocation(offset: 0, line: 1, column: 1)..<SourceLocation(offset: 5, line: 1, column: 6)), in: file)
        #expect(text.hasPrefix("[redacted].vsh:1:1: error: bad\n"))
        #expect(!text.contains(secret))
    }

    @Test func withoutAHint() throws {
        #expect(
            try render("auth\nassert status == 200 @") == """
                t.vsh:2:22: error: unexpected character `@`
                 2 | assert status == 200 @
                   |                      ^

                """)
    }

    @Test func detailsLinesSitUnderTheCaret() {
        let text = String(repeating: "\n", count: 11) + "assert status == 200"
        let file = SourceFile(name: "f.vsh", text: text)
        let start = file.location(at: 18)
        let end = file.location(at: 31)
        let diagnostic = Diagnostic("assertion failed", at: start..<end, details: ["expected: 200", "  actual: 400"])
        #expect(
            DiagnosticPrinter().render(diagnostic, in: file) == """
                f.vsh:12:8: error: assertion failed
                 12 | assert status == 200
                    |        ^^^^^^^^^^^^^
                    |        expected: 200
                    |          actual: 400

                """)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        #expect(
            try render(#"assert body.name == "Zoë" @"#) == """
                t.vsh:1:27: error: unexpected character `@`
                 1 | assert body.name == "Zoë" @
                   |                           ^

                """)
        // A multi-byte character gets one caret.
        #expect(
            try render("print 😀é") == """
                t.vsh:1:7: error: unexpected character `😀`
                 1 | print 😀é
                   |       ^

                """)
    }

    @Test func caretSpansMultiByteText() throws {
        let output = try render(#"session create channel="ñandú" x"#)
        #expect(
            output == """
                t.vsh:1:24: error: `channel` is one of sms, voice, got "ñandú"
                 1 | session create channel="ñandú" x
                   |                        ^^^^^^^

                """)
    }

    @Test func tabsBecomeOneSpaceSoTheCaretLinesUp() throws {
        #expect(
            try render("\tassert\tstauts == 1") == """
                t.vsh:1:9: error: unknown name `stauts`
                 1 |  assert stauts == 1
                   |         ^^^^^^
                   = hint: did you mean `status`?

                """)
    }

    @Test func controlCharactersAreShownAsPictures() throws {
        let output = try render("print \u{0}\u{7F}x")
        #expect(output.contains(" 1 | print \u{2400}\u{2421}x\n"))
        #expect(output.contains("   |       ^\n"))
    }

    @Test func controlCharactersInMessagesNeverReachTheTerminal() throws {
        // A script word with a terminal escape (set the window title) is quoted in the message.
        let output = try render("\u{1B}]0;pwned\u{07} x")
        #expect(output.hasPrefix("t.vsh:1:1: error: unknown command `\u{241B}]0;pwned\u{2407}`\n"))
        #expect(!output.contains("\u{1B}"))
        let file = SourceFile(name: "d", text: "auth")
        let diagnostic = Diagnostic("a\tb", at: file.location(at: 0)..<file.location(at: 1), details: ["x\u{1B}[2Jy"], hint: "h\u{0}")
        #expect(
            DiagnosticPrinter().render(diagnostic, in: file) == """
                d:1:1: error: a b
                 1 | auth
                   | ^
                   | x\u{241B}[2Jy
                   = hint: h\u{2400}

                """)
    }

    @Test func aCaretAtTheEndOfTheLine() throws {
        #expect(
            try render("assert not\r\nauth") == """
                t.vsh:1:11: error: expected a value
                 1 | assert not
                   |           ^

                """)
    }

    @Test func aRangeOverSeveralLinesUnderlinesToTheEndOfTheFirst() {
        let file = SourceFile(name: "m.vsh", text: "session create \\\n  recipient=+1")
        let diagnostic = Diagnostic("multi", at: file.location(at: 8)..<file.location(at: 30))
        #expect(
            DiagnosticPrinter().render(diagnostic, in: file) == """
                m.vsh:1:9: error: multi
                 1 | session create \\
                   |         ^^^^^^^^

                """)
    }

    @Test func aLongLineIsShownAsAWindowAroundTheCaret() throws {
        let line = String(repeating: "x", count: 200) + "TARGET" + String(repeating: "y", count: 200)
        let file = SourceFile(name: "long.vsh", text: line)
        let diagnostic = Diagnostic("here", at: file.location(at: 200)..<file.location(at: 206))
        let output = DiagnosticPrinter().render(diagnostic, in: file)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[safe: 0] == "long.vsh:1:201: error: here")
        // The window starts 40 characters before the caret and is 120 wide, with `…` at both cut ends.
        #expect(lines[safe: 1] == " 1 | …" + String(repeating: "x", count: 40) + "TARGET" + String(repeating: "y", count: 74) + "…")
        #expect(lines[safe: 2] == "   | " + String(repeating: " ", count: 41) + "^^^^^^")
        let row = Array(lines[safe: 1] ?? "")
        let caret = try #require(Array(lines[2]).firstIndex(of: "^"))
        #expect(String(row.dropFirst(caret).prefix(6)) == "TARGET")
    }

    @Test func aLongLineCutOnOneSideOnly() {
        let line = "AB" + String(repeating: "x", count: 300) + "YZ"
        let file = SourceFile(name: "l", text: line)
        let atStart = DiagnosticPrinter().render(Diagnostic("s", at: file.location(at: 0)..<file.location(at: 2)), in: file)
        let startLines = atStart.split(separator: "\n").map(String.init)
        #expect(startLines[safe: 1] == " 1 | AB" + String(repeating: "x", count: 118) + "…")
        #expect(startLines[safe: 2] == "   | ^^")
        let atEnd = DiagnosticPrinter().render(Diagnostic("e", at: file.location(at: 302)..<file.location(at: 304)), in: file)
        let endLines = atEnd.split(separator: "\n").map(String.init)
        #expect(endLines[safe: 1] == " 1 | …" + String(repeating: "x", count: 118) + "YZ")
        #expect(endLines[safe: 2] == "   | " + String(repeating: " ", count: 119) + "^^")
        // A span wider than the window is cut to it.
        let wide = DiagnosticPrinter().render(Diagnostic("w", at: file.location(at: 0)..<file.location(at: 304)), in: file)
        #expect(wide.split(separator: "\n").map(String.init)[safe: 2] == "   | " + String(repeating: "^", count: 121))
    }

    @Test func colourOnAndOff() throws {
        let plain = try render("assert stauts == 200")
        #expect(!plain.contains("\u{1B}"))
        let coloured = try render("assert stauts == 200", color: true)
        #expect(coloured.hasPrefix("\u{1B}[1mt.vsh:1:8: \u{1B}[0m\u{1B}[1;31merror:\u{1B}[0m\u{1B}[1m unknown name `stauts`\u{1B}[0m\n"))
        #expect(coloured.contains("\u{1B}[34m 1 | \u{1B}[0massert stauts == 200\n"))
        #expect(coloured.contains("\u{1B}[1;31m^^^^^^\u{1B}[0m\n"))
        #expect(coloured.contains("\u{1B}[34m   = \u{1B}[0m\u{1B}[36mhint:\u{1B}[0m did you mean `status`?\n"))
        // Without the escapes, the coloured text is the plain text.
        #expect(coloured.replacing(/\x{1B}\[[0-9;]*m/, with: "") == plain)
    }

    @Test func severities() {
        let file = SourceFile(name: "s.vsh", text: "auth")
        let range = file.location(at: 0)..<file.location(at: 4)
        let warning = DiagnosticPrinter(color: true).render(Diagnostic(severity: .warning, "careful", at: range), in: file)
        #expect(warning.contains("\u{1B}[1;33mwarning:\u{1B}[0m"))
        #expect(warning.contains("\u{1B}[1;33m^^^^\u{1B}[0m"))
        let note = DiagnosticPrinter().render(Diagnostic(severity: .note, "fyi", at: range), in: file)
        #expect(note.hasPrefix("s.vsh:1:1: note: fyi\n"))
    }

    @Test func fileErrors() {
        #expect(DiagnosticPrinter().render(fileError: "cannot read it", file: "x.vsh") == "x.vsh: error: cannot read it\n")
        #expect(DiagnosticPrinter().render(fileError: "odd", file: "x.vsh", severity: .warning) == "x.vsh: warning: odd\n")
        #expect(DiagnosticPrinter(color: true).render(fileError: "m", file: "f") == "\u{1B}[1mf: \u{1B}[0m\u{1B}[1;31merror:\u{1B}[0m\u{1B}[1m m\u{1B}[0m\n")
    }

    @Test func invalidUTF8IsShownWithAReplacementCharacter() throws {
        let file = SourceFile(name: "b.vsh", bytes: Array("print \"".utf8) + [0xE9] + Array("\"".utf8))
        let diagnostic = try #require(Parser.parse(file).diagnostics.first)
        #expect(
            DiagnosticPrinter().render(diagnostic, in: file) == """
                b.vsh:1:8: error: invalid UTF-8 byte 0xE9
                 1 | print "\u{FFFD}"
                   |        ^
                   = hint: scripts are UTF-8 text; re-save the file as UTF-8

                """)
    }
}

@Suite struct SuggestionsTests {
    @Test(arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("abc", "abc", 0), ("kitten", "sitting", 3), ("session", "sesion", 1),
        ("ab", "ba", 1), ("status", "stauts", 1), ("flaw", "lawn", 2), ("é", "e", 1), ("ca", "abc", 3), ("Session", "session", 1),
    ])
    func editDistance(_ a: String, _ b: String, _ distance: Int) {
        #expect(Suggestions.editDistance(a, b) == distance)
        #expect(Suggestions.editDistance(b, a) == distance)
    }

    @Test func closest() {
        #expect(Suggestions.closest(to: "sesion", in: CommandTable.names) == "session")
        #expect(Suggestions.closest(to: "SESSION", in: CommandTable.names) == "session")
        #expect(Suggestions.closest(to: "asert", in: CommandTable.names) == "assert")
        #expect(Suggestions.closest(to: "xyzzy", in: CommandTable.names) == nil)
        #expect(Suggestions.closest(to: "val", in: ["validate"]) == "validate")  // a prefix of three or more
        #expect(Suggestions.closest(to: "va", in: ["validate"]) == nil)
        #expect(Suggestions.closest(to: "val", in: CommandTable.names) == nil)  // only the closest candidate counts, and `let` is too far
        #expect(Suggestions.closest(to: "lst", in: ["list", "get"]) == "list")
        #expect(Suggestions.closest(to: "anything", in: [String]()) == nil)
        // Short words allow one edit, long ones up to three.
        #expect(Suggestions.closest(to: "lxt", in: ["let"]) == "let")
        #expect(Suggestions.closest(to: "lxx", in: ["let"]) == nil)
        #expect(Suggestions.closest(to: "sesion_tim__gt", in: ["session_time__gt"]) == "session_time__gt")
        #expect(Suggestions.closest(to: "sxsxon_tim__gt", in: ["session_time__gt"]) == nil)
    }
}
