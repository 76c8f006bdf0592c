import Foundation
import Testing

/// What a hostile or careless command line does to vsh: endless inputs, link loops,
/// absurd numbers. Each ends in a clear message and the right exit status, never a
/// crash or a hang (VshProcess kills a hang and fails the test).
@Suite struct HostileCommandLineTests {
    @Test(arguments: [
        (["run", "/dev/zero"], "/dev/zero: error: larger than 16 MiB, the most a script may be"),
        (["check", "/dev/zero"], "/dev/zero: error: larger than 16 MiB, the most a script may be"),
        (["run", "--vars-file", "/dev/zero", "ok.vsh"], "/dev/zero: error: larger than 1 MiB, the most a --vars-file may be"),
        (["run", "--transport", "replay", "--cassette", "/dev/zero", "ok.vsh"], "/dev/zero: error: not a cassette vsh can replay: larger than 64 MiB, the most a cassette may be"),
        (["cassette", "lint", "/dev/zero"], "/dev/zero: error: larger than 64 MiB, the most a cassette may be"),
        (["cassette", "show", "/dev/zero"], "/dev/zero: error: not a cassette vsh can read: larger than 64 MiB, the most a cassette may be"),
    ])
    func endlessInputsStopAtTheirCapWithExit2(arguments: [String], message: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("ok.vsh", "print 1\n")
        let outcome = try VshProcess.run(arguments, in: dir, timeout: 60)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "stderr: \(outcome.stderr)")
    }

    @Test func endlessStandardInputStopsAtTheScriptCap() throws {
        let outcome = try VshProcess.run(["run", "-"], stdin: Data(repeating: UInt8(ascii: "\n"), count: (16 << 20) + 1), timeout: 60)
        #expect(outcome.status == 2, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("<stdin>: error: larger than 16 MiB, the most a script may be"))
    }

    @Test func aLinkLoopIsWalkedOnceAndALinkedFileRunsOnce() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("suite/a.vsh", "print \"a\"\n")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("suite/loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("suite/sub").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("suite/alias.vsh").path, withDestinationPath: "a.vsh")
        let outcome = try VshProcess.run(["run", "suite", "suite/a.vsh", "./suite/a.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.split(separator: "\n").filter { $0 == "a" }.count == 1, "stdout: \(outcome.stdout)")
        #expect(outcome.stdout.contains("1 passed, 0 failed"), "stdout: \(outcome.stdout)")
    }

    @Test func absurdNumbersInAScriptAreExit2AtTheirPlace() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("s.vsh", "sleep 999999999d\nprint \(String(repeating: "9", count: 400))\nprint 9007199254740993\n")
        for command in ["check", "run"] {
            let outcome = try VshProcess.run([command, "s.vsh"], in: dir)
            #expect(!outcome.signaled)
            #expect(outcome.status == 2, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("s.vsh:1:7: error: \"999999999d\" is longer than the longest sleep, 36500d (100 years)"))
            #expect(outcome.stderr.contains("s.vsh:2:7: error: the number `99999999999999999999…99999999 (400 characters)` cannot be held exactly"))
            #expect(outcome.stderr.contains("s.vsh:3:7: error: the number `9007199254740993` cannot be held exactly"))
        }
    }

    @Test func theSandboxClockRunningOutIsARuntimeFailure() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("s.vsh", String(repeating: "sleep 36500d\n", count: 81))
        let outcome = try VshProcess.run(["run", "s.vsh"], in: dir)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("the clock cannot pass 9999-12-31T23:59:59.999999Z"))
    }

    @Test func anOffsetFromAVariableIsTheSandboxs400() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("s.vsh", "session list offset=$o\nassert status == 400\nassert body.error == \"offset must be an integer from 0 to 1000000000\"\n")
        let outcome = try VshProcess.run(["run", "--var", "o=9223372036854775800", "s.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
    }

    @Test func aHugeCodeLifetimeIsRefusedAtStart() throws {
        let outcome = try VshProcess.run(["sandbox", "serve", "--code-lifetime", "999999999d", "--port", "0"], timeout: 30)
        #expect(outcome.status == 1, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("--code-lifetime must be at most 36500d"))
    }

    @Test(arguments: ["[]", "null", "{\"x\":1}", "{\"log\": []}", "{\"log\": {\"entries\": 3}}"])
    func lintRefusesJSONThatIsNoCassette(text: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("x.har", text)
        let outcome = try VshProcess.run(["cassette", "lint", "x.har"], in: dir)
        #expect(outcome.status == 2, "stdout: \(outcome.stdout) stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("x.har: error: not a HAR cassette: it needs a \"log\" object with an \"entries\" array"))
    }

    @Test func cassetteShowPrintsControlCharactersVisibly() throws {
        let dir = try VshProcess.temporaryDirectory()
        // An OSC title change, a screen clear and a bidi override, in a body vsh never wrote.
        let hostile = "\\u001b]0;pwned\\u0007\\u001b[2J\\u202Eevil"
        try dir.write("x.har", """
            {"log": {"version": "1.2", "creator": {"name": "x", "version": "1\(hostile)"}, "entries": [{"startedDateTime": "2025-01-15T10:00:00Z", "time": 1, "request": {"method": "GET", "url": "http://h/v1/x/", "headers": []}, "response": {"status": 200, "headers": [], "content": {"mimeType": "text/plain", "text": "body\(hostile)"}}}]}}
            """)
        let outcome = try VshProcess.run(["cassette", "show", "x.har"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(!outcome.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        #expect(outcome.stdout.contains("body␛]0;pwned␇␛[2J⟨U+202E⟩evil"), "stdout: \(outcome.stdout)")
    }
}
