import VshSyntax
import Foundation
import VshREPL
import Testing
import VshTestSupport

@Suite struct HistoryTests {
    @Test(arguments: [
        ("auth MA2025RK4E639VJFZAGV s3cretToken", "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"),
        ("auth MA2025RK4E639VJFZAGV \"s3cret token\" # note", "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"),
        ("  auth SA2025RK4E639VJFZAGV tok", "  auth SA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"),
        ("auth MA2025RK4E639VJFZAGV $MY_TOKEN", "auth MA2025RK4E639VJFZAGV $MY_TOKEN"),
        ("auth MA2025RK4E639VJFZAGV", "auth MA2025RK4E639VJFZAGV"),
        ("auth", "auth"),
        ("let t = \"s3cretToken\"", "let t = \"[redacted]\""),
        ("session get", "session get"),
        ("atuh MA2025RK4E639VJFZAGV hunter22", "atuh MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"),
        ("authMA2025RK4E639VJFZAGVZq8wVx3KpL0mN7rT2y", "[redacted]"),
        ("let t = Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO", "let t = [redacted]"),
    ])
    func tokensNeverReachTheFile(_ line: String, _ written: String) {
        #expect(HistoryFile.scrub(line, secrets: ["s3cretToken"]) == written)
    }

    @Test func theFileIsCreatedWithItsFoldersMode0600AndReadBack() throws {
        let path = try TemporaryFolder.make("history").appendingPathComponent("a/b/history").path
        let history = HistoryFile(path: path, limit: 2)
        #expect(history.append("session get", secrets: []) == nil)
        #expect(history.append("asert status == 200", secrets: []) == nil)
        #expect(history.append("auth MA2025RK4E639VJFZAGV hunter22", secrets: ["hunter22"]) == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(history.load() == ["asert status == 200", "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"])
        #expect(try !String(contentsOfFile: path, encoding: .utf8).contains("hunter22"))
    }

    @Test func aLooserFileIsTightened() throws {
        let path = try TemporaryFolder.make("history").appendingPathComponent("history").path
        FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o644])
        HistoryFile(path: path).append("session get", secrets: [])
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func whereTheHistoryLives() {
        #expect(HistoryFile.defaultPath(environment: ["VSH_HISTORY": "/x/h", "HOME": "/home/a"]) == "/x/h")
        #expect(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/a"]) == "/state/vsh/history")
        #expect(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/a"]) == "/home/a/.local/state/vsh/history")
        #expect(HistoryFile.defaultPath(environment: [:]) == nil)
    }
}

@Suite struct REPLCommandTests {
    @Test func promptCommandsAndTheirUsage() throws {
        #expect(try REPLCommand.parse("help") == .help(nil))
        #expect(try REPLCommand.parse("help session") == .help("session"))
        #expect(try REPLCommand.parse("transport live") == .transport(.live))
        #expect(try REPLCommand.parse("transport replay a.har") == .transport(.replay(path: "a.har")))
        #expect(try REPLCommand.parse("transport record --overwrite a.har") == .transport(.record(path: "a.har", overwrite: true)))
        #expect(try REPLCommand.parse("save a.vsh") == .save(path: "a.vsh", overwrite: false))
        #expect(try REPLCommand.parse("quit") == .exit)
        #expect(try REPLCommand.parse("session get") == nil)
        #expect(throws: CommandError("usage: transport sandbox | live | replay FILE.har | record [--overwrite] FILE.har")) {
            try REPLCommand.parse("transport replay")
        }
        #expect(throws: CommandError.self) { try REPLCommand.parse("save") }
    }

    @Test func everyCommandHasUsageAndAnExample() {
        let names = CommandTable.names + REPLCommand.specs.map(\.name)
        #expect(Set(names).isSuperset(of: ["auth", "session", "validate", "assert", "let", "print", "sleep", "fault", "transport", "save", "help", "exit"]))
        for name in names + ["quit", "?"] {
            let text = HelpText.help(for: name)
            #expect(text?.contains("usage: ") == true, "\(name)")
            #expect(text?.contains("examples:\n  ") == true, "\(name)")
        }
        #expect(HelpText.help(for: "nope") == nil)
        // What completion offers at the start of a line is what help lists.
        let offered = Completer().complete("", cursor: 0, context: .init()).candidates
        #expect(Set(offered) == Set(names + ["quit"]))
    }
}
