import Foundation
import Testing
import VshSyntax

/// `vsh fmt`'s layout: canonical, idempotent, and it never changes what a script means.
@Suite struct FormatterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every example and every script the tests keep (the fuzzers' corpora and regressions).
    static var scripts: [String] {
        let folders = ["examples", "Tests/Fuzz/corpus", "Tests/Fuzz/regressions"]
        var found: [String] = []
        for folder in folders {
            let base = repository.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".vsh") { found.append(folder + "/" + path) }
        }
        return found.sorted()
    }

    /// Scripts written here for the forms the files above may lack.
    static let written: [String] = [
        "repeat 3 {\n  validate 000000\n      assert status==400\n}\n",
        "for   r in [ \"+14155550100\" ,$x,1 ]{\nprint \"$r $iteration\"\n}\n",
        "poll timeout 1m every 2s until body.attempt_details[0].status==\"delivered\"{\n session get # again\n}\n",
        "if $transport==\"live\"{\n} else if ( status )==200 {\nprint 1\n}else{\n# nothing\n}\n",
        "include \"flows/signup.vsh\"   recipient=+14155550100   brand=\"Acme\"\n",
        "assert not (status == 200)\nassert (not $a) == true\nassert body.x not contains \"a\"\nassert body.y is not uuid\nassert not body.z not exists\n",
        "assert body[\"odd key\"].a[0].\"b\" == ((1.50))\nassert header \"X-$A\" exists\nassert body.\"x\\ty\" matches /a\\/b/\n",
        "fault create drop times=2\nsleep 1h30m\nauth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN\nsession list status=verified limit=5\n",
        "#!/usr/bin/env vsh\n\n\n# a\n\nsession get   # one\nsession get    # two\n\nsession get\n\n\n",
        "session create recipient=+14155550100 \\\n    channel=sms  # joined\n",
        "assert (\\\n    1) == 1\n",
        "print ( \\\n\"a\" \\\n )\n",
    ]

    static var everyInput: [String] { scripts + written.indices.map { "written #\($0)" } }

    func bytes(_ input: String) throws -> [UInt8] {
        if input.hasPrefix("written #") { return Array(FormatterTests.written[Int(input.dropFirst(9))!].utf8) }
        return Array(try Data(contentsOf: FormatterTests.repository.appendingPathComponent(input)))
    }

    @Test(arguments: everyInput)
    func formattingIsIdempotentAndKeepsTheMeaning(_ input: String) throws {
        let original = SourceFile(name: input, bytes: try bytes(input))
        let (script, diagnostics) = Parser.parse(original)
        // A script that does not parse is not formatted (and that is checked below).
        guard diagnostics.isEmpty else {
            if case .success = Formatter.format(original) { Issue.record("\(input) does not parse, yet was formatted") }
            return
        }
        guard case .success(let once) = Formatter.format(original) else {
            Issue.record("\(input) parses but was not formatted")
            return
        }
        let first = SourceFile(name: input, text: once)
        guard case .success(let twice) = Formatter.format(first) else {
            Issue.record("the formatted \(input) does not parse:\n\(once)")
            return
        }
        #expect(twice == once, "the second pass changed \(input):\n\(once)\n---\n\(twice)")
        let (reparsed, problems) = Parser.parse(first)
        #expect(problems.isEmpty, "\(problems.map(\.message))")
        #expect(reparsed.erasingRanges == script.erasingRanges, "\(input) means something else once formatted:\n\(once)")
        // The comments survive, in order.
        let comments = Parser.parseKeepingComments(original).comments.map { original.text(in: $0).trimmingCharacters(in: .whitespaces) }
        let kept = Parser.parseKeepingComments(first).comments.map { first.text(in: $0) }
        #expect(kept == comments)
        #expect(once.isEmpty || (once.hasSuffix("\n") && !once.hasSuffix("\n\n")))
        #expect(!once.contains("\n\n\n"))
    }

    @Test func theCanonicalLayout() throws {
        let ugly = """
            #!/usr/bin/env vsh
            session create   recipient=+14155550100 \\
              channel=sms   # c1
            assert   (status)==202   # two



            # own
            if body.x not contains "a"{

              print   ( "x" )

             # inner end
            }   else   if ((1)) == 1 {   # e
             print [1,2 ,  "a"]
            } else {
            }
            let x = body["odd key"].a[0]."b"
            """
        let expected = """
            #!/usr/bin/env vsh
            session create recipient=+14155550100 channel=sms  # c1
            assert status == 202                               # two

            # own
            if body.x not contains "a" {
                print "x"

                # inner end
            } else if 1 == 1 {  # e
                print [1, 2, "a"]
            } else {
            }
            let x = body["odd key"].a[0].b

            """
        #expect(try Formatter.format(SourceFile(name: "u.vsh", text: ugly)).get() == expected)
    }

    @Test func aScriptThatDoesNotParseIsRefusedWithItsErrors() {
        guard case .failure(let refusal) = Formatter.format(SourceFile(name: "bad.vsh", text: "repeat 3 {\n    validate 000000\n")) else {
            Issue.record("formatted")
            return
        }
        #expect(refusal.problems.map(\.message) == ["unclosed `{`: this block needs a `}` on a line of its own"])
    }

    @Test func anEmptyScriptStaysEmpty() throws {
        #expect(try Formatter.format(SourceFile(name: "e.vsh", text: "")).get() == "")
        #expect(try Formatter.format(SourceFile(name: "e.vsh", text: "\n\n  \n")).get() == "")
    }
}
