import Testing
import VshTestSupport
import VerifyAPI
import VerifySandbox
import VshRuntime
import VshSyntax

/// `matches` through the interpreter: linear time, and cancellable.
@Suite struct MatchesTests {
    private func runOnSandbox(_ text: String, options: Interpreter.Options = .init()) async -> RunFailure? {
        let file = SourceFile(name: "test.vsh", text: text)
        let (script, diagnostics) = Parser.parse(file)
        #expect(diagnostics.isEmpty, "syntax errors: \(diagnostics.map(\.message))")
        let interpreter = Interpreter(transport: SandboxTransport(sandbox: VerifySandbox()), options: options)
        do {
            try await interpreter.run(script)
            return nil
        } catch {
            return error
        }
    }

    /// The pattern of the issue, against the sandbox's answers: it hung Swift's backtracking `Regex`.
    @Test func theCatastrophicPatternOfTheIssueAgainstTheSandbox() async throws {
        let failure = await runOnSandbox(
            #"""
            session create recipient=+14155550100 channel=sms
            assert body.message matches /^(\w+\s?)+$/
            validate $otp
            assert body.message not matches /^(\w+\s?)+$/
            assert body.message matches /^(\w+\s?)+\.$/
            assert body.message matches /(?i)^SESSION validated/
            """#)
        #expect(failure == nil, "\(failure.map { "\($0.diagnostic.message) \($0.diagnostic.details)" } ?? "")")
    }

    @Test func aFailedMatchReportsThePattern() async throws {
        let failure = try #require(await runOnSandbox("session create recipient=+14155550100\nassert body.message matches /^(\\w+\\s?)+!$/"))
        #expect(failure.diagnostic.details == [#"expected: matches /^(\w+\s?)+!$/"#, #"  actual: "Session initiated""#])
    }

    @Test func aLongMatchOnAHugeValueFinishes() async throws {
        let big = String(repeating: "word ", count: 20_000) + "!"  // 100 KB
        let failure = await runOnSandbox(
            #"""
            assert $big not matches /^(\w+\s?)+$/
            assert $big matches /(\w+\s?)+!$/
            """#, options: .init(variables: ["big": big]))
        #expect(failure == nil, "\(failure.map(\.diagnostic.message) ?? "")")
    }

    /// Ctrl-C at the prompt cancels the statement's task: a match in progress stops with the usual failure.
    @Test func cancellingTheTaskStopsAMatch() async throws {
        let big = String(repeating: "ab", count: 4_000_000)
        let file = SourceFile(name: "test.vsh", text: "assert $big matches /(.*a){20}c/")
        let script = Parser.parse(file).script
        let task = Task { () -> RunFailure? in
            let interpreter = Interpreter(transport: SandboxTransport(sandbox: VerifySandbox()), options: .init(variables: ["big": big]))
            do {
                try await interpreter.run(script)
                return nil
            } catch {
                return error as? RunFailure
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let failure = try #require(await task.value)
        #expect(failure.kind == .runtime)
        #expect(failure.diagnostic.message == "cancelled")
    }
}
