import Foundation
import Testing
import VshTestSupport

/// `vsh run --transport live` against the real `vsh-sandbox` binary over loopback:
/// every example, as a user would run it against `vsh sandbox serve`.
///
/// The server runs with `--otp 12345678` and vsh with `VSH_OTP=12345678`: the live
/// transport cannot read the sandbox's outbox, so the code is fixed on both sides.
/// Eight digits, so that the voice example's 8-digit check holds too; the examples'
/// `validate 000000` stays a wrong code. `sleep` moves the server's virtual clock.
@Suite(.enabled(if: SandboxProcess.isBuilt, "vsh-sandbox is not built beside vsh yet: build it (swift build) to run the live end-to-end tests"))
struct LiveTransportTests {
    static let code = "12345678"

    /// A distinct account per run: the server keeps sessions per auth_id.
    static func environment(account: String = "MALIVE00000000000000") -> [String: String] {
        ["PLIVO_AUTH_ID": account, "PLIVO_AUTH_TOKEN": "sandbox", "VSH_OTP": code]
    }

    // Every example over live HTTP: ExamplesTests.examplePasses(through:), door `live`.

    @Test func theWholeFolderInOneRunNeedsMoreThanTheDefaultSpendGuard() throws {
        try SandboxProcess.withServer(["--otp", Self.code]) { url in
            // The examples create 11 sessions in all: the default guard stops the 11th before it is sent.
            let guarded = try VshProcess.run(["run", "--transport", "live", "--base-url", url, "examples"], environment: Self.environment(account: "MALIVE00000000000001"))
            #expect(guarded.status == 3)
            #expect(guarded.stderr.contains("error: spend guard: this run already created 10 sessions (--max-sessions 10)"), "stderr: \(guarded.stderr)")
            #expect(guarded.stderr.contains("nothing was sent; to allow more, run with a higher --max-sessions"))

            let raised = try VshProcess.run(
                ["run", "--transport", "live", "--max-sessions", "20", "--base-url", url, "examples"], environment: Self.environment(account: "MALIVE00000000000002"))
            #expect(raised.status == 0, "stderr: \(raised.stderr)")
            #expect(raised.stdout.contains("\(ExamplesTests.examples.count) passed, 0 failed"))
        }
    }

    @Test func verboseShowsTheRequestsSent() throws {
        try SandboxProcess.withServer(["--otp", Self.code]) { url in
            let outcome = try VshProcess.run(
                ["run", "--transport", "live", "--verbose", "--base-url", url, "examples/01-quickstart.vsh"], environment: Self.environment())
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.contains("POST /v1/Account/MALIVE00000000000000/Verify/Session/ → 202 Accepted"))
            #expect(outcome.stdout.contains("GET /v1/Account/MALIVE00000000000000/Verify/Session/?status=verified&limit=5 → 200 OK"))
        }
    }

    @Test func aStateFileKeepsSessionsAcrossARestart() throws {
        let dir = try VshProcess.temporaryDirectory()
        let state = dir.appendingPathComponent("sandbox-state.json").path
        let environment = Self.environment(account: "MASTATE0000000000000")
        let create = try dir.write("create.vsh", "session create recipient=+14155550100\nassert status == 202\nprint \"made $session\"\n")
        let made = try SandboxProcess.withServer(["--otp", Self.code, "--state", state]) { url in
            try VshProcess.run(["run", "--transport", "live", "--base-url", url, create], environment: environment)
        }
        #expect(made.status == 0, "stderr: \(made.stderr)")
        let uuid = try #require(made.stdout.split(separator: "\n").first { $0.hasPrefix("made ") }?.dropFirst(5))
        // Written at the clean shutdown (SIGTERM), readable by its owner only: it holds the codes.
        let attributes = try FileManager.default.attributesOfItem(atPath: state)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: state, encoding: .utf8)
        #expect(text.contains("vsh-sandbox-state/1"))
        #expect(text.contains(String(uuid)))

        // Started again from the file: the session is there, and its code still validates.
        let check = try dir.write(
            "check.vsh",
            "session use \(uuid)\nsession get\nassert status == 200\nassert body.status == \"in-progress\"\nvalidate \(Self.code)\nassert status == 200\n")
        let checked = try SandboxProcess.withServer(["--otp", Self.code, "--state", state]) { url in
            try VshProcess.run(["run", "--transport", "live", "--base-url", url, check], environment: environment)
        }
        #expect(checked.status == 0, "stdout: \(checked.stdout) stderr: \(checked.stderr)")
        // The validation was saved at the second shutdown.
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any]
        let sessions = (saved?["accounts"] as? [[String: Any]])?.first?["sessions"] as? [[String: Any]]
        #expect(sessions?.count == 1)
        #expect(sessions?.first?["verified_at"] is String)
    }

    @Test(arguments: [
        ("{\"format\": \"nope\"}", "not a sandbox state: format: not vsh-sandbox-state/1 (--state)"),
        ("x", "not JSON: invalid JSON at byte 0: unexpected character (--state)"),
    ])
    func aStateFileThatIsNoSnapshotStopsTheServerAtStart(_ content: String, _ message: String) throws {
        let dir = try VshProcess.temporaryDirectory()
        let state = try dir.write("state.json", content)
        let process = Process()
        process.executableURL = SandboxProcess.binary
        process.arguments = ["serve", "--port", "0", "--quiet", "--state", state]
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(5000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stderr = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(stderr == "\(state): error: \(message)\n")
        #expect(try String(contentsOfFile: state, encoding: .utf8) == content, "the file is left as it was")
    }

    @Test func aWrongTokenIsA401ThatStopsTheScript() throws {
        try SandboxProcess.withServer([]) { url in
            let dir = try VshProcess.temporaryDirectory()
            let script = try dir.write("get.vsh", "session list\n")
            var environment = Self.environment()
            environment["PLIVO_AUTH_TOKEN"] = "not-the-token"
            let outcome = try VshProcess.run(["run", "--transport", "live", "--base-url", url, script], environment: environment)
            #expect(outcome.status == 3)
            #expect(outcome.stderr.contains("answered 401 Unauthorized"), "stderr: \(outcome.stderr)")
            #expect(!outcome.stderr.contains("not-the-token"))
        }
    }

    @Test func aServerThatIsNotThereIsConnectionRefused() throws {
        // Held for the whole test: bound but not listening, so nothing else can take the port.
        let held = try LoopbackPort()
        let port = held.port
        let outcome = try withExtendedLifetime(held) {
            try VshProcess.run(
                ["run", "--transport", "live", "--base-url", "http://127.0.0.1:\(port)", "examples/01-quickstart.vsh"], environment: Self.environment())
        }
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("examples/01-quickstart.vsh:6:1: error: cannot connect to 127.0.0.1:\(port): connection refused"), "stderr: \(outcome.stderr)")
        #expect(!outcome.signaled)
    }
}

