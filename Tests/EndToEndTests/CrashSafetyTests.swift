import Foundation
import Testing

/// `kill -9` at the worst moment loses nothing: a recording killed mid-request leaves the
/// previous cassette byte for byte, and the prompt's history keeps every line entered
/// before the kill.
@Suite struct CrashSafetyTests {
    @Test func aRecordingKilledMidRequestLeavesThePreviousCassetteByteForByte() throws {
        // Accepts the request, reads it whole, never answers: vsh is surely inside the request.
        let server = try FaultServer(.init([], then: .stall))
        defer { server.stop() }
        let dir = try VshProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try dir.write("flow.vsh", CassetteTests.script)
        // A cassette as a previous recording left it (the bytes matter, not what they say).
        let before = Data("{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"vsh\"}, \"entries\": []}}\n".utf8)
        let harPath = dir.appendingPathComponent("flow.har").path
        try before.write(to: URL(fileURLWithPath: harPath))

        let process = Process()
        process.executableURL = VshProcess.binary
        process.arguments = ["run", "--transport", "record", "--overwrite", "--base-url", server.baseURL, script]
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in CassetteTests.recordEnvironment() { environment[key] = value }
        process.environment = environment
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        // Not a guess at how long vsh takes to start: the server has the request's bytes.
        let sent = server.waitForRequest(seconds: 60)
        try #require(sent, "vsh never sent its first request")
        #expect(server.requests.first?.hasPrefix("POST /v1/Account/\(CassetteTests.account)/Verify/Session/ HTTP/1.1") == true, "\(server.requests)")
        #expect(process.isRunning, "vsh waits for the answer that never comes")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        #expect(try Data(contentsOf: URL(fileURLWithPath: harPath)) == before, "the previous cassette, byte for byte")
        // A cassette is written once, at the end of a run that reached it (a temporary file
        // beside it, renamed over it): a run killed before that leaves nothing else behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["flow.har", "flow.vsh"])
    }

    @Test func aTemporaryFileLeftByAKilledWriteIsRemovedByTheNextOne() throws {
        // A kill inside the write itself (between creating `.flow.har.tmp-PID` and renaming
        // it) can leave the temporary file; the previous cassette is whole either way. The
        // next write of the same cassette removes temporaries whose process is gone.
        try SandboxProcess.withServer(["--otp", LiveTransportTests.code, "--token", CassetteTests.token]) { url in
            let dir = try VshProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let script = try dir.write("flow.vsh", CassetteTests.script)
            try dir.write("flow.har", "{\"log\": {\"entries\": []}}")
            let dead = try Self.deadPID()
            let leftover = try dir.write(".flow.har.tmp-\(dead)", "{\"log\": {\"entr")
            // Another process's, still running (this test's): not ours to remove.
            let live = try dir.write(".flow.har.tmp-\(getpid())", "{}")
            let outcome = try VshProcess.run(
                ["run", "--transport", "record", "--overwrite", "--base-url", url, script], environment: CassetteTests.recordEnvironment())
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(try String(contentsOfFile: dir.appendingPathComponent("flow.har").path, encoding: .utf8).contains("\"entries\": ["))
            #expect(!FileManager.default.fileExists(atPath: leftover), "the dead process's temporary file is gone")
            #expect(FileManager.default.fileExists(atPath: live), "a running process's is left alone")
        }
    }

    /// The process ID of a process that has ended (and been reaped).
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test(.enabled(if: pythonForPTY != nil, "python3 drives the pseudo-terminal"))
    func theHistorySurvivesAKillMidSession() throws {
        let dir = try VshProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let historyPath = dir.appendingPathComponent("state/vsh/history").path
        let environment = ["VSH_HISTORY": historyPath, "NO_COLOR": "1"]
        let lines = [
            "session create recipient=+14155550100",
            "let word = \"hist\"",
            "print \"$word-ok\"",
        ]
        let killed = try PromptTests.drive(
            [
                ["send": lines[0] + "\r", "wait": "202 Accepted"],
                ["send": lines[1] + "\r"],
                // The answer is printed after the line went to the history (it is appended
                // before it runs), so the kill comes after every line was entered.
                ["send": lines[2] + "\r", "wait": "hist-ok"],
                // Typed and not entered: a line in the editor is not history yet.
                ["send": "session get"],
                ["kill": "9"],
            ],
            environment: environment)
        #expect(!killed.timed_out, "transcript:\n\(killed.transcript)")
        #expect(killed.status == -9, "ended by SIGKILL; transcript:\n\(killed.transcript)")

        let history = try String(contentsOfFile: historyPath, encoding: .utf8)
        #expect(history == lines.joined(separator: "\n") + "\n", "each line appended as it was entered")
        var info = stat()
        #expect(stat(historyPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        // A new session loads it: Up recalls the last line entered before the kill.
        let next = try PromptTests.drive(
            [
                ["send": "\u{1B}[A", "wait": lines[2]],
                ["send": "\u{1B}[A", "wait": lines[1]],
                ["send": "\u{03}"],
                ["send": "\u{04}"],
            ],
            environment: environment)
        #expect(!next.timed_out, "transcript:\n\(next.transcript)")
        #expect(next.status == 0)
        #expect(try String(contentsOfFile: historyPath, encoding: .utf8) == lines.joined(separator: "\n") + "\n", "nothing entered, nothing added")
    }
}
