import Foundation
import VerifyAPI
import VerifySandbox
import VshREPL
import VshSystem
import Testing
import VshTestSupport

/// Issue 10, "Secrets", at the prompt: the status line, `save`, history, errors.
@Suite struct ReplSecretTests {
    static let token = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"

    func session(_ lines: [LineInput], directory: URL, token: String) throws -> (ReplSession, ScriptedReader, CapturedConsole) {
        try makeReplSession(lines, directory: directory, environment: ["PLIVO_AUTH_TOKEN": token])
    }

    func temporary() throws -> URL { try temporaryFolder() }

    @Test func theStatusLineShowsTheQueryRedacted() async throws {
        for token in [Self.token, "sandbox"] {
            let (repl, _, output) = try session([.line("session list brand_name=$PLIVO_AUTH_TOKEN limit=5")], directory: try temporary(), token: token)
            _ = await onOwnThread { repl.run() }
            #expect(output.value.contains("· GET /v1/Account/MASANDBOX00000000000/Verify/Session/?brand_name=[redacted]&limit=5 ·"), "output: \(output.value)")
            if token == Self.token { #expect(!output.value.contains(token)) }
        }
    }

    @Test func saveWritesAVariableReferenceWhereTheTokenWasIntoA0600File() async throws {
        let dir = try temporary()
        let script = dir.appendingPathComponent("s.vsh").path
        let (repl, reader, output) = try session(
            [
                .line("auth MA2025RK4E639VJFZAGV \(Self.token)"),
                .line("session create recipient=+14155550100 brand_name=\(Self.token)"),
                .line("print \"token \(Self.token)\""),
                .line("session list brand_name=x\(Self.token)"),
                .line("save \(script)"),
            ], directory: dir, token: "other-environment-token")
        #expect(await onOwnThread { repl.run() } == .success)
        let saved = try String(contentsOfFile: script, encoding: .utf8)
        #expect(!saved.contains(Self.token))
        #expect(saved.contains("auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN\n"))
        #expect(saved.contains("session create recipient=+14155550100 brand_name=$PLIVO_AUTH_TOKEN\n"))
        #expect(saved.contains("print \"token ${PLIVO_AUTH_TOKEN}\"\n"))
        #expect(saved.contains("session list brand_name=\"x${PLIVO_AUTH_TOKEN}\"\n"))
        var info = stat()
        #expect(stat(script, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let history = try String(contentsOfFile: dir.appendingPathComponent("history").path, encoding: .utf8)
        #expect(!history.contains(Self.token))
        #expect(!reader.history.joined().contains(Self.token))
        #expect(!output.value.contains(Self.token))
        #expect(output.value.contains("token [redacted]"))
    }

    @Test func theEnvironmentsTokenTypedLiterallyIsSavedAsAReferenceToo() async throws {
        let dir = try temporary()
        let script = dir.appendingPathComponent("s.vsh").path
        let (repl, _, _) = try session(
            [.line("print \"t=\(Self.token)\""), .line("save \(script)")], directory: dir, token: Self.token)
        _ = await onOwnThread { repl.run() }
        let saved = try String(contentsOfFile: script, encoding: .utf8)
        #expect(saved.contains("print \"t=${PLIVO_AUTH_TOKEN}\"\n"))
    }

    @Test func aDiagnosticAtThePromptHidesTheTokenOfItsLine() async throws {
        let (repl, _, output) = try session(
            [.line("auth MA2025RK4E639VJFZAGV \"\(Self.token)"), .line("auth \(Self.token) MA2025RK4E639VJFZAGV")], directory: try temporary(), token: "sandbox")
        _ = await onOwnThread { repl.run() }
        #expect(output.value.contains("unterminated string"), "output: \(output.value)")
        #expect(!output.value.contains(Self.token), "output: \(output.value)")
    }

    @Test func historyKeepsProseWithAShortTokenAndHidesTheTokenOfAnAuthLine() {
        let redactor = Redactor(["sandbox"])
        #expect(HistoryFile.scrub("print \"running on the sandbox\"", redactor: redactor) == "print \"running on the sandbox\"")
        #expect(HistoryFile.scrub("auth MA2025RK4E639VJFZAGV sandbox", redactor: redactor) == "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN")
        #expect(HistoryFile.scrub("auth \(Self.token) MA2025RK4E639VJFZAGV", redactor: Redactor()) == "auth [redacted] $PLIVO_AUTH_TOKEN")
        #expect(HistoryFile.scrub("session list brand_name=x\(Self.token)", redactor: Redactor([Self.token])) == "session list brand_name=x[redacted]")
    }
}
