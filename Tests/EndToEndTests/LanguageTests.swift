import Foundation
import Testing

/// The blocks, includes and `vsh fmt` as a user meets them: through the built binary.
@Suite struct LanguageTests {
    func write(_ files: [String: String], mode: mode_t? = nil) throws -> URL {
        let dir = try VshProcess.temporaryDirectory()
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            if let mode { chmod(url.path, mode) }
        }
        return dir
    }

    @Test func badBlocksAreExit2WithACaretNeverACrash() throws {
        let cases: [(String, String)] = [
            ("repeat 3 {\n    validate 000000\n", "unclosed `{`"),
            ("}\n", "`}` closes no block"),
            ("else {\n}\n", "`else` without `if`"),
            ("repeat 0 {\n}\n", "a repeat count is a whole number from 1 to 1000000"),
            ("repeat 5000000 {\n}\n", "a repeat count is a whole number from 1 to 1000000"),
            (String(repeating: "repeat 2 {\n", count: 40) + String(repeating: "}\n", count: 40), "blocks nested too deeply"),
            ("poll every 1s until status == 200 {\n    session get\n}\n", "a poll needs a timeout"),
            ("include \"flows\"\n", "a folder, not a file"),
            ("include \"/bin/ls\"\n", "it is not a script"),
            ("include \"bad.vsh\"\n", "include cycle"),
        ]
        let dir = try write(["flows/x.vsh": "print 1\n"])
        for (text, message) in cases {
            try Data(text.utf8).write(to: dir.appendingPathComponent("bad.vsh"))
            let outcome = try VshProcess.run(["check", "bad.vsh"], in: dir)
            #expect(outcome.status == 2, "\(text): \(outcome.stderr)")
            #expect(outcome.stderr.contains("bad.vsh:"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(text): \(outcome.stderr)")
            #expect(outcome.stderr.contains("^"), "a caret: \(outcome.stderr)")
            let run = try VshProcess.run(["run", "bad.vsh"], in: dir)
            #expect(run.status == 2)
        }
    }

    @Test func aSuiteSharesAnIncludedSetupAndDiagnosticsShowTheChain() throws {
        let dir = try write([
            "suite/flows/signup.vsh": "session create recipient=$recipient\nassert status == 202\nlet signup = $session\n",
            "suite/a.vsh": "include \"flows/signup.vsh\" recipient=+14155550100\nvalidate $otp\nassert status == 200\n",
            "suite/b.vsh": "include \"flows/bad.vsh\" recipient=+14155550101\n",
            "suite/flows/bad.vsh": "include \"signup.vsh\" recipient=$recipient\nassert body.status == \"verified\"\n",
        ])
        let outcome = try VshProcess.run(["run", "suite"], in: dir)
        #expect(outcome.status == 4, "stderr: \(outcome.stderr)")
        // The parts run only through the scripts that include them.
        #expect(outcome.stdout.contains("✓ suite/a.vsh"))
        #expect(outcome.stdout.contains("✗ suite/b.vsh (suite/flows/bad.vsh line 2: assertion failed)"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("suite/flows/signup.vsh"))
        #expect(outcome.stdout.contains("1 passed, 1 failed"))
        #expect(outcome.stderr.contains("suite/flows/bad.vsh:2:8: error:"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("= note: included from suite/b.vsh:1:1"))
        // Naming a part runs it: without its parameter it does not check.
        let alone = try VshProcess.run(["check", "suite/flows/signup.vsh"], in: dir)
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("undefined variable `$recipient`"))
        #expect(try VshProcess.run(["check", "--var", "recipient=+1", "suite/flows/signup.vsh"], in: dir).status == 0)
    }

    @Test func aPollThatTimesOutIsExit3WithTheLastAnswer() throws {
        let dir = try write(["p.vsh": "session create recipient=+14155550100\npoll every 1m timeout 3m until body.status == \"verified\" {\n    session get\n}\n"])
        let outcome = try VshProcess.run(["run", "p.vsh"], in: dir)
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("p.vsh:2:1: error: poll timed out after 3m: 4 attempts every 1m, and the condition never held"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("last answer: 200 OK"))
        #expect(outcome.stdout.contains("✗ p.vsh (line 2: runtime failure)"))
    }

    @Test func reportsNameEachStepWithItsIteration() throws {
        let dir = try write(["loop.vsh": "session create recipient=+14155550100\nrepeat 3 {\n    validate 000000\n    assert status == 400\n    assert $iteration < 3\n}\n"])
        let outcome = try VshProcess.run(["run", "--report-json", "r.json", "--report-junit", "r.xml", "loop.vsh"], in: dir)
        #expect(outcome.status == 4)
        #expect(outcome.stderr.contains("error: assertion failed (iteration 3 of 3)"))
        // The plain output stays one line a file.
        #expect(outcome.stdout.split(separator: "\n").filter { $0.contains("loop.vsh") }.count == 1)
        let junit = try String(contentsOf: dir.appendingPathComponent("r.xml"), encoding: .utf8)
        #expect(junit.contains("name=\"line 5, iteration 1: assert $iteration &lt; 3\""), "\(junit)")
        #expect(junit.contains("name=\"line 5, iteration 3: assert $iteration &lt; 3\""))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
        let file = (json["files"] as! [[String: Any]])[0]
        let steps = file["steps"] as! [[String: Any]]
        #expect(steps.compactMap { $0["iteration"] as? [Int] } == [[1], [1], [1], [2], [2], [2], [3], [3], [3]])
        #expect((file["failures"] as! [[String: Any]])[0]["iteration"] as? [Int] == [3])
    }

    @Test func fmtPrintsChecksAndWrites() throws {
        let ugly = "#!/usr/bin/env vsh\nrepeat 2 {\nvalidate   000000 # wrong\n  assert status==400\n}\n"
        let canonical = "#!/usr/bin/env vsh\nrepeat 2 {\n    validate 000000  # wrong\n    assert status == 400\n}\n"
        let dir = try write(["a.vsh": ugly, "ok.vsh": canonical, "parts/flows/x.vsh": "print   1\n"], mode: 0o755)
        let printed = try VshProcess.run(["fmt", "a.vsh"], in: dir)
        #expect(printed.status == 0)
        #expect(printed.stdout == canonical)

        let check = try VshProcess.run(["fmt", "--check", "."], in: dir)
        #expect(check.status == 1)
        #expect(check.stdout == "./a.vsh\n./parts/flows/x.vsh\n", "\(check.stdout)")

        let written = try VshProcess.run(["fmt", "--write", "a.vsh", "ok.vsh"], in: dir)
        #expect(written.status == 0)
        #expect(written.stdout == "formatted a.vsh\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("a.vsh"), encoding: .utf8) == canonical)
        var info = stat()
        #expect(stat(dir.appendingPathComponent("a.vsh").path, &info) == 0 && info.st_mode & 0o777 == 0o755, "the mode is kept")
        #expect(try VshProcess.run(["fmt", "--check", "a.vsh", "ok.vsh"], in: dir).status == 0)

        // A file that does not parse is left as it is: exit 2 with its errors.
        try Data("repeat 2 {\n".utf8).write(to: dir.appendingPathComponent("broken.vsh"))
        let broken = try VshProcess.run(["fmt", "--write", "broken.vsh"], in: dir)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("broken.vsh:1:10: error: unclosed `{`"), "\(broken.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("broken.vsh"), encoding: .utf8) == "repeat 2 {\n")
        #expect(try VshProcess.run(["fmt", "--check", "--write", "a.vsh"], in: dir).status == 1)
    }

    @Test func fmtWritesThroughALinkAndRefusesWhatItMustNotReplace() throws {
        let ugly = "print   1\n"
        let dir = try write(["target.vsh": ugly, "hard.vsh": ugly, "ro.vsh": ugly])
        symlink("target.vsh", dir.appendingPathComponent("link.vsh").path)
        link(dir.appendingPathComponent("hard.vsh").path, dir.appendingPathComponent("hard2.vsh").path)
        chmod(dir.appendingPathComponent("ro.vsh").path, 0o444)
        let linked = try VshProcess.run(["fmt", "--write", "link.vsh"], in: dir)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.vsh").path) == "target.vsh", "the link stays a link")
        #expect(try String(contentsOf: dir.appendingPathComponent("target.vsh"), encoding: .utf8) == "print 1\n")
        let hard = try VshProcess.run(["fmt", "--write", "hard.vsh"], in: dir)
        #expect(hard.status == 1)
        #expect(hard.stderr.contains("hard.vsh: error: has 2 hard links: rewriting it would split them"))
        let readOnly = try VshProcess.run(["fmt", "--write", "ro.vsh"], in: dir)
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.contains("ro.vsh: error: read-only, so it is not rewritten"))
        for name in ["hard.vsh", "hard2.vsh", "ro.vsh"] {
            #expect(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) == ugly, "\(name) untouched")
        }
    }

    @Test func fmtOnStandardOutputShowsNoToken() throws {
        let token = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"
        let dir = try write(["s.vsh": "auth MA2025RK4E639VJFZAGV tk9\nprint   \"\(token)\"\n"])
        let outcome = try VshProcess.run(["fmt", "s.vsh"], in: dir, environment: ["PLIVO_AUTH_TOKEN": token])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "auth MA2025RK4E639VJFZAGV [redacted]\nprint \"[redacted]\"\n")
    }

    @Test func theExamplesAreInCanonicalForm() throws {
        let outcome = try VshProcess.run(["fmt", "--check", "examples"])
        #expect(outcome.status == 0, "not formatted: \(outcome.stdout)")
    }

    @Test func aLoopOnLiveCannotCreateMoreSessionsThanTheSpendGuardAllows() throws {
        try SandboxProcess.withServer(["--otp", "12345678"]) { url in
            let dir = try write(["loop.vsh": "repeat 1000 {\n    session create recipient=+1415555\\\n0100\n}\n".replacingOccurrences(of: "\\\n", with: "")])
            let outcome = try VshProcess.run(
                ["run", "--transport", "live", "--base-url", url, "--max-sessions", "3", "loop.vsh"], in: dir,
                environment: ["PLIVO_AUTH_ID": "MALOOP00000000000001", "PLIVO_AUTH_TOKEN": "sandbox"])
            #expect(outcome.status == 3)
            #expect(outcome.stderr.contains("spend guard: this run already created 3 sessions (--max-sessions 3)"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("(iteration 4 of 1000)"))
        }
    }
}
