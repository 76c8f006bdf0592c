import ArgumentParser
import VerifyAPI
import VerifyCassette
import struct VshSyntax.CommandError
import enum VshSyntax.ExitStatus
import VshSystem

/// `vsh cassette show|lint FILE`.
struct CassetteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cassette",
        abstract: "Read and check recordings (HAR cassettes) made by --transport record.",
        discussion: "Reference: docs/cassettes.md.",
        subcommands: [Show.self, Lint.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a cassette as a readable transcript: each request, its status, the bodies as indented JSON.",
            discussion: "Exit codes: 0 printed, 1 no such file, 2 not a cassette.")

        @Argument(help: ArgumentHelp("The cassette (HAR file).", valueName: "FILE"))
        var file: String

        func run() throws {
            let cassette = try CassetteStore.load(file, for: .read).get()
            Console.standard(noColorFlag: true, environment: [:]).out(Transcript.render(cassette, name: file))
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fail if a HAR file holds a secret: credential headers, Basic credentials, a real-looking auth_id, a token.",
            discussion: """
                Looks at every string, also inside URL-encoded and base64 text, and prints each finding with its JSON path (never the secret itself).

                Exit codes: 0 clean, 1 no such file, 2 not JSON or not a HAR file, 4 findings.
                """)

        @Argument(help: ArgumentHelp("The HAR file.", valueName: "FILE"))
        var file: String

        func run() throws {
            // Raw JSON, not a decoded cassette: lint looks at what decoding would drop too.
            let bytes = try CassetteStore.bytes(of: file).get()
            let document: JSONValue
            do {
                document = try JSONValue(parsing: bytes)
            } catch {
                throw CommandError("not JSON (\(error.description))", file: file, status: .malformedInput)
            }
            // A JSON file that is no HAR (`[]`, `null`, `{"x":1}`) is not "clean": it is no cassette.
            guard let log = document["log"], case .object = log, log["entries"]?.arrayValue != nil else {
                throw CommandError("not a HAR cassette: it needs a \"log\" object with an \"entries\" array", file: file, status: .malformedInput)
            }
            let findings = CassetteLint.findings(in: document)
            let console = Console.standard(noColorFlag: false, environment: ProcessEnvironment.current())
            guard !findings.isEmpty else {
                console.out("\(file): no secrets found\n")
                return
            }
            for finding in findings { console.out("\(file): \(finding.path): \(finding.message)\n") }
            console.out("\(findings.count) \(findings.count == 1 ? "finding" : "findings"); a cassette must hold no credentials\n")
            throw ExitCode(ExitStatus.assertionFailed.rawValue)
        }
    }
}
