import Foundation
import Testing

/// The command line itself: version, help, secrets.
@Suite struct CommandLineTests {
    @Test func versionPrintsTheVersion() throws {
        let outcome = try VshProcess.run(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("vsh 0."))
    }

    @Test func helpListsTheSubcommands() throws {
        let outcome = try VshProcess.run(["--help"])
        #expect(outcome.status == 0)
        for word in ["shell (default)", "run", "check", "cassette", "sandbox"] { #expect(outcome.stdout.contains(word), "\(word)") }
        let runHelp = try VshProcess.run(["help", "run"])
        #expect(runHelp.status == 0)
        #expect(runHelp.stdout.contains("--verbose"))
    }

    /// SPEC section 1: each subcommand lists only its own options in its help.
    @Test(arguments: [
        (["shell"], ["--transport", "--cassette", "--var", "--vars-file", "--no-color"], ["--jobs", "--report-junit", "--verbose"]),
        (["run"], ["--transport", "--cassette", "--var", "--jobs", "--report-junit", "--shard", "--verbose", "--no-color"], []),
        (["check"], ["--var", "--vars-file", "--no-color"], ["--transport", "--base-url", "--cassette", "--jobs"]),
        (["cassette", "show"], [], ["--transport", "--var", "--cassette"]),
        (["cassette", "lint"], [], ["--transport", "--var", "--cassette"]),
    ])
    func eachSubcommandListsItsOwnOptions(_ command: [String], _ listed: [String], _ absent: [String]) throws {
        let outcome = try VshProcess.run(command + ["--help"])
        #expect(outcome.status == 0)
        for option in listed { #expect(outcome.stdout.contains(option + " ") || outcome.stdout.contains(option + "\n"), "\(option) missing") }
        for option in absent { #expect(!outcome.stdout.contains(option), "\(option) listed") }
    }

    /// An option a subcommand does not have is refused by name (exit 1), never taken by
    /// another command and ignored.
    @Test(arguments: [
        ["check", "--transport", "live", "examples/01-quickstart.vsh"],
        ["check", "--base-url", "http://127.0.0.1:1", "examples/01-quickstart.vsh"],
        ["cassette", "show", "--transport", "live", "examples/01-quickstart.har"],
        ["cassette", "lint", "--var", "x=1", "examples/01-quickstart.har"],
    ])
    func anOptionASubcommandDoesNotHaveIsAUsageError(_ arguments: [String]) throws {
        let outcome = try VshProcess.run(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasPrefix("Error: Unknown option '\(arguments.first { $0.hasPrefix("--") }!)'"), "stderr: \(outcome.stderr)")
    }

    /// Every command's help, as a user reads it in an 80-column terminal (or a pipe).
    static let helpCommands: [[String]] = [[], ["shell"], ["run"], ["check"], ["cassette"], ["cassette", "show"], ["cassette", "lint"], ["sandbox", "serve"]]

    @Test(arguments: helpCommands)
    func helpTextIsWrappedAsAParagraphIsNotBrokenMidSentence(_ command: [String]) throws {
        let outcome = try VshProcess.run(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // ArgumentParser keeps its lines under 80 columns, except the one-line synopsis.
        for line in lines where !line.hasPrefix("USAGE:") { #expect(line.count < 80, "80 columns or more: \(line)") }
        // Above USAGE (the overview and the discussion), a prose line (not indented: tables and
        // examples are) ends where the next word would not have fitted: wrapped, not cut.
        let prose = lines.prefix { !$0.hasPrefix("USAGE:") }
        for (line, next) in zip(prose, prose.dropFirst()) {
            guard !line.isEmpty, !line.hasPrefix(" "), !next.isEmpty, !next.hasPrefix(" ") else { continue }
            let word = next.prefix { $0 != " " }
            #expect(line.count + 1 + word.count >= 80, "`\(line)` is broken before `\(word)`, which fitted")
        }
    }

    @Test func authTokenNeverReachesOutput() throws {
        let dir = try VshProcess.temporaryDirectory()
        let token = "s3cr3t-t0ken-value"
        try dir.write("secret.vsh", """
            auth MA2025RK4E639VJFZAGV \(token)
            session create recipient=+14155550100
            assert status == 202
            print "token is $PLIVO_AUTH_TOKEN"
            print $PLIVO_AUTH_TOKEN
            assert $PLIVO_AUTH_TOKEN == "nope"
            """)
        let outcome = try VshProcess.run(["run", "--verbose", "secret.vsh"], in: dir, environment: ["PLIVO_AUTH_TOKEN": token])
        #expect(outcome.status == 4)
        #expect(!outcome.stdout.contains(token))
        #expect(!outcome.stderr.contains(token))
        #expect(outcome.stdout.contains("token is [redacted]"))
    }

    @Test func anUnknownTransportIsAUsageError() throws {
        let outcome = try VshProcess.run(["run", "--transport", "carrier-pigeon", "examples/01-quickstart.vsh"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("'sandbox', 'live', 'record' or 'replay'"), "stderr: \(outcome.stderr)")
    }
}
