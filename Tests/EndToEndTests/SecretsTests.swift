import Foundation
import Testing
import VshTestSupport

/// Issue 10, "Secrets": the reproductions, run as a user runs them, and one test that runs
/// every transport and the prompt with a known token and searches everything vsh wrote.
@Suite struct SecretsTests {
    static let token = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"
    static let account = TestAccount.authID
    static let code = "12345678"
    /// What an `Authorization: Basic` header carries.
    static let basic = Data("\(account):\(token)".utf8).base64EncodedString()

    static func environment(token: String = token) -> [String: String] {
        ["PLIVO_AUTH_ID": account, "PLIVO_AUTH_TOKEN": token, "VSH_OTP": code]
    }

    /// Every place the token must not be, with what it was found in.
    static func leaks(_ texts: [(String, String)]) -> [String] {
        texts.compactMap { name, text in
            text.contains(token) ? "\(name) holds the token" : text.contains(basic) ? "\(name) holds base64(auth_id:token)" : nil
        }
    }

    static func run(_ arguments: [String], in dir: URL, environment: [String: String] = environment()) throws -> (VshProcess.Outcome, junit: String, json: String) {
        let junit = dir.appendingPathComponent("report-\(UUID().uuidString).xml").path
        let json = dir.appendingPathComponent("report-\(UUID().uuidString).json").path
        let outcome = try VshProcess.run(["run", "--report-junit", junit, "--report-json", json] + arguments, in: dir, environment: environment)
        let junitText = (try? String(contentsOfFile: junit, encoding: .utf8)) ?? ""
        let jsonText = (try? String(contentsOfFile: json, encoding: .utf8)) ?? ""
        return (outcome, junitText, jsonText)
    }

    // MARK: The reproductions

