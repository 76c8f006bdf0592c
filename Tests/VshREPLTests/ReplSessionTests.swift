import Foundation
import Synchronization
import VerifyAPI
import VerifySandbox
import VshREPL
import VshSystem
import Testing
import VshTestSupport

/// Lines as if typed, and what the prompt printed.
final class ScriptedReader: LineReader {
    var inputs: [LineInput]
    var prompts: [String] = []
    var history: [String] = []

    init(_ inputs: [LineInput]) {
        self.inputs = inputs
    }

    func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return inputs.isEmpty ? .endOfInput : inputs.removeFirst()
    }

    func addToHistory(_ line: String) { history.append(line) }
    var interruptRequested: Bool { false }
    func clearInterrupt() {}
}

extension ReplSession: @unchecked Sendable {}

/// A prompt session on the embedded sandbox (code 123456), reading `lines`, its history in `directory`.
func makeReplSession(_ lines: [LineInput], directory: URL, environment: [String: String] = [:]) throws -> (ReplSession, ScriptedReader, CapturedConsole) {
    let reader = ScriptedReader(lines)
    let output = CapturedConsole()
    let configuration = ReplSession.Configuration(
        makeTransport: { _ in SandboxTransport(sandbox: VerifySandbox(configuration: .init(authToken: nil, fixedCode: "123456"))) },
        environment: environment, console: output.console, pager: Pager(environment: ["PAGER": ""]),
        historyPath: directory.appendingPathComponent("history").path, now: { "2026-11-26 20:00 UTC" })
    return (try ReplSession(configuration: configuration, reader: reader), reader, output)
}

/// A new empty folder, removed when the tests end.
func temporaryFolder() throws -> URL { try TemporaryFolder.make("repl") }

@Suite struct ReplSessionTests {
    func session(_ lines: [LineInput], directory: URL) throws -> (ReplSession, ScriptedReader, CapturedConsole) {
        try makeReplSession(lines, directory: directory)
    }

    func temporary() throws -> URL { try temporaryFolder() }

    @Test func saveTurnsAnExplorationIntoAScriptThatPasses() async throws {
        let dir = try temporary()
        let script = dir.appendingPathComponent("signup.vsh").path
        let (repl, _, output) = try session(
            [
                .line("session create recipient=+14155550100 \\"), .line("channel=sms"),
                .line("validate 000000"),
                .line("asert status == 400"),  // a typo: not saved
                .line("validate $otp"), .line("assert status == 200"),
                .line("session get"),
                .line("auth MA2025RK4E639VJFZAGV s3cretToken"),
                .line("save \(script)"),
            ], directory: dir)
        #expect(await onOwnThread { repl.run() } == .success)
        let saved = try String(contentsOfFile: script, encoding: .utf8)
        #expect(saved == """
            #!/usr/bin/env vsh
            # Saved from the vsh prompt (transport: sandbox) on 2026-11-26 20:00 UTC.
            session create recipient=+14155550100 channel=sms
            assert status == 202
            validate 000000
            assert status == 400
            validate $otp
            assert status == 200
            session get
            assert status == 200
            auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN

            """)
        #expect(output.value.contains("400 Bad Request"), "an error answer is printed, not fatal")
        #expect(output.value.contains("saved 9 lines to \(script)"))
        // It runs as a script: drop the auth line, which needs a token from the environment.
        let runnable = saved.replacingOccurrences(of: "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN\n", with: "")
        try runnable.write(toFile: script, atomically: true, encoding: .utf8)
        let (second, _, secondOutput) = try session([.line("save \(script)")], directory: dir)
        _ = await onOwnThread { second.run() }
        #expect(secondOutput.value.contains("nothing to save yet"))
    }

    @Test func thePromptShowsTheTransportAndTheSession() async throws {
        let (repl, reader, _) = try session([.line("session create recipient=+14155550100"), .line("session list \\")], directory: try temporary())
        _ = await onOwnThread { repl.run() }
        #expect(reader.prompts[0] == "vsh sandbox> ")
        #expect(reader.prompts[1].hasPrefix("vsh sandbox ") && reader.prompts[1].hasSuffix("…> "))
        #expect(reader.prompts[1].count == "vsh sandbox 1234…> ".count)
        #expect(reader.prompts[2] == "  …> ", "a line ending in \\ goes on")
    }

    @Test func errorsAreDiagnosticsAndThePromptGoesOn() async throws {
        let (repl, reader, output) = try session(
            [.line("assert stauts == 200"), .interrupted, .line("transport replay /nonexistent.har"), .line("print \"still here\"")],
            directory: try temporary())
        #expect(await onOwnThread { repl.run() } == .success)
        #expect(output.value.contains("<prompt>:1:8: error: unknown name `stauts`"))
        #expect(output.value.contains(" | assert stauts == 200\n   |        ^^^^^^"))
        #expect(output.value.contains("/nonexistent.har: error: no such cassette\n"))
        #expect(output.value.contains("still here"))
        #expect(reader.history.contains("assert stauts == 200"))
    }

    @Test func switchingToReplayKeepsVariablesAndAnswersFromTheCassette() async throws {
        let dir = try temporary()
        let cassette = dir.appendingPathComponent("a.har").path
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/07-voice-8-digit.har")
        try FileManager.default.copyItem(atPath: source.path, toPath: cassette)
        let (repl, _, output) = try session(
            [.line("let keep = \"kept\""), .line("transport replay \(cassette)"), .line("print $keep"), .line("transport sandbox")],
            directory: dir)
        #expect(await onOwnThread { repl.run() } == .success)
        #expect(output.value.contains("now on the replay transport"))
        #expect(output.value.contains("kept\n"))
    }

    @Test func aRecordingAtThePromptIsOnDiskAfterEachCommandAndReplaysAtOnce() async throws {
        let dir = try temporary()
        let cassette = dir.appendingPathComponent("explore.har").path
        let (repl, _, output) = try session(
            [
                .line("transport record \(cassette)"),
                .line("session create recipient=+14155550100"),
                .line("session get"),
                .line("transport replay \(cassette)"),
                .line("session create recipient=+14155550100"),
                .line("session get"),
                .line("assert body.status == \"in-progress\""),
            ], directory: dir)
        #expect(await onOwnThread { repl.run() } == .success)
        #expect(output.value.contains("recorded 2 exchanges in \(cassette)"))
        #expect(output.value.contains("now on the replay transport"))
        #expect(output.value.contains("✓ holds"), "the replayed answers came from the recording: \(output.value)")
        let har = try String(contentsOfFile: cassette, encoding: .utf8)
        #expect(har.contains("\"_vsh\""))
        #expect(!har.contains("MASANDBOX"), "the auth_id is a placeholder")
    }
}
