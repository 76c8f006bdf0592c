import Testing
import VshSyntax

/// ``IncludeLoader`` over an in-memory folder, then the checker over what it loaded.
@Suite struct IncludeTests {
    /// Files by path; a path ending in `/` is a folder.
    struct Folder {
        var files: [String: String]
        var reads: [String] = []

        func read(_ path: String) -> IncludeLoader.Read {
            if files[path + "/"] != nil { return .failure("a folder, not a file") }
            guard let text = files[path] else { return .failure("no such file") }
            return .script(Array(text.utf8), identity: path)
        }
    }

    /// Loads and checks `main` (at `suite/main.vsh`); returns every diagnostic, rendered.
    func problems(_ main: String, _ files: [String: String], predefined: Set<String> = []) -> (diagnostics: [Diagnostic], rendered: String) {
        let folder = Folder(files: files)
        let file = SourceFile(name: "suite/main.vsh", text: main)
        let (parsed, parseErrors) = Parser.parse(file)
        let (script, includeErrors) = IncludeLoader.load(parsed, file: file, identity: "suite/main.vsh", read: folder.read)
        let all = parseErrors + includeErrors + Checker.check(script, predefined: predefined, fileName: file.name)
        return (all, DiagnosticPrinter().render(all, in: file))
    }

    let signup = "session create recipient=$recipient\nassert status == 202\nlet signup_session = $session\n"

    @Test func anIncludeRunsWithItsParametersAndDefinesWhatItsScriptDefines() {
        let (diagnostics, _) = problems(
            "include \"flows/signup.vsh\" recipient=+14155550100\nprint $signup_session\nassert status == 202\n", ["suite/flows/signup.vsh": signup])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    }

    @Test func pathsAreRelativeToTheIncludingFile() {
        #expect(IncludeLoader.path("flows/a.vsh", relativeTo: "suite/main.vsh") == "suite/flows/a.vsh")
        #expect(IncludeLoader.path("../shared/a.vsh", relativeTo: "suite/x/main.vsh") == "suite/x/../shared/a.vsh")
        #expect(IncludeLoader.path("./a.vsh", relativeTo: "main.vsh") == "a.vsh")
        #expect(IncludeLoader.path("/abs/a.vsh", relativeTo: "suite/main.vsh") == "/abs/a.vsh")
        #expect(IncludeLoader.path("a.vsh", relativeTo: "<stdin>") == "a.vsh")
    }

    @Test func aMissingParameterIsReportedAtTheInclude() {
        let (diagnostics, _) = problems("include \"flows/signup.vsh\"\n", ["suite/flows/signup.vsh": signup])
        #expect(diagnostics.map(\.message) == ["missing parameter `recipient`: suite/flows/signup.vsh reads `$recipient` (line 1) and nothing defines it"])
        #expect(diagnostics.first?.range.lowerBound.line == 1)
        #expect(diagnostics.first?.source == nil)
        // Defined before the include (by a `let`, or --var): no parameter needed.
        #expect(problems("let recipient = \"+14155550100\"\ninclude \"flows/signup.vsh\"\n", ["suite/flows/signup.vsh": signup]).diagnostics.isEmpty)
        #expect(problems("include \"flows/signup.vsh\"\n", ["suite/flows/signup.vsh": signup], predefined: ["recipient"]).diagnostics.isEmpty)
    }