    @Test func swappedAuthArgumentsAreNamedOnStderrAndInBothReports() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("swapped.vsh", "auth $PLIVO_AUTH_TOKEN $PLIVO_AUTH_ID\nsession list\n")
        let (outcome, junit, json) = try Self.run(["swapped.vsh"], in: dir)
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("swapped.vsh:1:6: error: the auth ID looks like the auth token: are the arguments swapped?"), "stderr: \(outcome.stderr)")
        #expect(junit.contains("are the arguments swapped?"))
        #expect(json.contains("are the arguments swapped?"))
        #expect(Self.leaks([("stdout", outcome.stdout), ("stderr", outcome.stderr), ("junit", junit), ("json", json)]).isEmpty)
    }

    /// A token pasted into any argument: every error vsh prints about the command line
    /// (its own, and swift-argument-parser's, which quote the argument) goes through the
    /// environment's token, as do the lines of a `--vars-file` it shows.
    @Test(arguments: [
        ["run", "--jobs", token, "x.vsh"],
        ["run", "--transport", token, "x.vsh"],
        ["run", "--shard", token, "x.vsh"],
        ["run", "/nonexistent/\(token).vsh"],
        ["run", "--var", token, "x.vsh"],
        ["check", "--vars-file", "vars.env", "x.vsh"],
        ["check", "--vars-file", "/nonexistent/\(token)", "x.vsh"],
        ["cassette", "show", "/nonexistent/\(token).har"],
        ["--transport", "replay", "--cassette", token],
        ["run", "--transport", "live", "--base-url", "http://\(token)/x y", "x.vsh"],
        ["sandbox", "serve", "--port", token],
    ])
    func aTokenInAnyArgumentIsNeverEchoed(_ arguments: [String]) throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("x.vsh", "print 1\n")
        try dir.write("vars.env", "token \(Self.token)\n")
        let outcome = try VshProcess.run(arguments, in: dir, environment: Self.environment())
        #expect(outcome.status != 0)
        #expect(!outcome.stderr.isEmpty)
        #expect(Self.leaks([("stdout", outcome.stdout), ("stderr", outcome.stderr)]).isEmpty, "stderr: \(outcome.stderr)")
    }

    @Test func aTokenGivenToTheSandboxServerIsNeverEchoed() throws {
        let secret = "Zz9Yy8Xx7Ww6Vv5Uu4"
        let outcome = try VshProcess.run(["sandbox", "serve", "--token", secret, "--port", secret, "--max-deliveries", secret])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("[redacted]"))
        #expect(!outcome.stderr.contains(secret), "stderr: \(outcome.stderr)")
    }

    @Test(arguments: ["session get $PLIVO_AUTH_TOKEN", "session use $PLIVO_AUTH_TOKEN"])
    func aTokenForASessionIsNamed(_ line: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("get.vsh", line + "\n")
        let (outcome, junit, json) = try Self.run(["get.vsh"], in: dir)
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("error: the auth token is not a session UUID"), "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains(" | \(line)\n"), "the line quoted holds only the variable")
        #expect(Self.leaks([("stdout", outcome.stdout), ("stderr", outcome.stderr), ("junit", junit), ("json", json)]).isEmpty)
    }

    @Test func theQuotedSourceLineNeverShowsTheToken() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("typo.vsh", "auth MA2025rk4E639VJFZAGV \(Self.token)\nsession list\n")
        try dir.write("unterminated.vsh", "auth MA2025RK4E639VJFZAGV \"\(Self.token)\nsession list\n")
        try dir.write(
            "assert.vsh",
            "auth MA2025RK4E639VJFZAGV \(Self.token)\nsession create recipient=+14155550100\nassert body.message == \"nope \(Self.token)\"\n")
        // No token in the environment: the literal ones are the only secrets.
        let (outcome, junit, json) = try Self.run(["--jobs", "1", "typo.vsh", "unterminated.vsh", "assert.vsh"], in: dir, environment: [:])
        #expect(outcome.status == 4)
        let stderr = outcome.stderr
        #expect(stderr.contains("typo.vsh:1:6: error: malformed auth ID \"MA2025rk4E639VJFZAGV\""), "stderr: \(stderr)")
        #expect(stderr.contains(" 1 | auth MA2025rk4E639VJFZAGV [redacted]\n   |      ^^^^^^^^^^^^^^^^^^^^\n"), "the caret stays under the auth ID; stderr: \(stderr)")
        #expect(stderr.contains("unterminated.vsh:1:27: error: unterminated string"))
        #expect(stderr.contains(" 1 | auth MA2025RK4E639VJFZAGV [redacted]\n   |                           ^^^^^^^^^^\n"), "stderr: \(stderr)")
        #expect(stderr.contains("assert.vsh:3:8: error: assertion failed"))
        #expect(stderr.contains(" 3 | assert body.message == \"nope [redacted]\"\n"))
        #expect(stderr.contains("expected: \"nope [redacted]\""))
        #expect(junit.contains("line 3: assert body.message == &quot;nope [redacted]&quot;"), "junit: \(junit)")
        #expect(json.contains("\"text\": \"assert body.message == \\\"nope [redacted]\\\"\""), "json: \(json)")
        #expect(Self.leaks([("stdout", outcome.stdout), ("stderr", stderr), ("junit", junit), ("json", json)]).isEmpty)
    }

    @Test func verboseRequestLinesShowTheQueryRedacted() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("list.vsh", "session list brand_name=$PLIVO_AUTH_TOKEN limit=5\n")
        let (outcome, _, _) = try Self.run(["-v", "list.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("GET /v1/Account/\(Self.account)/Verify/Session/?brand_name=[redacted]&limit=5 → 200 OK"), "stdout: \(outcome.stdout)")
        #expect(!outcome.stdout.contains(Self.token))
    }

    @Test(arguments: ["sandbox", "e"])
    func aShortTokenLeavesOutputReadable(_ token: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("print.vsh", "print \"running on the sandbox, every line readable\"\nprint $PLIVO_AUTH_TOKEN\nprint \"token: $PLIVO_AUTH_TOKEN\"\n")
        let (outcome, _, _) = try Self.run(["print.vsh"], in: dir, environment: ["PLIVO_AUTH_TOKEN": token])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("running on the sandbox, every line readable\n[redacted]\ntoken: [redacted]\n"), "stdout: \(outcome.stdout)")
    }

    // MARK: Secrets everywhere

    /// Scripts that put the token everywhere a script can: a body field, a query, an
    /// interpolated print, a failing assertion with the token written out, swapped `auth`
    /// arguments, the token as a session, an auth line with a typo, an unterminated quote.
    static func writeScripts(in dir: URL) throws -> [String] {
        try dir.write(
            "flow.vsh",
            """
            auth \(account) $PLIVO_AUTH_TOKEN
            session create recipient=+14155550100 brand_name=$PLIVO_AUTH_TOKEN
            assert status == 202
            print "token: $PLIVO_AUTH_TOKEN"
            session list brand_name=$PLIVO_AUTH_TOKEN limit=5
            assert status == 200
            validate $otp
            assert status == 200
            assert body.message == "nope \(token)"

            """)
        try dir.write("swapped.vsh", "auth $PLIVO_AUTH_TOKEN $PLIVO_AUTH_ID\nsession list\n")
        try dir.write("get.vsh", "auth\nsession get $PLIVO_AUTH_TOKEN\n")
        try dir.write("typo.vsh", "auth MA2025rk4E639VJFZAGV \(token)\nsession list\n")
        try dir.write("unterminated.vsh", "auth \(account) \"\(token)\nsession list\n")
        return ["flow.vsh", "swapped.vsh", "get.vsh", "typo.vsh", "unterminated.vsh"]
    }

    @Test(.enabled(if: SandboxProcess.isBuilt, "vsh-sandbox is not built beside vsh"))
    func theTokenIsNowhereOnAnyTransportNorAtThePrompt() throws {
        let dir = try VshProcess.temporaryDirectory()
        let scripts = try Self.writeScripts(in: dir)
        var outputs: [(String, String)] = []
        try SandboxProcess.withServer(["--token", Self.token, "--otp", Self.code]) { url in
            for transport in ["sandbox", "live", "record", "replay"] {
                var arguments = ["-v", "--jobs", "1", "--transport", transport]
                if transport == "live" || transport == "record" { arguments += ["--base-url", url] }
                let (outcome, junit, json) = try Self.run(arguments + scripts, in: dir)
                // flow.vsh runs to its failing assertion everywhere (replay matches the
                // recorded body and query that held the token), the others fail as they should.
                #expect(outcome.status == 4, "\(transport): stderr: \(outcome.stderr)")
                #expect(outcome.stderr.contains("flow.vsh:9:8: error: assertion failed"), "\(transport): stderr: \(outcome.stderr)")
                #expect(outcome.stdout.contains("token: [redacted]"), "\(transport): stdout: \(outcome.stdout)")
                if transport != "replay" {
                    // (Replay has no cassette for these two: their recording failed, so none was written.)
                    #expect(outcome.stderr.contains("are the arguments swapped?"), "\(transport)")
                    #expect(outcome.stderr.contains("the auth token is not a session UUID"), "\(transport)")
                }
                #expect(outcome.stdout.contains("brand_name=[redacted]&limit=5"), "\(transport): stdout: \(outcome.stdout)")
                outputs += [("\(transport) stdout", outcome.stdout), ("\(transport) stderr", outcome.stderr),
                            ("\(transport) junit", junit), ("\(transport) json", json)]
            }
            let cassette = try String(contentsOfFile: dir.appendingPathComponent("flow.har").path, encoding: .utf8)
            #expect(cassette.contains("{auth_token}"))
            outputs.append(("flow.har", cassette))
            let lint = try VshProcess.run(["cassette", "lint", "flow.har"], in: dir)
            #expect(lint.status == 0, "lint: \(lint.stdout)\(lint.stderr)")

            // The prompt, on live and then recording, with -v-like status lines, errors, save and history.
            if pythonForPTY != nil {
                let history = dir.appendingPathComponent("state/history").path
                let saved = dir.appendingPathComponent("prompt.vsh").path
                let recording = dir.appendingPathComponent("prompt.har").path
                var environment = Self.environment()
                environment["VSH_HISTORY"] = history
                let session = try PromptTests.drive(
                    [
                        ["send": "auth \(Self.account) $PLIVO_AUTH_TOKEN\r"],
                        ["send": "session create recipient=+14155550101 brand_name=$PLIVO_AUTH_TOKEN\r", "wait": "202 Accepted"],
                        ["send": "session list brand_name=$PLIVO_AUTH_TOKEN\r", "wait": "brand_name=[redacted]"],
                        ["send": "print \"token: $PLIVO_AUTH_TOKEN\"\r", "wait": "token: [redacted]"],
                        ["send": "session get $PLIVO_AUTH_TOKEN\r", "wait": "not a session UUID"],
                        ["send": "auth $PLIVO_AUTH_TOKEN $PLIVO_AUTH_ID\r", "wait": "swapped"],
                        ["send": "transport record \(recording)\r", "wait": "now on the record transport"],
                        ["send": "session list brand_name=$PLIVO_AUTH_TOKEN limit=2\r", "wait": "limit=2"],
                        ["send": "save \(saved)\r", "wait": "saved"],
                        ["send": "\u{04}"],
                    ],
                    arguments: ["--transport", "live", "--base-url", url], environment: environment)
                #expect(!session.timed_out, "transcript:\n\(session.transcript)")
                #expect(session.status == 0, "transcript:\n\(session.transcript)")
                outputs.append(("prompt transcript", session.transcript))
                let historyText = try String(contentsOfFile: history, encoding: .utf8)
                let savedText = try String(contentsOfFile: saved, encoding: .utf8)
                let recordingText = try String(contentsOfFile: recording, encoding: .utf8)
                #expect(savedText.contains("brand_name=$PLIVO_AUTH_TOKEN"))
                var info = stat()
                #expect(stat(saved, &info) == 0 && info.st_mode & 0o777 == 0o600)
                outputs += [("history", historyText), ("saved script", savedText), ("prompt.har", recordingText)]
            }
        }
        // Every file vsh wrote in the folder, whatever its name.
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !name.hasSuffix(".vsh") || name == "prompt.vsh" {
            var isFolder: ObjCBool = false
            let path = dir.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            outputs.append((name, (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""))
        }
        #expect(Self.leaks(outputs) == [])
    }
}
