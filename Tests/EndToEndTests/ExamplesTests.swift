import Foundation
import Testing

/// The examples are the product's showcase: each must pass on the embedded sandbox.
@Suite struct ExamplesTests {
    /// Every scenario below examples/, as `vsh run examples` finds them: not the shared parts
    /// the scenarios include (examples/suite/flows/), which run only through them.
    static let examples: [String] = {
        let folder = VshProcess.root.appendingPathComponent("examples")
        let names = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String]) ?? []
        return names.filter { $0.hasSuffix(".vsh") && !$0.split(separator: "/").contains("flows") && !$0.hasPrefix("app/") }.sorted()
    }()

    /// The examples at the top of examples/: scripts that stand alone (no include), to copy.
    static var standalone: [String] { examples.filter { !$0.contains("/") } }

    @Test func thereAreAtLeastSevenScenarios() {
        #expect(Self.examples.count >= 7)
    }

    /// Where an example's requests go: each door must give the same passing run.
    enum Door: String, CaseIterable, CustomTestStringConvertible {
        /// The embedded sandbox, the default.
        case sandbox
        /// `--transport live` against the real `vsh-sandbox` over loopback.
        case live
        /// `--transport replay --strict` from the cassette beside the example.
        case replay

        var testDescription: String { rawValue }

        /// Runs `body` with the flags and environment of this door.
        func open<T>(_ body: (_ flags: [String], _ environment: [String: String]) throws -> T) throws -> T {
            switch self {
            case .sandbox: return try body([], [:])
            case .replay: return try body(["--transport", "replay", "--strict"], [:])
            case .live:
                return try SandboxProcess.withServer(["--otp", LiveTransportTests.code]) { url in
                    try body(["--transport", "live", "--base-url", url], LiveTransportTests.environment())
                }
            }
        }
    }

    /// One test body over every door (as the server's EndpointTests run one body over its clients).
    @Test(arguments: Door.allCases, examples)
    func examplePasses(through door: Door, _ name: String) throws {
        try #require(door != .live || SandboxProcess.isBuilt, "vsh-sandbox is not built beside vsh")
        let outcome = try door.open { flags, environment in try VshProcess.run(["run"] + flags + ["examples/\(name)"], environment: environment) }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("✓ examples/\(name)"))
        #expect(outcome.stdout.contains("1 passed, 0 failed"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func directoryRunsEveryExampleInOrder() throws {
        let outcome = try VshProcess.run(["run", "examples"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("✓ ") }.map { String($0.split(separator: " ")[1]) }
        #expect(lines == Self.examples.map { "examples/\($0)" })
        #expect(outcome.stdout.contains("\(Self.examples.count) passed, 0 failed"))
    }

    @Test func checkAcceptsEveryExample() throws {
        let outcome = try VshProcess.run(["check", "examples"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
    }

    @Test func verboseShowsRequestsAndAssertions() throws {
        let outcome = try VshProcess.run(["run", "--verbose", "examples/01-quickstart.vsh"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("POST /v1/Account/MASANDBOX00000000000/Verify/Session/ → 202 Accepted"))
        #expect(outcome.stdout.contains("✓ assert body.status == \"verified\""))
        #expect(outcome.stdout.contains("GET /v1/Account/MASANDBOX00000000000/Verify/Session/?status=verified&limit=5 → 200 OK"))
        #expect(!outcome.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    }
}
