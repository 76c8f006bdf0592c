import Foundation
import Testing

let pythonForPTY: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// Bare `vsh` on a terminal, driven through a pseudo-terminal (Tests/Support/pty_drive.py)
/// as a person would: typing, Tab, Up, Ctrl-C, a syntax error, Ctrl-D.
@Suite(.enabled(if: pythonForPTY != nil, "python3 drives the pseudo-terminal"))
struct PromptTests {
    static var python: String? { pythonForPTY }
    static let driver = VshProcess.root.appendingPathComponent("Tests/Support/pty_drive.py").path

    struct Session: Decodable {
        var transcript: String
        var status: Int?
        var timed_out: Bool
    }

    /// Keystrokes: `send`, then optionally wait for `wait` to appear.
    static func drive(_ steps: [[String: String]], arguments: [String] = [], environment: [String: String]) throws -> Session {
        let steps = try String(decoding: JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = [driver, steps, "--", "/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [VshProcess.binary.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["PLIVO_AUTH_ID"] = nil
        env["PLIVO_AUTH_TOKEN"] = nil
        env["NO_COLOR"] = "1"
        env["PAGER"] = "cat"
        process.environment = env
        process.currentDirectoryURL = VshProcess.root
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Session.self, from: data)
    }

    @Test func typingTabUpCtrlCASyntaxErrorAndCtrlD() throws {
        let dir = try VshProcess.temporaryDirectory()
        let historyPath = dir.appendingPathComponent("state/vsh/history").path
        let token = "Sup3rS3cretTok3nNeverWritten"
        let session = try Self.drive(
            [
                ["send": "sess\t"], ["send": "cr\t"], ["send": "rec\t"],
                ["send": "+14155550100 chan\t"], ["send": "v\t"],
                ["send": "\r", "wait": "202 Accepted"],
                ["send": "asert status == 202\r", "wait": "did you mean `assert`?"],
                ["send": "\u{1B}[A", "wait": "asert status == 202"],
                ["send": "\u{03}"],
                ["send": "auth MA2025RK4E639VJFZAGV \(token)\r"],
                ["send": "help validate\r", "wait": "usage: validate CODE"],
                ["send": "\u{04}"],
            ],
            environment: ["VSH_HISTORY": historyPath, "NO_COLOR": "1"])
        #expect(!session.timed_out, "transcript:\n\(session.transcript)")
        let transcript = session.transcript
        // Tab completed the command, the sub-command, the key and the channel's value (the
        // terminal redraws the line with cursor moves, so the history shows the line whole).
        #expect(transcript.contains("202 Accepted"), "transcript:\n\(transcript)")
        #expect(transcript.contains("vsh sandbox "), "the prompt names the transport")
        // The syntax error has the script diagnostics' caret, and the prompt goes on.
        #expect(transcript.contains("error: unknown command `asert`"))
        #expect(transcript.contains(" | ^^^^^"))
        // Up recalled the line, Ctrl-C dropped it, and the prompt went on.
        #expect(transcript.contains("asert status == 202^C"))
        #expect(transcript.contains("usage: validate CODE"))
        #expect(!transcript.contains(token) || transcript.components(separatedBy: token).count == 2, "the token is only where it was typed")
        // Ctrl-D on an empty line leaves with 0.
        #expect(session.status == 0)

        var info = stat()
        #expect(stat(historyPath, &info) == 0, "the history file and its folders are created")
        #expect(info.st_mode & 0o777 == 0o600)
        let history = try String(contentsOfFile: historyPath, encoding: .utf8)
        #expect(!history.contains(token))
        #expect(history.contains("auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"))
        #expect(history.contains("asert status == 202"), "lines that failed to parse are kept")
        #expect(history.contains("session create recipient=+14155550100 channel=voice"))
    }

    @Test func aBlockGoesOnOverSeveralLinesAndSaveWritesItBack() throws {
        let dir = try VshProcess.temporaryDirectory()
        let saved = dir.appendingPathComponent("saved.vsh").path
        let session = try Self.drive(
            [
                ["send": "session create recipient=+14155550100\r", "wait": "202 Accepted"],
                ["send": "repeat 2 {\r", "wait": "…> "],
                ["send": "validate 000000\r", "wait": "…> "],
                ["send": "assert status == 400\r", "wait": "…> "],
                ["send": "}\r", "wait": "✓ holds"],
                ["send": "save \(saved)\r", "wait": "saved "],
                ["send": "exit\r"],
            ],
            environment: ["VSH_HISTORY": dir.appendingPathComponent("h").path])
        #expect(!session.timed_out, "transcript:\n\(session.transcript)")
        #expect(session.transcript.components(separatedBy: "400 Bad Request").count == 3, "the block ran twice:\n\(session.transcript)")
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(text.contains("repeat 2 {\n    validate 000000\n    assert status == 400\n}\n"), "saved in canonical form: \(text)")
        #expect(try VshProcess.run(["run", saved]).status == 0)
    }

    @Test func ctrlCCancelsARequestInFlightAndThePromptGoesOn() throws {
        let listener = try StalledListener()
        defer { listener.close() }
        let dir = try VshProcess.temporaryDirectory()
        let session = try Self.drive(
            [
                ["send": "session list\r", "pause": "1"],
                ["send": "\u{03}", "wait": "cancelled"],
                ["send": "transport sandbox\r", "wait": "now on the sandbox transport"],
                ["send": "exit\r"],
            ],
            arguments: ["--transport", "live"],
            environment: [
                "VSH_HISTORY": dir.appendingPathComponent("h").path, "PLIVO_AUTH_ID": "MA2025RK4E639VJFZAGV", "PLIVO_AUTH_TOKEN": "x",
                "PLIVO_BASE_URL": "http://127.0.0.1:\(listener.port)",
            ])
        #expect(!session.timed_out, "transcript:\n\(session.transcript)")
        #expect(session.transcript.contains("vsh live> session list"))
        #expect(session.transcript.contains("error: cancelled"))
        #expect(session.transcript.contains("vsh sandbox> "))
        #expect(session.status == 0)
    }

    @Test func aRunOnATerminalShowsOneProgressLineNotALinePerFile() throws {
        let session = try Self.drive([], arguments: ["run", "examples"], environment: ["NO_COLOR": "1"])
        let count = ExamplesTests.examples.count
        #expect(session.status == 0)
        #expect(session.transcript.contains("[\(count)/\(count)] \(count) passed, 0 failed"), "transcript:\n\(session.transcript)")
        #expect(!session.transcript.contains("✓ examples/"))
        #expect(session.transcript.contains("\(count) passed, 0 failed ("))
    }
}
