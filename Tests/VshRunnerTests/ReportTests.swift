import Foundation
import Testing
import VerifyAPI
import VshRunner
import VshSyntax
import VshTestSupport

/// `--report-junit` and `--report-json`, written by a real run and read back as a CI would.
@Suite struct ReportTests {
    func run(_ files: KeyValuePairs<String, String>) async throws -> (status: VshSyntax.ExitStatus, junit: String, json: JSONValue) {
        let (folder, inputs) = try scripts(files)
        let junit = folder.appendingPathComponent("report.xml").path
        let json = folder.appendingPathComponent("report.json").path
        let (runner, _) = makeRunner {
            $0.junitReport = junit
            $0.jsonReport = json
            $0.jobs = 1
        }
        let status = await runner.run(inputs)
        let document = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: json))))
        return (status, try String(contentsOfFile: junit, encoding: .utf8), document)
    }

    @Test func theJSONReportCountsWhatRan() async throws {
        let (status, _, json) = try await run(["a.vsh": passingFlow, "b.vsh": "session create recipient=+14155550100\nassert status == 200\n"])
        #expect(status == .assertionFailed)
        #expect(json["summary"]?["files"] == .number(2))
        #expect(json["summary"]?["passed"] == .number(1))
        #expect(json["summary"]?["failed"] == .number(1))
        #expect(json["summary"]?["exit_code"] == .number(4))
        let b = json["files"]?[1]
        #expect(b?["file"] == .string("b.vsh"))
        #expect(b?["status"] == .string("failed"))
        #expect(b?["failures"]?[0]?["kind"] == .string("assertion"))
        #expect(b?["failures"]?[0]?["line"] == .number(2))
        // One request and the failed assertion, in order, with what failed.
        #expect(b?["steps"]?[0]?["kind"] == .string("request"))
        #expect(b?["steps"]?[0]?["status"] == .number(202))
        #expect(b?["steps"]?[1]?["outcome"] == .string("failed"))
        #expect(b?["steps"]?[1]?["text"] == .string("assert status == 200"))
    }

    @Test func theJUnitReportHasASuitePerFileAndACasePerAssertion() async throws {
        let (_, junit, _) = try await run(["a.vsh": passingFlow, "b & <c>.vsh": "session create recipient=+14155550100\nassert status == 200\n"])
        #expect(junit.hasPrefix("<?xml"))
        #expect(junit.components(separatedBy: "<testsuite ").count - 1 == 2)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 4, "3 assertions in a.vsh, 1 in b")
        #expect(junit.components(separatedBy: "<failure ").count - 1 == 1)
        #expect(junit.contains("b &amp; &lt;c&gt;.vsh"), "names are escaped")
        #expect(!junit.contains("b & <c>"))
    }

    @Test func aMalformedFileIsAnErrorCaseWithItsLine() async throws {
        let (status, junit, json) = try await run(["bad.vsh": "print 1\nsesion get\n"])
        #expect(status == .malformedInput)
        #expect(json["files"]?[0]?["failures"]?[0]?["kind"] == .string("malformed"))
        #expect(json["files"]?[0]?["failures"]?[0]?["line"] == .number(2))
        #expect(junit.contains("<error "))
    }

    @Test func noTokenReachesAReport() async throws {
        let token = "Zq8LmN3pR7sT1vW5xY9b"
        let (_, junit, json) = try await run(["a.vsh": "auth MA2025RK4E639VJFZAGV \(token)\nsession create recipient=+14155550100\nassert \"\(token)\" == \"x\"\n"])
        #expect(!junit.contains(token))
        #expect(!json.compactText.contains(token))
        #expect(junit.contains("[redacted]"))
    }
}
