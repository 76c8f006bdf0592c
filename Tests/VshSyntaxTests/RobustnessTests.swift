import Testing
import VerifyAPI
import VshSyntax


/// Parses, checks and renders; asserts the invariants any input must keep.
@discardableResult
func parseEverything(_ file: SourceFile, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (Script, [Diagnostic]) {
    let (script, diagnostics) = Parser.parse(file)
    let all = diagnostics + Checker.check(script)
    let printer = DiagnosticPrinter(color: false)
    for diagnostic in all {
        let lower = diagnostic.range.lowerBound
        #expect(lower.offset >= 0 && lower.offset <= file.bytes.count, sourceLocation: sourceLocation)
        #expect(lower <= diagnostic.range.upperBound, sourceLocation: sourceLocation)
        // The lexer's line and column agree with the file's own line table.
        #expect(file.location(at: lower.offset) == lower, "\(diagnostic.message)", sourceLocation: sourceLocation)
        let text = printer.render(diagnostic, in: file)
        #expect(text.hasPrefix("\(file.name):\(lower.line):"), sourceLocation: sourceLocation)
        #expect(text.contains("^"), sourceLocation: sourceLocation)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "control characters reach the terminal", sourceLocation: sourceLocation)
    }
    for statement in script.statements {
        #expect(file.location(at: statement.range.lowerBound.offset) == statement.range.lowerBound, sourceLocation: sourceLocation)
        #expect(statement.range.upperBound.offset <= file.bytes.count, sourceLocation: sourceLocation)
    }
    return (script, all)
}

@Suite(.timeLimit(.minutes(2))) struct RobustnessTests {
    @Test func emptyFilesAndCommentOnlyFiles() {
        for text in ["", "\n", "\r\n", "   \t  ", "# just a comment", "#!/usr/bin/env vsh\n# a\n\n  # b\r\n", "\\\n", "\u{FEFF}"] {
            let (script, diagnostics) = parseEverything(source(text))
            #expect(script.statements.isEmpty, "\(text.debugDescription)")
            #expect(diagnostics.isEmpty, "\(text.debugDescription)")
        }
        let bomOnly = SourceFile(name: "bom", bytes: [0xEF, 0xBB, 0xBF])
        #expect(Parser.parse(bomOnly).diagnostics.isEmpty)
    }

    @Test func nulBytesAnywhere() {
        let text = "auth\nsession create recipient=+1\nvalidate $otp\nassert status == 200\n"
        let bytes = Array(text.utf8)
        for position in 0...bytes.count {
            var withNUL = bytes
            withNUL.insert(0, at: position)
            let (_, diagnostics) = parseEverything(SourceFile(name: "nul", bytes: withNUL))
            #expect(diagnostics.contains { $0.message == "NUL byte in script" }, "NUL at \(position)")
        }
    }

    @Test func invalidUTF8Anywhere() {
        let bytes = Array("session create brand_name=\"Zoë\"\nassert body.x == \"😀\"\n".utf8)
        for position in 0..<bytes.count {
            var broken = bytes
            broken[position] = 0xFF
            let (_, diagnostics) = parseEverything(SourceFile(name: "bad", bytes: broken))
            // The diagnostic names the first byte of the broken sequence: 0xFF itself, or the lead byte before it.
            let found = diagnostics.first { $0.message.hasPrefix("invalid UTF-8 byte 0x") }
            #expect(found.map { (position - 3...position).contains($0.range.lowerBound.offset) } == true, "0xFF at \(position)")
            if found?.range.lowerBound.offset == position { #expect(found?.message == "invalid UTF-8 byte 0xFF") }
        }
    }

    @Test func aOneMegabyteLine() throws {
        let big = String(repeating: "a", count: 1 << 20)
        let (script, diagnostics) = parseEverything(source("print \"\(big)\"\nauth"))
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == 2)
        let (_, junk) = parseEverything(source(big + " @"))
        // The message quotes the word cut to 60 characters, so a huge token cannot flood the terminal.
        #expect(junk.map(\.message) == ["unknown command `\(String(repeating: "a", count: 60))…`"])
        let rendered = DiagnosticPrinter().render(try #require(junk.first), in: source(big))
        let shownLine = try #require(rendered.split(separator: "\n").dropFirst().first)
        #expect(shownLine.count < 130)  // the source line is a window, not a megabyte
        let (_, tail) = parseEverything(source("print \"\(big)\" 1"))
        #expect(tail.map(\.message) == ["unexpected `1` after the command"])
    }

    @Test func oneHundredThousandNots() {
        let (script, diagnostics) = parseEverything(source("assert " + String(repeating: "not ", count: 100_000) + "status\nsession get"))
        #expect(diagnostics.map(\.message) == ["expression nested too deeply (more than 64 levels)"])
        #expect(script.statements.count == 1)
    }

    @Test func oneHundredThousandParentheses() {
        let (_, open) = parseEverything(source("assert " + String(repeating: "(", count: 100_000)))
        #expect(open.map(\.message) == ["expression nested too deeply (more than 64 levels)"])
        let (_, closed) = parseEverything(source("print " + String(repeating: ")", count: 100_000)))
        #expect(closed.map(\.message) == ["expected a value, found `)`"])
    }

    @Test func manyLinesWithErrors() {
        let text = String(repeating: "sesion\nsession get nope\nassert ==\n", count: 5_000)
        let (_, diagnostics) = parseEverything(source(text))
        // Every line's error up to the cap, then a note that reading stopped there.
        #expect(diagnostics.count == Parser.maxDiagnostics + 1)
        #expect(diagnostics.dropLast().map(\.range.lowerBound.line) == Array(1...Parser.maxDiagnostics))
        #expect(diagnostics.last?.message == "too many errors: the rest of the file is not read")
    }

    @Test func longPathsAndStrings() {
        let path = (0..<10_000).map { "[\($0)]" }.joined()
        let (script, diagnostics) = parseEverything(source("session get\nassert body\(path) exists"))
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == 2)
        let parts = String(repeating: "$x ", count: 1_000)
        let (_, undefined) = parseEverything(source("print \"\(parts)\""))
        #expect(undefined.count == 1_000)
    }

    static let fragments: [String] = [
        "auth", "session", "create", "get", "list", "use", "validate", "assert", "let", "print", "sleep", "status", "body", "header",
        ".", "[", "]", "(", ")", "==", "=", "!=", "<", ">=", "not", "contains", "matches", "exists", "is", "uuid", "\"", "\\", "$", "${",
        "}", "/", "#", " ", " ", " ", "\n", "\r\n", "\r", "\t", "0", "12", "-1.5", "007", "x", "recipient=", "channel=", "limit=",
        "é", "😀", "\u{0}", "\\\n", "\\q", "\\\"", "1h30m", authID, uuid, "MA", "\u{FEFF}", "session_time=", "\"2024-01-01 00:00\"",
    ]

    @Test(arguments: 0..<6)
    func seededFuzz(_ batch: Int) {
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(batch))
        for _ in 0..<500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: bytes.append(UInt8.random(in: 0...255, using: &rng))
                case 1: bytes.append(UInt8.random(in: 0x20...0x7E, using: &rng))
                default: bytes += Array(Self.fragments.randomElement(using: &rng)!.utf8)
                }
            }
            let file = SourceFile(name: "fuzz.vsh", bytes: bytes)
            parseEverything(file)
            // Every mode of the lexer makes progress and ends.
            for mode in [Lexer.Mode.argument, .value, .expression] {
                var lexer = Lexer(file)
                var count = 0
                while lexer.next(mode).kind != .end {
                    count += 1
                    if count > file.bytes.count + 1 {
                        Issue.record("the lexer does not end on \(file.bytes)")
                        break
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<2)
    func randomBytes(_ batch: Int) {
        var rng = SplitMix64(seed: 0xB17E5 + UInt64(batch))
        for _ in 0..<1_000 {
            let bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            parseEverything(SourceFile(name: "random", bytes: bytes))
        }
    }
}
