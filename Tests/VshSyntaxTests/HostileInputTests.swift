import Testing
import VshTestSupport
import VshTestSupport
import VerifyAPI
import VshSyntax

/// Input a careless or hostile user writes: numbers no Double holds, durations that would
/// overflow, characters that look like spaces, old line endings, floods of errors.
@Suite(.timeLimit(.minutes(2))) struct HostileInputTests {
    func messages(_ text: String) -> [String] {
        parseEverything(source(text)).1.map(\.message)
    }

    @Test(arguments: [
        "9007199254740993", "-9007199254740993", "12345678901234567890", "0.1000000000000000055511151231257827",
        String(repeating: "9", count: 400), "1" + String(repeating: "0", count: 309),
    ])
    func numberLiteralsADoubleCannotHoldExactlyAreRefused(literal: String) {
        let found = messages("assert 1 == \(literal)\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("cannot be held exactly") == true, "\(found)")
        #expect(found.first.map { $0.count < 300 } == true, "the message quotes a bounded part of the literal")
    }

    @Test(arguments: ["9007199254740992", "-9007199254740992", "0.1", "1.50", "0.30000000000000004", "123456789012345", "0", "-0", "0.0"])
    func numberLiteralsHeldExactlyAreTaken(literal: String) {
        #expect(messages("assert 1 == \(literal)\n").isEmpty)
    }

    @Test func aSleepOverTheMaximumIsAnErrorAtItsArgument() {
        let (_, diagnostics) = parseEverything(source("sleep 999999999d\n"))
        #expect(diagnostics.map(\.message) == [#""999999999d" is longer than the longest sleep, 36500d (100 years)"#])
        #expect(diagnostics.first?.range.lowerBound.column == 7)
        #expect(messages("sleep 36500d\n").isEmpty)
        #expect(messages("sleep \(String(repeating: "9", count: 50))ms\n").first?.contains("longer than the longest sleep") == true)
    }

    @Test(arguments: [
        ("\u{00A0}", "U+00A0 NO-BREAK SPACE"), ("\u{200B}", "U+200B ZERO WIDTH SPACE"), ("\u{FEFF}", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u{2009}", "U+2009 THIN SPACE"), ("\u{202E}", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\u{3000}", "U+3000 IDEOGRAPHIC SPACE"),
    ])
    func invisibleCharactersAreNamedWhereTheyStand(character: String, name: String) {
        for text in ["print\(character)1\n", "session create recipient=+1415\(character)5550100\n", "assert status\(character)== 200\n", "print 1\n\(character)print 2\n"] {
            let (_, diagnostics) = parseEverything(source(text))
            #expect(diagnostics.count == 1, "\(text.debugDescription): \(diagnostics.map(\.message))")
            #expect(diagnostics.first?.message.contains(name) == true, "\(text.debugDescription): \(diagnostics.map(\.message))")
            let offset = text.utf8.count - text.drop(while: { String($0) != character }).utf8.count
            #expect(diagnostics.first?.range.lowerBound.offset == offset, "\(text.debugDescription)")
        }
        // Inside a string it is text, as written.
        #expect(messages("print \"a\(character)b\"\n").isEmpty)
        #expect(messages("# a comment with \(character)\n").isEmpty)
    }

    @Test func crOnlyLineEndingsEndLines() {
        let file = source("print 1\rprint 2\r\rassert status == 200\r")
        #expect(file.lineStarts.count == 5)
        let (script, diagnostics) = Parser.parse(file)
        #expect(script.statements.count == 3)
        #expect(diagnostics.isEmpty)
        let mixed = Parser.parse(source("print 1\r\nprint 2\rprint 3\n"))
        #expect(mixed.script.statements.count == 3)
        #expect(mixed.script.statements.last?.range.lowerBound.line == 3)
    }

    @Test func aFloodOfErrorsPrintsTheFirstFiftyAndACount() async {
        let (count, text) = await onOwnThread {
            let file = source(String(repeating: "bogus line here\n", count: 100_000))
            let (_, diagnostics) = Parser.parse(file)
            return (diagnostics.count, DiagnosticPrinter(color: false).render(diagnostics, in: file))
        }
        // The parse stops at its cap (memory stays bounded), and the count says so.
        #expect(count == Parser.maxDiagnostics + 1)
        #expect(text.split(separator: "\n").count < 50 * 5 + 2)
        #expect(text.hasSuffix("test.vsh: note: more than 950 more errors not shown (the first 50 are above); reading stopped after 1000\n"))
        #expect(text.utf8.count < 20_000)
    }

    @Test func aTenMegabyteLineGivesAShortMessageAndAWindow() async {
        let (diagnostics, text, shown) = await onOwnThread {
            let word = String(repeating: "x", count: 10_000_000)
            let file = source("print 1\n\(word) tail\n")
            let (_, diagnostics) = Parser.parse(file)
            let printer = DiagnosticPrinter(color: false)
            // A caret deep in the line: the column is right and the window is cut around it.
            let late = Diagnostic("here", at: VshSyntax.SourceLocation(offset: 8 + 9_000_000, line: 2, column: 9_000_001)..<VshSyntax.SourceLocation(offset: 8 + 9_000_004, line: 2, column: 9_000_005))
            return (diagnostics, diagnostics.first.map { printer.render($0, in: file) } ?? "", printer.render(late, in: file))
        }
        #expect(diagnostics.count == 1)
        #expect((diagnostics.first?.message.count ?? .max) <= Diagnostic.maxTextLength + 40)
        #expect(text.hasPrefix("test.vsh:2:1: error: "))
        #expect(text.utf8.count < 2_000)
        #expect(shown.hasPrefix("test.vsh:2:9000001: error: here\n"))
        let lines = shown.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("…xxxx"))
        #expect(lines[2].hasSuffix("^^^^"))
        #expect(shown.utf8.count < 2_000)
    }
}
