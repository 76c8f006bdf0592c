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
        for word in ["run", "check", "--transport", "--var"] { #expect(outcome.stdout.contains(word), "\(word)") }
        let runHelp = try VshProcess.run(["help", "run"])
        #expect(runHelp.status == 0)
        #expect(runHelp.stdout.contains("--verbose"))
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