/// Flags of `run` that only the live transport takes.
@Suite struct LiveFlagTests {
    @Test(arguments: [
        (["--transport", "live", "--base-url", "ftp://example.com"], "vsh: error: invalid base URL \"ftp://example.com\": the scheme must be http or https"),
        (["--transport", "live", "--timeout", "0"], "vsh: error: --timeout must be a number of seconds above 0 and at most 3600, got 0.0"),
        (["--transport", "live", "--max-sessions=-1"], "vsh: error: --max-sessions must be 0 or more, got -1"),
    ])
    func badValuesAreUsageErrors(flags: [String], message: String) throws {
        let outcome = try VshProcess.run(["run"] + flags + ["examples/01-quickstart.vsh"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == message + "\n")
    }

    @Test func aBadPLIVO_BASE_URLIsNamed() throws {
        let outcome = try VshProcess.run(["run", "--transport", "live", "examples/01-quickstart.vsh"], environment: ["PLIVO_BASE_URL": "api.plivo.com"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "vsh: error: invalid base URL \"api.plivo.com\": it needs a scheme: http:// or https:// (from PLIVO_BASE_URL)\n")
    }

    @Test func aBadProxyIsNamed() throws {
        let outcome = try VshProcess.run(["run", "--transport", "live", "examples/01-quickstart.vsh"], environment: ["HTTPS_PROXY": "ftp://proxy"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "vsh: error: HTTPS_PROXY is not a usable proxy: unsupported proxy scheme \"ftp\"; use http:// or socks5://\n")
    }
}

/// The `vsh-sandbox` binary built beside `vsh`, started on a free port for one test.
enum SandboxProcess {
    static let binary: URL = VshProcess.binary.deletingLastPathComponent().appendingPathComponent("vsh-sandbox")

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    /// Runs `vsh-sandbox serve --port 0 --quiet ARGUMENTS`, waits for the line that names
    /// its address, runs `body` with that URL and stops the server (SIGTERM).
    static func withServer<T>(_ arguments: [String], _ body: (String) throws -> T) throws -> T {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--quiet"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let url = try readAddress(from: output.fileHandleForReading, process: process)
        return try body(url)
    }

    /// `vsh sandbox listening on http://127.0.0.1:PORT (…)` → `http://127.0.0.1:PORT`.
    /// Gives up after 15 seconds (stopping the server), so a silent server cannot hang the test.
    private static func readAddress(from handle: FileHandle, process: Process) throws -> String {
        let found = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var text = ""
        nonisolated(unsafe) var url: String?
        let lock = NSLock()
        DispatchQueue.global().async {
            while true {
                let data = handle.availableData
                guard !data.isEmpty else { break }
                lock.lock()
                text += String(decoding: data, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.contains(" listening on ") }),
                    let address = line.split(separator: " ").first(where: { $0.hasPrefix("http://") })
                {
                    url = String(address)
                    lock.unlock()
                    break
                }
                lock.unlock()
            }
            found.signal()
        }
        if found.wait(timeout: .now() + 15) == .timedOut {
            process.terminate()
            _ = found.wait(timeout: .now() + 5)
        }
        lock.lock()
        defer { lock.unlock() }
        guard let url else { throw NotListening(output: text) }
        return url
    }

    struct NotListening: Error, CustomStringConvertible {
        var output: String
        var description: String { "vsh-sandbox did not say it was listening; it printed: \(output)" }
    }
}
