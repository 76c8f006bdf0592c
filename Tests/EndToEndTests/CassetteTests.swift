import Foundation
import Testing

/// `--transport record|replay` and `vsh cassette`, through the built binaries.
struct CassetteTests {
    /// A token that must never reach a cassette, and the server started with it.
    static let token = "Kx7pQ2mZ9wLs4vNb8tRc1yHd6gFj3aEu0oIiPqWe"
    static let account = "MA7REC0RD1NG00000000"

    static func recordEnvironment() -> [String: String] {
        ["PLIVO_AUTH_ID": account, "PLIVO_AUTH_TOKEN": token, "VSH_OTP": LiveTransportTests.code]
    }

    static let script = """
        session create recipient=+14155550100
        assert status == 202
        validate 000000
        assert status == 400
        session get
        assert body.status == "in-progress"
        validate $otp
        assert status == 200
        sleep 1s
        session get
        assert body.status == "verified"

        """

    @Test func everyExampleReplaysOfflineFromItsCassette() throws {
        // No credentials, no server, no network: the cassettes beside the examples answer.
        let outcome = try VshProcess.run(["run", "--transport", "replay", "--strict", "examples"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("\(ExamplesTests.examples.count) passed, 0 failed"))
        #expect(outcome.stderr.isEmpty)
        for example in ExamplesTests.examples {
            let har = "examples/" + example.replacingOccurrences(of: ".vsh", with: ".har")
            let lint = try VshProcess.run(["cassette", "lint", har])
            #expect(lint.status == 0, "\(har): \(lint.stdout)")
        }
    }

    @Test(.enabled(if: SandboxProcess.isBuilt))
    func aRecordingHoldsNoSecretAndReplaysWithoutTheServer() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", Self.script)
        try SandboxProcess.withServer(["--otp", LiveTransportTests.code, "--token", Self.token]) { url in
            let outcome = try VshProcess.run(["run", "--transport", "record", "--base-url", url, script], environment: Self.recordEnvironment())
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.contains("recorded 5 exchanges in \(dir.path)/flow.har"))
        }
        let har = try String(contentsOfFile: dir.appendingPathComponent("flow.har").path, encoding: .utf8)
        #expect(!har.contains(Self.token))
        #expect(!har.contains(Self.account))
        #expect(!har.lowercased().contains("authorization"))
        #expect(!har.contains(Data("\(Self.account):\(Self.token)".utf8).base64EncodedString()))
        #expect(har.contains("\"otp\": \"\(LiveTransportTests.code)\""))

