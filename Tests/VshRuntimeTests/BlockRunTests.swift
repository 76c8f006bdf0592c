import Testing
import VerifyAPI
import VerifyCassette
import VerifySandbox
import VshRuntime
import VshSyntax
import VshTestSupport

/// The block commands and `include`, run on the embedded sandbox (and through record and replay).
@Suite struct BlockRunTests {
    struct Ran {
        var failure: RunFailure?
        var events: [RunEvent]
        var printed: [String] {
            events.compactMap { if case .printed(let text, _) = $0 { text } else { nil } }
        }
        var requests: [StatementSite] {
            events.compactMap { if case .exchange(_, _, _, let site) = $0 { site } else { nil } }
        }
    }

    final class Log: @unchecked Sendable { var events: [RunEvent] = [] }

    func run(
        _ text: String, on transport: any Transport = SandboxTransport(sandbox: VerifySandbox()), includes: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async -> Ran {
        let file = SourceFile(name: "main.vsh", text: text)
        var (script, diagnostics) = Parser.parse(file)
        let (loaded, includeErrors) = IncludeLoader.load(script, file: file, identity: "main.vsh") { path in
            includes[path].map { .script(Array($0.utf8), identity: path) } ?? .failure("no such file")
        }
        script = loaded
        diagnostics += includeErrors + Checker.check(script, fileName: "main.vsh")
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))", sourceLocation: sourceLocation)
        let log = Log()
        let interpreter = Interpreter(transport: transport) { log.events.append($0) }
        interpreter.scriptName = "main.vsh"
        do {
            try await interpreter.run(script)
            return Ran(failure: nil, events: log.events)
        } catch {
            return Ran(failure: error, events: log.events)
        }
    }

    @Test func repeatRunsTheBlockItsCountOfTimes() async {
        let ran = await run(
            """
            session create recipient=+14155550111
            repeat 10 {
                validate 000000
                assert status == 400
            }
            validate $otp
            assert status == 400
            assert body.error == "maximum validation attempts exceeded"
            """)
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        #expect(ran.requests.count == 12)
        #expect(ran.requests.dropFirst().prefix(10).map(\.iterations) == (1...10).map { [$0] })
        #expect(ran.requests.last?.iterations == [])
    }

    @Test func forSetsTheVariableAndTheIteration() async {
        let ran = await run(
            """
            for recipient in ["+14155550100", "+442071838750"] {
                session create recipient=$recipient
                assert status == 202
                print "$iteration: $recipient"
            }
            print $recipient
            session list
            for item in body.sessions {
                print $item.recipient
            }
            """)
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        // (The API lists recipients without their `+`, newest first.)
        #expect(ran.printed == ["1: +14155550100", "2: +442071838750", "+442071838750", "442071838750", "14155550100"])
    }

    @Test func forOverSomethingThatIsNoListIsARuntimeFailure() async {
        let ran = await run("session create recipient=+14155550100\nfor x in body.session_uuid {\n    print $x\n}")
        #expect(ran.failure?.kind == .runtime)
        #expect(ran.failure?.diagnostic.message.contains("`for` goes over a list, and `body.session_uuid` is a string") == true)
    }

    @Test func aFailureInALoopSaysWhichIteration() async {
        let ran = await run("repeat 5 {\n    assert $iteration < 3\n}")
        #expect(ran.failure?.kind == .assertion)
        #expect(ran.failure?.diagnostic.message == "assertion failed (iteration 3 of 5)")
        #expect(ran.failure?.iterations == [3])
        let nested = await run("repeat 2 {\n    for x in [1, 2, 3] {\n        assert $x < 3\n    }\n}")
        #expect(nested.failure?.iterations == [1, 3])
        #expect(nested.failure?.diagnostic.message == "assertion failed (iteration 3 of 3)")
    }

    @Test func pollWaitsOnTheVirtualClock() async {
        let clock = ContinuousClock()
        let start = clock.now
        let ran = await run(
            """
            session create recipient=+14155550100
            poll every 1m timeout 15m until body.status == "expired" {
                session get
            }
            assert body.status == "expired"
            """)
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        // The code lives 10 minutes: expired at the 11th look, 10 virtual minutes on.
        let polled = ran.events.compactMap { if case .polled(let attempts, let waited, _) = $0 { (attempts, waited) } else { nil } }
        #expect(polled.first?.0 == 11)
        #expect(polled.first?.1 == .seconds(600))
        #expect(clock.now - start < .seconds(10))
    }

    @Test func aPollThatTimesOutIsARuntimeFailureWithTheLastAnswer() async {
        let ran = await run(
            """
            session create recipient=+14155550100
            poll every 1m timeout 5m until body.status == "verified" {
                session get
            }
            """)
        let failure = ran.failure
        #expect(failure?.kind == .runtime)
        #expect(failure?.status == .runtimeFailure)
        #expect(failure?.diagnostic.message == "poll timed out after 5m: 6 attempts every 1m, and the condition never held")
        #expect(failure?.diagnostic.range.lowerBound.line == 2)
        let details = failure?.diagnostic.details ?? []
        #expect(details.first == "expected: \"verified\"")
        #expect(details.dropFirst().first == "  actual: \"in-progress\"")
        #expect(details.last?.hasPrefix("last answer: 200 OK {") == true)
        #expect(ran.requests.count == 7)
    }

    @Test func aPollOnStatusExpectsTheErrorAnswersItWaitsOut() async {
        let ran = await run(
            """
            session create recipient=+14155550100
            fault retrieve status=503 times=2
            poll every 1s timeout 10s until status == 200 {
                session get
            }
            print "$transport"
            """)
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        #expect(ran.requests.count == 4)
        #expect(ran.printed == ["sandbox"])
        // Without `status` in the condition an error answer stops the poll at its line.
        let strict = await run(
            "session create recipient=+14155550100\nfault retrieve status=503\npoll every 1s timeout 10s until body.status == \"in-progress\" {\n    session get\n}")
        #expect(strict.failure?.diagnostic.message.contains("answered 503") == true)
        #expect(strict.failure?.diagnostic.range.lowerBound.line == 4)
    }

    @Test func ifRunsTheFirstBranchThatHolds() async {
        let ran = await run(
            """
            if $transport == "live" {
                print "live"
            } else if 1 == 1 {
                print "second"
            } else {
                print "else"
            }
            if false {
                print "no"
            } else {
                print "else"
            }
            validate 000000
            """.replacingOccurrences(of: "validate 000000", with: "session create recipient=+1\nif status == 400 {\n    print \"refused\"\n}"))
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        // An `if` on `status` right after a request makes its error answer expected.
        #expect(ran.printed == ["second", "else", "refused"])
    }

    @Test func anIncludeRunsHereWithItsParametersAndLeavesWhatItDefines() async {
        let ran = await run(
            """
            include "flows/signup.vsh" recipient=+14155550100
            print $signup
            validate $otp
            assert status == 200
            include "flows/signup.vsh" recipient=+442071838750
            print $recipient
            """,
            includes: ["flows/signup.vsh": "session create recipient=$recipient\nassert status == 202\nlet signup = \"signed up $recipient\"\n"])
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        #expect(ran.printed == ["signed up +14155550100", "+442071838750"])
        #expect(ran.requests.first?.file?.name == "flows/signup.vsh")
        #expect(ran.requests.dropFirst().first?.file == nil)
    }

    @Test func aVariablePassedToAnIncludeKeepsItsType() async {
        let ran = await run("let n = 3\ninclude \"a.vsh\" count=$n word=3\n", includes: ["a.vsh": "assert $count == 3\nassert $word == \"3\"\nrepeat $count {\n    print $iteration\n}\n"])
        #expect(ran.failure == nil, "\(String(describing: ran.failure))")
        #expect(ran.printed == ["1", "2", "3"])
    }

    @Test func aFailureInsideAnIncludeShowsItsFileAndChain() async {
        let ran = await run(
            "print 1\ninclude \"a.vsh\"\n",
            includes: ["a.vsh": "repeat 2 {\n    include \"b.vsh\"\n}\n", "b.vsh": "session create recipient=+14155550100\nassert status == 999\n"])
        let diagnostic = ran.failure?.diagnostic
        #expect(diagnostic?.source?.file.name == "b.vsh")
        #expect(diagnostic?.range.lowerBound.line == 2)
        #expect(diagnostic?.source?.includedFrom == [
            IncludeSite(file: "a.vsh", location: SourceLocation(offset: 15, line: 2, column: 5)),
            IncludeSite(file: "main.vsh", location: SourceLocation(offset: 8, line: 2, column: 1)),
        ])
        #expect(diagnostic?.message == "assertion failed (iteration 1 of 2)")
        let rendered = DiagnosticPrinter().render(diagnostic!, in: SourceFile(name: "main.vsh", text: "print 1\ninclude \"a.vsh\"\n"))
        #expect(rendered.hasPrefix("b.vsh:2:8: error: assertion failed (iteration 1 of 2)\n 2 | assert status == 999\n"))
        #expect(rendered.hasSuffix("   = note: included from a.vsh:2:5\n   = note: included from main.vsh:2:1\n"))
    }

    @Test func aPollRecordedReplaysAttemptForAttempt() async throws {
        let script = """
            session create recipient=+14155550100
            poll every 2m timeout 15m until body.status == "expired" {
                session get
            }
            """
        let recorder = RecordTransport(recordingThrough: SandboxTransport(sandbox: VerifySandbox()))
        let recorded = await run(script, on: recorder)
        #expect(recorded.failure == nil, "\(String(describing: recorded.failure))")
        let cassette = recorder.cassette(script: "main.vsh", baseURL: nil)
        #expect(cassette.exchanges.count == 7)  // the create and six looks, the last one expired
        let replay = ReplayTransport(cassette: cassette, cassetteName: "main.har")
        let replayed = await run(script, on: replay)
        #expect(replayed.failure == nil, "\(String(describing: replayed.failure))")
        #expect(replayed.requests.count == 7)
        #expect(replay.unplayed.isEmpty)
    }
}
