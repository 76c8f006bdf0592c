import ArgumentParser
import VerifyAPI
import VerifyCassette
import VshRunner

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

        // The root command's options, taken here so that they are refused, not lost.
        @OptionGroup(visibility: .hidden) var script: ScriptOptions

        func run() throws {
            try CassetteCommand.refuse(script)
            let cassette = try CassetteCommand.load(file)
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

        @OptionGroup(visibility: .hidden) var script: ScriptOptions

        func run() throws {
            try CassetteCommand.refuse(script)
            let bytes = try CassetteCommand.read(file)
            let document: JSONValue
            do {
                document = try JSONValue(parsing: bytes)
            } catch {
                throw UsageFailure("\(file): not JSON (\(error.description))", status: .malformedInput)
            }
            // A JSON file that is no HAR (`[]`, `null`, `{"x":1}`) is not "clean": it is no cassette.
            guard let log = document["log"], case .object = log, log["entries"]?.arrayValue != nil else {
                throw UsageFailure("\(file): not a HAR cassette: it needs a \"log\" object with an \"entries\" array", status: .malformedInput)
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

    /// Options of running scripts do not apply to reading a cassette.
    static func refuse(_ script: ScriptOptions) throws {
        let variables = [("--var", !script.variables.isEmpty), ("--vars-file", script.varsFile != nil)]
        try script.refuse(script.transportFlags + variables, "does not apply to vsh cassette")
    }

    static func read(_ file: String) throws -> [UInt8] {
        switch FileSystem.read(file, limit: FileSystem.Limit.cassette) {
        case .success(let bytes): return bytes
        case .failure(.missing): throw UsageFailure("no such file: \(file)")
        case .failure(let error): throw UsageFailure("\(file): \(error.message(for: "a cassette"))", status: error.status)
        }
    }

    static func load(_ file: String) throws -> Cassette {
        do {
            return try HARFormat.decode(try read(file))
        } catch let error as CassetteError {
            throw UsageFailure("\(file): not a cassette vsh can read: \(error.message)", status: .malformedInput)
        }
    }
}
