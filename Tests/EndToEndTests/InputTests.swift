import Foundation
import Testing

/// Where scripts come from (files, directories, stdin) and what bad bytes do.
@Suite struct InputTests {
    @Test func pipedStdinRunsAsAScript() throws {
        let script = "session create recipient=+14155550100\nvalidate $otp\nassert status == 200\nprint \"ok\"\n"
        let outcome = try VshProcess.run([], stdin: Data(script.utf8))
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout == "ok\n", "bare vsh prints only what the script prints")
    }

    @Test func dashMeansStdin() throws {
        let outcome = try VshProcess.run(["run", "-"], stdin: Data("session create recipient=+14155550100\nassert status == 202\n".utf8))
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("✓ <stdin>"))
    }

    @Test func directoriesAreSearchedRecursivelyInSortedOrder() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("suite/b.vsh", "print \"b\"\n")
        try dir.write("suite/a/z.vsh", "print \"a/z\"\n")
        try dir.write("suite/a.vsh", "print \"a\"\n")
        try dir.write("suite/notes.txt", "not a script")
        try dir.write("suite/.hidden/x.vsh", "print \"hidden\"\n")
        let outcome = try VshProcess.run(["run", "suite"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let printed = outcome.stdout.split(separator: "\n").filter { !$0.hasPrefix("✓") && !$0.contains("passed") }
        #expect(printed == ["a/z", "a", "b"] || printed == ["a", "a/z", "b"])
        #expect(outcome.stdout.contains("3 passed, 0 failed"))
        #expect(!outcome.stdout.contains("hidden"))
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let dir = try VshProcess.temporaryDirectory()
        let text = "session create recipient=+14155550100\r\nassert status == 202\r\nprint \"crlf ok\"\r\n"
        try dir.write("windows.vsh", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let outcome = try VshProcess.run(["run", "windows.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("crlf ok\n"))
    }

    @Test func nulBytesAreMalformedInputNotACrash() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("nul.vsh", bytes: Array("print \"a\"\nprint \"b\u{0}c\"\n".utf8))
        let outcome = try VshProcess.run(["run", "nul.vsh"], in: dir)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nul.vsh:2:9: error: NUL byte in script"))
        #expect(outcome.stderr.contains("␀"), "the NUL is shown, not written raw")
    }

    @Test func invalidUTF8IsMalformedInput() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("latin1.vsh", bytes: Array("session create recipient=+14155550100 brand_name=\"Caf".utf8) + [0xE9] + Array("\"\n".utf8))
        let outcome = try VshProcess.run(["check", "latin1.vsh"], in: dir)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("latin1.vsh:1:"))
        #expect(outcome.stderr.contains("invalid UTF-8 byte 0xE9"))
    }

    @Test func hugeLineIsHandledQuickly() throws {
        let dir = try VshProcess.temporaryDirectory()
        let line = "print \"" + String(repeating: "x", count: 2_000_000) + "\" junk\n"
        try dir.write("huge.vsh", line)
        let outcome = try VshProcess.run(["check", "huge.vsh"], in: dir, timeout: 20)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("huge.vsh:1:2000010: error: unexpected `junk`"))
        #expect(outcome.stderr.count < 2000, "a long line is shown as a window, not in full")
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("deep.vsh", "assert " + String(repeating: "not ", count: 200_000) + "true\n")
        let outcome = try VshProcess.run(["check", "deep.vsh"], in: dir)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nested too deeply"))
    }

    @Test func binaryGarbageNeverCrashes() throws {
        let dir = try VshProcess.temporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for index in 0..<5 {
            let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try dir.write("garbage\(index).vsh", bytes: bytes)
        }
        let outcome = try VshProcess.run(["run", "."], in: dir)
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
    }
}
