import Foundation
import VshTestSupport

/// Runs the built `vsh` binary as a user would, and captures what it did.
struct VshProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Ended by a signal (a crash) rather than an exit.
        var signaled: Bool
    }

    /// The package's root folder.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `vsh` built beside the test bundle (or `VSH_BINARY`).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["VSH_BINARY"] { return URL(fileURLWithPath: path) }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        // Inside an .xctest bundle on Darwin the binary sits a few levels up.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vsh")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/vsh")
    }()

    /// Runs `vsh ARGUMENTS` in `directory` with `stdin` as standard input (not a terminal),
    /// killing it if it runs longer than `timeout` seconds, so a hang fails the test.
    static func run(
        _ arguments: [String], stdin: Data = Data(), in directory: URL = root, environment: [String: String] = [:], timeout: TimeInterval = 20
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        // Tests must not pick up a developer's real credentials.
        env["PLIVO_AUTH_ID"] = nil
        env["PLIVO_AUTH_TOKEN"] = nil
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(2000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            group.wait()
            throw Hang(arguments: arguments)
        }
        process.waitUntilExit()
        group.wait()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal)
    }

    struct Hang: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "vsh \(arguments.joined(separator: " ")) did not finish in time" }
    }

    /// A fresh temporary folder for one test, removed when the tests end.
    static func temporaryDirectory() throws -> URL { try TemporaryFolder.make("e2e") }
}
