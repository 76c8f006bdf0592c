import Foundation
import Testing
import VerifyAPI
import VshRunner
import VshSyntax
import VshTestSupport

/// The run loop over an in-memory console: what a user reads, and the exit status.
@Suite struct ScriptRunnerTests {
    @Test func aPassingFileIsOneLineAndASummary() async throws {
        let (_, inputs) = try scripts(["flow.vsh": passingFlow])
        let (runner, captured) = makeRunner()
        #expect(await runner.run(inputs) == .success)
        let lines = captured.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("✓ flow.vsh (2 requests, 3 assertions) ") == true)
        #expect(lines.last?.hasPrefix("1 passed, 0 failed (") == true)
        #expect(captured.errors.isEmpty)
    }

    @Test func theWorstStatusWinsAndEachFileSaysWhy() async throws {
        let (_, inputs) = try scripts([
            "a.vsh": passingFlow,
            "b.vsh": "session create recipient=+14155550100\nassert status == 200\n",
            "c.vsh": "assert status ==\n",
        ])
        let (runner, captured) = makeRunner()
        #expect(await runner.run(inputs) == .assertionFailed)
        #expect(captured.output.contains("✗ b.vsh (line 2: assertion failed)"))
        #expect(captured.output.contains("✗ c.vsh (1 error)"))
        #expect(captured.output.contains("1 passed, 2 failed ("))
        #expect(captured.errors.contains("b.vsh:2:8: error: "))
        #expect(captured.errors.contains("c.vsh:1:"))
    }

    @Test func aMalformedFileSendsNothing() async throws {
        let (_, inputs) = try scripts(["bad.vsh": "session create recipient=+14155550100\nsesion get\n"])
        let transport = ScriptedTransport(answers: [created()])
        let (runner, _) = makeRunner(transport: { _ in transport })
        #expect(await runner.run(inputs) == .malformedInput)
        #expect(await transport.requests.isEmpty)
    }

    /// With several jobs, files run at once, but each file's output is shown whole and in
    /// the order the files were given.
    @Test func parallelOutputStaysGroupedAndInOrder() async throws {
        var files: [(String, String)] = []
        for index in 0..<8 { files.append(("f\(index).vsh", (0..<20).map { "print \"f\(index) line \($0)\"\n" }.joined())) }
        let folder = try TemporaryFolder.make("runner")
        let inputs = try files.map { ScriptInput(name: $0.0, path: try folder.write($0.0, $0.1)) }
        let (runner, captured) = makeRunner { $0.jobs = 4 }
        #expect(await runner.run(inputs) == .success)
        let printed = captured.output.split(separator: "\n").filter { $0.hasPrefix("f") }.map(String.init)
        let expected = (0..<8).flatMap { file in (0..<20).map { "f\(file) line \($0)" } }
        #expect(printed == expected)
    }

    @Test func failFastStartsNoFileAfterAFailure() async throws {
        let (_, inputs) = try scripts(["a.vsh": "assert 1 == 2\n", "b.vsh": passingFlow, "c.vsh": passingFlow])
        let (runner, captured) = makeRunner {
            $0.failFast = true
            $0.jobs = 1
        }
        #expect(await runner.run(inputs) == .assertionFailed)
        #expect(captured.output.contains("0 passed, 1 failed, 2 not run (--fail-fast)"))
        #expect(!captured.output.contains("b.vsh"))
    }

    @Test func quietShowsOnlyFailuresAndTheSummary() async throws {
        let (_, inputs) = try scripts(["a.vsh": passingFlow + "print \"hello\"\n", "b.vsh": "print \"why\"\nassert 1 == 2\n"])
        let (runner, captured) = makeRunner {
            $0.quiet = true
            $0.jobs = 2
        }
        #expect(await runner.run(inputs) == .assertionFailed)
        #expect(!captured.output.contains("a.vsh"))
        #expect(!captured.output.contains("hello"))
        #expect(captured.output.contains("why"), "a failing file's own output is shown")
        #expect(captured.output.contains("✗ b.vsh"))
    }

    @Test func verboseShowsEachRequestAndAssertion() async throws {
        let (_, inputs) = try scripts(["flow.vsh": passingFlow])
        let (runner, captured) = makeRunner { $0.verbose = true }
        #expect(await runner.run(inputs) == .success)
        #expect(captured.output.contains("  1  POST /v1/Account/"))
        #expect(captured.output.contains("→ 202 Accepted"))
        #expect(captured.output.contains("  2  ✓ assert status == 202"))
    }

    @Test func anUnreadableScriptIsAUsageError() async throws {
        let (runner, captured) = makeRunner()
        let missing = ScriptInput(name: "gone.vsh", path: "/nonexistent/gone.vsh")
        #expect(await runner.run([missing]) == .usage)
        #expect(captured.errors == "gone.vsh: error: no such file\n")
    }

    @Test func aTokenInAnAuthLineNeverReachesTheOutput() async throws {
        let token = "Zq8LmN3pR7sT1vW5xY9b"
        let (_, inputs) = try scripts(["a.vsh": "auth MA2025RK4E639VJFZAGV \(token)\nprint \"t=\(token)\"\nassert \"\(token)\" == \"x\"\n"])
        let (runner, captured) = makeRunner { $0.verbose = true }
        #expect(await runner.run(inputs) == .assertionFailed)
        #expect(!captured.value.contains(token))
        #expect(captured.value.contains("[redacted]"))
    }
}