        // Replayed with nothing but the cassette, under another auth_id.
        let replayed = try VshProcess.run(["run", "--transport", "replay", "--strict", script], environment: ["PLIVO_AUTH_ID": "SA0THER0000000000000"])
        #expect(replayed.status == 0, "stderr: \(replayed.stderr)")
        let lint = try VshProcess.run(["cassette", "lint", dir.appendingPathComponent("flow.har").path])
        #expect(lint.status == 0, "\(lint.stdout)")
        let show = try VshProcess.run(["cassette", "show", dir.appendingPathComponent("flow.har").path])
        #expect(show.status == 0)
        #expect(show.stdout.contains("→ 400 Bad Request"))
        #expect(show.stdout.contains("\"status\": \"verified\""))
    }

    /// SPEC section 1: a CI job flips only `--transport` between record and replay; the flags
    /// the other transport reads are a one-line warning each, and the run goes on.
    @Test(.enabled(if: SandboxProcess.isBuilt))
    func aCIJobFlipsOnlyTheTransportBetweenRecordAndReplay() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", Self.script)
        try SandboxProcess.withServer(["--otp", LiveTransportTests.code, "--token", Self.token]) { url in
            let flags = ["--overwrite", "--strict", "--base-url", url, "--timeout", "10", script]
            let recorded = try VshProcess.run(["run", "--transport", "record"] + flags, environment: Self.recordEnvironment())
            #expect(recorded.status == 0, "stderr: \(recorded.stderr)")
            #expect(recorded.stderr == "vsh: warning: --strict has no effect on --transport record (it applies to replay)\n")
            let replayed = try VshProcess.run(["run", "--transport", "replay"] + flags)
            #expect(replayed.status == 0, "stderr: \(replayed.stderr)")
            #expect(replayed.stdout.contains("1 passed, 0 failed"))
            #expect(replayed.stderr == """
                vsh: warning: --base-url has no effect on --transport replay (it applies to live and record)
                vsh: warning: --timeout has no effect on --transport replay (it applies to live and record)
                vsh: warning: --overwrite has no effect on --transport replay (it applies to record)

                """)
        }
        let sandbox = try VshProcess.run(["run", "--cassette", "x.har", "--max-sessions", "3", script])
        #expect(sandbox.status == 0, "stderr: \(sandbox.stderr)")
        #expect(sandbox.stderr == """
            vsh: warning: --max-sessions has no effect on --transport sandbox (it applies to live and record)
            vsh: warning: --cassette has no effect on --transport sandbox (it applies to record and replay)

            """)
    }

    @Test(.enabled(if: SandboxProcess.isBuilt))
    func aRecordingThatFailsMidwayIsNotWritten() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", "session create recipient=+14155550100\nsession get 00000000-0000-4000-8000-000000000000\n")
        let before = "{\"log\": {\"version\": \"1.2\", \"entries\": []}}\n"
        let harPath = try dir.write("flow.har", before)
        try SandboxProcess.withServer(["--otp", LiveTransportTests.code, "--token", Self.token]) { url in
            let outcome = try VshProcess.run(
                ["run", "--transport", "record", "--overwrite", "--base-url", url, script], environment: Self.recordEnvironment())
            #expect(outcome.status == 3)
            #expect(outcome.stdout.contains("the run failed, so \(harPath) was not written"), "stdout: \(outcome.stdout)")
        }
        #expect(try String(contentsOfFile: harPath, encoding: .utf8) == before)
    }

    @Test(.enabled(if: SandboxProcess.isBuilt))
    func recordRefusesToReplaceACassetteUnlessTold() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", Self.script)
        let harPath = try dir.write("flow.har", "{\"log\": {\"entries\": []}}")
        try SandboxProcess.withServer(["--otp", LiveTransportTests.code, "--token", Self.token]) { url in
            let refused = try VshProcess.run(["run", "--transport", "record", "--base-url", url, script], environment: Self.recordEnvironment())
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("flow.har: error: cassette exists; recording again sends real requests (and paid messages): pass --overwrite to replace it"))
            #expect(try String(contentsOfFile: harPath, encoding: .utf8) == "{\"log\": {\"entries\": []}}")

            let replaced = try VshProcess.run(
                ["run", "--transport", "record", "--overwrite", "--base-url", url, script], environment: Self.recordEnvironment())
            #expect(replaced.status == 0, "stderr: \(replaced.stderr)")
            #expect(try String(contentsOfFile: harPath, encoding: .utf8).contains("\"entries\": ["))
        }
    }

    @Test func aKilledRecordingLeavesThePreviousCassetteWhole() throws {
        // A server that accepts the connection and never answers: vsh waits inside the
        // first request when it is killed.
        let listener = try StalledListener()
        defer { listener.close() }
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", Self.script)
        let before = "{\"log\": {\"version\": \"1.2\", \"entries\": []}}\n"
        let harPath = try dir.write("flow.har", before)
        // SIGKILL: nothing can run after it. (SIGINT and SIGTERM reach vsh ignored or blocked
        // when the test runner itself runs in the background or on a Dispatch thread; they stop
        // vsh the same way, before anything is written, since a cassette is only written at the end.)
        for signal in [SIGKILL] {
            let process = Process()
            process.executableURL = VshProcess.binary
            process.arguments = ["run", "--transport", "record", "--overwrite", "--base-url", "http://127.0.0.1:\(listener.port)", script]
            var environment = ProcessInfo.processInfo.environment
            for (key, value) in Self.recordEnvironment() { environment[key] = value }
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Killed only once its request has arrived: vsh is inside the recording then.
            let request = listener.waitForRequest(timeout: .seconds(20))
            #expect(request?.hasPrefix("POST /v1/Account/\(Self.account)/Verify/Session/ HTTP/1.1\r\n") == true, "request: \(request ?? "none")")
            #expect(process.isRunning, "vsh should be waiting for the stalled server")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            #expect(try String(contentsOfFile: harPath, encoding: .utf8) == before, "after signal \(signal)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["flow.har", "flow.vsh"])
        }
    }

    @Test func aMissIsARuntimeFailureThatSaysWhatDifferedAndHowToReRecord() throws {
        let dir = try VshProcess.temporaryDirectory()
        let original = try String(contentsOfFile: VshProcess.root.appendingPathComponent("examples/02-wrong-code-then-right.vsh").path, encoding: .utf8)
        let script = try dir.write("02.vsh", original.replacingOccurrences(of: "recipient=+447700900123", with: "recipient=+447700900999"))
        try FileManager.default.copyItem(
            atPath: VshProcess.root.appendingPathComponent("examples/02-wrong-code-then-right.har").path, toPath: dir.appendingPathComponent("02.har").path)
        #expect(original.contains("recipient=+447700900123"), "the example changed: pick another field to alter")
        let outcome = try VshProcess.run(["run", "--transport", "replay", script])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("02.vsh:"))
        #expect(outcome.stderr.contains("error: no recorded exchange in \(dir.path)/02.har matches POST /v1/Account/{auth_id}/Verify/Session/"))
        #expect(outcome.stderr.contains("nearest recorded exchange: #1 POST /v1/Account/{auth_id}/Verify/Session/"))
        #expect(outcome.stderr.contains("body.recipient: recorded \"+447700900123\", sent \"+447700900999\""))
        #expect(outcome.stderr.contains("record it again: vsh run --transport record --overwrite \(script)"))
    }

    @Test func onePollMoreReplaysBetweenSleepsAndAReadFromBeforeASleepIsNotReused() throws {
        let dir = try VshProcess.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: VshProcess.root.appendingPathComponent("examples/04-expiry.har").path, toPath: dir.appendingPathComponent("04.har").path)
        let original = try String(contentsOfFile: VshProcess.root.appendingPathComponent("examples/04-expiry.vsh").path, encoding: .utf8)
        // One more poll after the first sleep, where one was recorded: it repeats that answer.
        let polled = original.replacingOccurrences(
            of: "sleep 9m\nsession get\n", with: "sleep 9m\nsession get\nsession get\n")
        #expect(polled != original, "the example changed: adapt the edit")
        let script = try dir.write("04.vsh", polled)
        let outcome = try VshProcess.run(["run", "--transport", "replay", "--strict", script])
        #expect(outcome.status == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")

        // A poll before any sleep, where none was recorded: the answer recorded after the
        // sleep would be a guess, so it is a miss that says why.
        let early = original.replacingOccurrences(of: "assert status == 202\n\nsleep 9m", with: "assert status == 202\nsession get\n\nsleep 9m")
        let earlyScript = try dir.write("04.vsh", early)
        let miss = try VshProcess.run(["run", "--transport", "replay", earlyScript])
        #expect(miss.status == 3)
        #expect(miss.stderr.contains("identical, but recorded after 1 sleep, and this one comes after 0"), "stderr: \(miss.stderr)")
    }

    @Test func nothingIsSentWhenWhatTheRunWritesCannotBeWritten() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("flow.vsh", Self.script)
        // The live side is a port nobody listens on: a request would fail with exit 3, not 1.
        let missingFolder = try VshProcess.run(
            ["run", "--transport", "record", "--cassette", dir.appendingPathComponent("nodir/x.har").path, "--base-url", "http://127.0.0.1:9", script],
            environment: Self.recordEnvironment())
        #expect(missingFolder.status == 1)
        #expect(missingFolder.stderr.contains("the cassette: no folder"), "stderr: \(missingFolder.stderr)")
        let overScript = try VshProcess.run(["run", "--report-json", script, script])
        #expect(overScript.status == 1)
        #expect(overScript.stderr.contains("--report-json would replace a script or a cassette"))
        #expect(try String(contentsOfFile: script, encoding: .utf8) == Self.script)
        let twice = try VshProcess.run(["run", "--report-json", dir.appendingPathComponent("r").path, "--report-junit", dir.appendingPathComponent("r").path, script])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("both --report-junit and --report-json would be written here"))
    }

    @Test func strictUnplayedExchangesAreFailuresInTheReports() throws {
        let dir = try VshProcess.temporaryDirectory()
        let original = try String(contentsOfFile: VshProcess.root.appendingPathComponent("examples/01-quickstart.vsh").path, encoding: .utf8)
        let script = try dir.write("01.vsh", original.components(separatedBy: "session list").first!)
        try FileManager.default.copyItem(
            atPath: VshProcess.root.appendingPathComponent("examples/01-quickstart.har").path, toPath: dir.appendingPathComponent("01.har").path)
        let report = dir.appendingPathComponent("r.json").path
        let outcome = try VshProcess.run(["run", "--transport", "replay", "--strict", "--report-json", report, script])
        #expect(outcome.status == 3)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let file = try #require((json?["files"] as? [[String: Any]])?.first)
        #expect(file["status"] as? String == "failed")
        let failures = try #require(file["failures"] as? [[String: Any]])
        #expect((failures.first?["message"] as? String)?.contains("not replayed (--strict)") == true)
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        ("{\"log\": {\"entries\": [{\"request\": ", "not JSON"),
        ("{\"log\": []}", "log: expected an object, found an array"),
        ("{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\"}}]}}", "log.entries[0].request.url: missing"),
        ("{\"log\": {\"entries\": [{\"time\": 1e300, \"request\": {\"method\": \"GET\", \"url\": \"/v1/\"}, \"response\": {\"status\": 200}}]}}",
         "log.entries[0].time: 1e+300 is not a duration in milliseconds"),
        ("{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"/v1/\"}, \"response\": {\"status\": 1e300}}]}}",
         "log.entries[0].response.status: 1e+300 is not a whole number"),
    ])
    func aMalformedCassetteIsExit2NamingTheFile(_ content: String, _ message: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("a.vsh", "session list\n")
        let har = try dir.write("a.har", content)
        let replay = try VshProcess.run(["run", "--transport", "replay", script])
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("\(har): error: not a cassette vsh can replay: \(message)"), "stderr: \(replay.stderr)")
        #expect(!replay.signaled)
        let show = try VshProcess.run(["cassette", "show", har])
        #expect(show.status == 2)
        #expect(show.stderr.contains(har))
    }

    @Test func aHugeCassetteIsRefusedWithoutACrash() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("a.vsh", "session list\n")
        let url = dir.appendingPathComponent("a.har")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 65 << 20)
        try handle.close()
        let replay = try VshProcess.run(["run", "--transport", "replay", script])
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("larger than 64 MiB, the most a cassette may be"), "stderr: \(replay.stderr)")
    }

    @Test func lintFindsSecretsAndExits4() throws {
        let dir = try VshProcess.temporaryDirectory()
        let basic = Data("\(Self.account):\(Self.token)".utf8).base64EncodedString()
        let har = try dir.write("leak.har", """
            {"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "/v1/Account/\(Self.account)/Verify/Session/",
             "headers": [{"name": "Authorization", "value": "Basic \(basic)"}]}, "response": {"status": 200}}]}}
            """)
        let lint = try VshProcess.run(["cassette", "lint", har])
        #expect(lint.status == 4)
        #expect(lint.stdout.contains("\(har): log.entries[0].request.url: a real-looking auth_id (MA7R…)"))
        #expect(lint.stdout.contains("\(har): log.entries[0].request.headers[0]: an Authorization header"))
        #expect(!lint.stdout.contains(Self.token))
        #expect(try VshProcess.run(["cassette", "lint", dir.appendingPathComponent("none.har").path]).status == 1)
    }

    @Test(arguments: [
        (["run", "--transport", "replay", "--cassette", "x.har", "examples/01-quickstart.vsh", "examples/02-wrong-code-then-right.vsh"], "--cassette names one cassette"),
        (["run", "--transport", "replay", "-"], "a script read from standard input needs --cassette FILE"),
        (["run", "--transport", "replay", "/tmp/vsh-no-such-dir/a.vsh"], "no such file"),
    ])
    func cassetteFlagsThatDoNotFitAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let outcome = try VshProcess.run(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains(message), "stderr: \(outcome.stderr)")
    }

    @Test func replayWithoutACassetteSaysHowToRecordOne() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("a.vsh", "session list\n")
        let outcome = try VshProcess.run(["run", "--transport", "replay", script])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("a.har: error: no such cassette (record it once: vsh run --transport record \(script))"))
    }
}

/// A loopback socket that accepts connections, reads what is sent and never answers.
final class StalledListener {
    let fd: Int32
    let port: Int
    private var accepted: [Int32] = []

    init() throws {
        (fd, port) = try listenOnLoopback()
    }

    /// Accepts one connection and reads its request head (up to the blank line); nil when
    /// none came within `timeout`. The connection stays open, unanswered.
    func waitForRequest(timeout: Duration) -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        func remaining() -> Int32 { Int32(max(0, (deadline - clock.now).components.seconds * 1000 + 1)) }
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, remaining()) == 1 else { return nil }
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { return nil }
        accepted.append(connection)
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65_536, clock.now < deadline {
            var readable = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&readable, 1, remaining()) == 1 else { break }
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            head += buffer[0..<count]
            if let text = String(validating: head, as: UTF8.self), text.contains("\r\n\r\n") { return text }
        }
        return head.isEmpty ? nil : String(decoding: head, as: UTF8.self)
    }

    func close() {
        for connection in accepted { Glibc.close(connection) }
        Glibc.close(fd)
    }
}