    @Test func aParameterTheScriptNeverReadsIsATypo() {
        let (diagnostics, _) = problems("include \"flows/signup.vsh\" recipeint=+2\n", ["suite/flows/signup.vsh": signup])
        #expect(
            diagnostics.map(\.message) == [
                "missing parameter `recipient`: suite/flows/signup.vsh reads `$recipient` (line 1) and nothing defines it",
                "suite/flows/signup.vsh never reads `$recipeint`",
            ])
        #expect(diagnostics.last?.hint == "did you mean `recipient=`?")
        #expect(diagnostics.last?.range.lowerBound.column == 28)
    }

    @Test func aBuiltInCannotBePassed() {
        let (diagnostics, _) = problems("include \"a.vsh\" session=x transport=y\n", ["suite/a.vsh": "print $session\nprint $transport\n"])
        #expect(diagnostics.map(\.message) == ["`$session` is built in and cannot be passed", "`$transport` is built in and cannot be passed"])
    }

    @Test func whatCannotBeIncluded() {
        let (diagnostics, _) = problems(
            "include \"nothere.vsh\"\ninclude \"flows\"\ninclude \"bin.vsh\"\ninclude \"main.vsh\"\ninclude \"a.vsh\"\n",
            ["suite/flows/": "", "suite/bin.vsh": "\u{0}\u{1}ELF", "suite/main.vsh": "", "suite/a.vsh": "include \"b.vsh\"\n", "suite/b.vsh": "include \"a.vsh\"\n"])
        #expect(
            diagnostics.map(\.message) == [
                "cannot include suite/nothere.vsh: no such file",
                "cannot include suite/flows: a folder, not a file",
                "cannot include suite/bin.vsh: it is not a script (a NUL byte at offset 0: a binary file)",
                "include cycle: suite/main.vsh → suite/main.vsh",
                "include cycle: suite/a.vsh → suite/b.vsh → suite/a.vsh",
            ])
        // Each at the include's path, the cycle's inside the file that closes it, with its chain.
        #expect(diagnostics.map(\.range.lowerBound.line) == [1, 2, 3, 4, 1])
        #expect(diagnostics.last?.source?.file.name == "suite/b.vsh")
        #expect(diagnostics.last?.source?.includedFrom.map(\.file) == ["suite/a.vsh", "suite/main.vsh"])
    }

    @Test func nestingIsBounded() {
        var files: [String: String] = [:]
        for level in 0..<40 { files["suite/f\(level).vsh"] = "include \"f\(level + 1).vsh\"\n" }
        files["suite/f40.vsh"] = "session get\n"
        let (diagnostics, _) = problems("include \"f0.vsh\"\n", files)
        #expect(diagnostics.map(\.message) == ["includes nested too deeply (more than \(IncludeLoader.maxDepth) files)"])
        #expect(diagnostics.first?.source?.includedFrom.count == IncludeLoader.maxDepth - 1)
    }

    @Test func theDeepestScriptAllowedIsCheckedAndFormattedOnASmallStack() {
        // Blocks nest 16 deep through the whole chain of includes: 2 in each of 8 files, and in
        // the innermost an expression as deep as expressions go.
        let files = IncludeLoader.maxDepth
        let levels = Block.maxDepth / files
        @Sendable func nested(_ inner: String) -> String {
            var text = ""
            for level in 0..<levels { text += String(repeating: " ", count: level * 4) + "repeat 2 {\n" }
            text += String(repeating: " ", count: levels * 4) + inner + "\n"
            for level in (0..<levels).reversed() { text += String(repeating: " ", count: level * 4) + "}\n" }
            return text
        }
        var all: [String: String] = [:]
        for index in 1..<files { all["suite/f\(index).vsh"] = nested("include \"f\(index + 1).vsh\"") }
        all["suite/f\(files - 1).vsh"] = nested("assert " + String(repeating: "(", count: 62) + "true" + String(repeating: ")", count: 62))
        let chain = all
        let outcome = onSmallStack { [self] in
            let (diagnostics, _) = problems(nested("include \"f1.vsh\""), chain)
            let formatted = (try? Formatter.format(SourceFile(name: "f.vsh", text: chain["suite/f1.vsh"]!)).get()) == chain["suite/f1.vsh"]
            return (diagnostics.map(\.message), formatted)
        }
        #expect(outcome.0 == [])
        #expect(outcome.1)
        // One block more anywhere in the chain is refused at the include where the count passes
        // the limit: here the last one, in f6.vsh, with 15 blocks around it.
        var deeper = all
        deeper["suite/f3.vsh"] = "repeat 2 {\n" + all["suite/f3.vsh"]! + "}\n"
        let (refused, _) = problems(nested("include \"f1.vsh\""), deeper)
        #expect(refused.map(\.message) == ["blocks nest more than \(Block.maxDepth) deep through this include (its blocks inside the 15 around it)"])
        #expect(refused.first?.source?.file.name == "suite/f6.vsh")
    }

    @Test func anExponentialFanOutIsStoppedAtTheExpansionBudget() {
        // Each file includes the next ten times: 10^6 include lines if expanded in full.
        var files: [String: String] = [:]
        for level in 0..<6 { files["suite/f\(level).vsh"] = String(repeating: "include \"f\(level + 1).vsh\"\n", count: 10) }
        files["suite/f6.vsh"] = "print 1\n"
        let (diagnostics, _) = problems("include \"f0.vsh\"\n", files)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("includes expand to more than 10000 include lines") == true)
    }

    @Test func diagnosticsInsideAnIncludedFileShowTheChain() {
        let (diagnostics, rendered) = problems(
            "print 1\ninclude \"flows/outer.vsh\" recipient=+14155550100\n",
            ["suite/flows/outer.vsh": "print 2\n  include \"inner.vsh\"\n", "suite/flows/inner.vsh": "sesion get\nprint $nope\n"])
        #expect(
            diagnostics.map(\.message) == [
                "unknown command `sesion`", "missing parameter `nope`: suite/flows/inner.vsh reads `$nope` (line 2) and nothing defines it",
                "suite/flows/outer.vsh never reads `$recipient`",
            ])
        // The missing parameter is reported at the include that lacks it, inside outer.vsh.
        #expect(diagnostics[1].source?.file.name == "suite/flows/outer.vsh")
        #expect(diagnostics[1].range.lowerBound.line == 2)
        #expect(
            rendered.contains(
                """
                suite/flows/inner.vsh:1:1: error: unknown command `sesion`
                 1 | sesion get
                   | ^^^^^^
                   = hint: did you mean `session`?
                   = note: included from suite/flows/outer.vsh:2:3
                   = note: included from suite/main.vsh:2:1
                """), "\(rendered)")
    }

    @Test func aFileIncludedTwiceIsReadOnce() {
        final class Counting: @unchecked Sendable { var reads = 0 }
        let counting = Counting()
        let file = SourceFile(name: "m.vsh", text: "include \"a.vsh\"\nrepeat 3 {\n    include \"a.vsh\"\n}\n")
        let (script, diagnostics) = IncludeLoader.load(Parser.parse(file).script, file: file, identity: "m.vsh") { path in
            counting.reads += 1
            return .script(Array("print 1\n".utf8), identity: path)
        }
        #expect(diagnostics.isEmpty)
        #expect(counting.reads == 2)  // the reader is asked (for the identity), the parse is shared
        guard case .include(let first) = script.statements[0].command, case .repeat(_, let body) = script.statements[1].command,
            case .include(let second) = body.statements[0].command
        else {
            Issue.record("shape")
            return
        }
        #expect(first.unit != nil && first.unit === second.unit)
    }
}
