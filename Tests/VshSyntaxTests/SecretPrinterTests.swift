import Testing
import VerifyAPI
import VshSyntax

/// The printer's quoted source line and its texts go through the run's redaction rule.
@Suite struct SecretPrinterTests {
    static let token = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"

    @Test func aTokenInTheQuotedLineIsRedactedAndTheCaretFollows() {
        let file = SourceFile(name: "t.vsh", text: "assert body.x == \"nope \(Self.token)\" and 1")
        // The span of `and` after the token.
        let start = file.location(at: 17 + 6 + 40 + 2)
        let diagnostic = Diagnostic("unexpected `and` after \(Self.token)", at: start..<file.location(at: start.offset + 3), details: ["near \(Self.token)"])
        let printer = DiagnosticPrinter(redactor: Redactor([Self.token]))
        let pad = String(repeating: " ", count: 17 + 6 + 10 + 2)
        #expect(
            printer.render(diagnostic, in: file)
                == "t.vsh:1:36: error: unexpected `and` after [redacted]\n 1 | assert body.x == \"nope [redacted]\" and 1\n   | \(pad)^^^\n   | \(pad)near [redacted]\n")
    }

    @Test func theTokenOfAnUnparsableAuthLineIsHiddenWhateverItsLength() throws {
        let file = SourceFile(name: "t.vsh", text: "auth MA2025RK4E639VJFZAGV \"tok")
        let diagnostic = try #require(Parser.parse(file).diagnostics.first)
        #expect(
            DiagnosticPrinter().render(diagnostic, in: file) == """
                t.vsh:1:27: error: unterminated string: it needs a closing `"`
                 1 | auth MA2025RK4E639VJFZAGV [redacted]
                   |                           ^^^^^^^^^^

                """)
    }

    @Test func swappedLiteralAuthArgumentsAreNamedNotQuoted() throws {
        let file = SourceFile(name: "t.vsh", text: "auth \(Self.token) MA2025RK4E639VJFZAGV")
        let diagnostic = try #require(Parser.parse(file).diagnostics.first)
        let rendered = DiagnosticPrinter().render(diagnostic, in: file)
        #expect(rendered.hasPrefix("t.vsh:1:6: error: the auth ID looks like the auth token: are the arguments swapped?\n 1 | auth [redacted] [redacted]\n"), "\(rendered)")
        let alone = SourceFile(name: "t.vsh", text: "auth \(Self.token)")
        let message = try #require(Parser.parse(alone).diagnostics.first).message
        #expect(message == "malformed auth ID: it looks like a token, so it is not shown")
    }

    @Test func fileErrorsAreRedactedToo() {
        #expect(DiagnosticPrinter(redactor: Redactor([Self.token])).render(fileError: "x \(Self.token)", file: "f") == "f: error: x [redacted]\n")
    }
}
