import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `vsh run` for CI: --jobs, --quiet, reports, --shard, --fail-fast, variables from files
/// and the environment.
struct RunnerTests {
    /// A folder of scripts: the standalone examples twice over, one that fails an assertion, one
    /// that needs `$x`, one that does not parse.
    /// How many scripts ``folder()`` holds.
    static var fileCount: Int { 2 * ExamplesTests.standalone.count + 3 }

    static func folder() throws -> URL {
        let dir = try VshProcess.temporaryDirectory()
        for (index, example) in (ExamplesTests.standalone + ExamplesTests.standalone).enumerated() {
            let source = VshProcess.root.appendingPathComponent("examples/\(example)")
            try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(String(format: "%02d-%@", index, example)))
        }
        try dir.write("50-fails.vsh", "session create recipient=+14155550100\nassert status == 201\n")
        try dir.write("51-var.vsh", "print \"x is $x\"\nassert $x == \"1\"\n")
        try dir.write("52-broken.vsh", "session create recipient=\n")
        return dir
    }

    @Test func parallelRunsGiveTheSameResultsInTheSameOrderAsSequentialOnes() throws {
        let dir = try Self.folder()
        let sequential = try VshProcess.run(["run", "--jobs", "1", "--var", "x=1", dir.path])
        let parallel = try VshProcess.run(["run", "--jobs", "4", "--var", "x=1", dir.path])
        #expect(sequential.status == 4)
        #expect(parallel.status == sequential.status)
        func lines(_ text: String) -> [String] {
            // The result lines and the summary, without their timings (the examples print random uuids too).
            text.split(separator: "\n").filter { $0.hasPrefix("✓") || $0.hasPrefix("✗") || $0.contains(" passed, ") }.map { line in
                line.replacing(/\ [0-9.]+ m?s\)?$/, with: "").replacing(/\([0-9.]+ m?s\)/, with: "")
            }.map(String.init)
        }
        #expect(lines(parallel.stdout) == lines(sequential.stdout))
        #expect(parallel.stderr == sequential.stderr)
        // The examples twice and 51-var (its $x is given) pass; 50-fails and 52-broken fail.
        let summary = "\(2 * ExamplesTests.standalone.count + 1) passed, 2 failed"
        #expect(sequential.stdout.contains(summary), "stdout: \(sequential.stdout)")
        #expect(parallel.stdout.contains(summary), "stdout: \(parallel.stdout)")
    }

    @Test func quietPrintsOnlyFailuresAndTheSummary() throws {
        let dir = try Self.folder()
        let outcome = try VshProcess.run(["run", "--quiet", "--var", "x=1", dir.path])
        #expect(outcome.status == 4)
        #expect(!outcome.stdout.contains("✓"))
        #expect(!outcome.stdout.contains("x is 1"), "a passing file's output is not shown")
        #expect(outcome.stdout.contains("✗ \(dir.path)/50-fails.vsh (line 2: assertion failed)"))
        #expect(outcome.stdout.contains("✗ \(dir.path)/52-broken.vsh"))
        #expect(outcome.stderr.contains("50-fails.vsh:2:8: error: assertion failed"))
    }

    @Test func junitReportParsesBackWithMatchingCounts() throws {
        let dir = try Self.folder()
        let report = dir.appendingPathComponent("out/junit.xml")
        try FileManager.default.createDirectory(at: report.deletingLastPathComponent(), withIntermediateDirectories: true)
        let outcome = try VshProcess.run(["run", "--jobs", "2", "--report-junit", report.path, dir.path])
        #expect(outcome.status == 4)
        let document = try XMLDocument(contentsOf: report)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.count == RunnerTests.fileCount)
        let cases = suites.flatMap { $0.elements(forName: "testcase") }
        #expect(root.attribute(forName: "tests")?.stringValue == String(cases.count))
        let failures = cases.filter { !$0.elements(forName: "failure").isEmpty }
        let errors = cases.filter { !$0.elements(forName: "error").isEmpty }
        #expect(root.attribute(forName: "failures")?.stringValue == String(failures.count))
        #expect(root.attribute(forName: "errors")?.stringValue == String(errors.count))
        // 50-fails: its assertion fails; 51-var: $x is undefined (malformed: exit 2); 52-broken: does not parse.
        #expect(failures.count == 1)
        #expect(errors.count == 2)
        let failed = try #require(failures.first)
        #expect(failed.attribute(forName: "name")?.stringValue == "line 2: assert status == 201")
        #expect(failed.attribute(forName: "line")?.stringValue == "2")
        let message = failed.elements(forName: "failure").first?.stringValue ?? ""
        #expect(message.contains("50-fails.vsh:2:8: assertion failed"))
        #expect(message.contains("expected: 201"))
        // Every passing assertion of the quickstart is a testcase.
        let quickstart = try #require(suites.first { $0.attribute(forName: "name")?.stringValue?.hasSuffix("00-01-quickstart.vsh") == true })
        #expect(quickstart.attribute(forName: "tests")?.stringValue == "15")
    }

    @Test func jsonReportHasOneObjectPerFile() throws {
        let dir = try Self.folder()
        let report = dir.appendingPathComponent("report.json").path
        let outcome = try VshProcess.run(["run", "--var", "x=1", "--report-json", report, dir.path])
        #expect(outcome.status == 4)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let files = try #require(json?["files"] as? [[String: Any]])
        #expect(files.count == RunnerTests.fileCount)
        let summary = try #require(json?["summary"] as? [String: Any])
        #expect(summary["passed"] as? Int == RunnerTests.fileCount - 2)
        #expect(summary["failed"] as? Int == 2)
        #expect(summary["exit_code"] as? Int == 4)
        let failing = try #require(files.first { ($0["file"] as? String)?.hasSuffix("50-fails.vsh") == true })
        #expect(failing["status"] as? String == "failed")
        #expect(failing["exit_code"] as? Int == 4)
        let steps = try #require(failing["steps"] as? [[String: Any]])
        #expect(steps.map { $0["kind"] as? String } == ["request", "assertion"])
        #expect(steps[0]["status"] as? Int == 202)
        #expect(steps[1]["outcome"] as? String == "failed")
        let failures = try #require(failing["failures"] as? [[String: Any]])
        #expect(failures.first?["line"] as? Int == 2)
        #expect(failures.first?["kind"] as? String == "assertion")
        #expect((failing["duration_ms"] as? Double).map { $0 >= 0 } == true)
    }

    @Test func shardsCoverEveryFileExactlyOnce() throws {
        let dir = try Self.folder()
        var seen: [String] = []
        for index in 1...3 {
            let outcome = try VshProcess.run(["run", "--shard", "\(index)/3", "--var", "x=1", dir.path])
            let files = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("✓") || $0.hasPrefix("✗") }.map { String($0.split(separator: " ")[1]) }
            #expect((RunnerTests.fileCount / 3...RunnerTests.fileCount / 3 + 1).contains(files.count))
            seen += files
        }
        #expect(seen.count == RunnerTests.fileCount)
        #expect(Set(seen).count == RunnerTests.fileCount)
        // The same list gives the same part.
        let again = try VshProcess.run(["run", "--shard", "2/3", "--var", "x=1", dir.path])
        let first = try VshProcess.run(["run", "--shard", "2/3", "--var", "x=1", dir.path])
        func files(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("✓") || $0.hasPrefix("✗") }.map { String($0.split(separator: " ")[1]) }
        }
        #expect(files(again.stdout) == files(first.stdout))
        for bad in ["0/3", "4/3", "1/0", "x", "1/2/3"] {
            let outcome = try VshProcess.run(["run", "--shard", bad, dir.path])
            #expect(outcome.status == 1, "--shard \(bad)")
            #expect(outcome.stderr.contains("--shard expects I/N"))
        }
    }

    @Test func failFastStartsNoFileAfterAFailure() throws {
        let dir = try Self.folder()
        let outcome = try VshProcess.run(["run", "--fail-fast", "--jobs", "1", "--var", "x=1", dir.path])
        #expect(outcome.status == 4)
        #expect(outcome.stdout.contains("\(2 * ExamplesTests.standalone.count) passed, 1 failed, 2 not run (--fail-fast)"))
        #expect(!outcome.stdout.contains("51-var.vsh"))
    }

    @Test func variablesFromAFileAndTheEnvironmentWithTheirPrecedence() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("a.vsh", "print \"$a $b $c\"\n")
        let vars = try dir.write("vars.env", "# comment\n\na = from-file\nb=\"quoted file\"\n")
        let outcome = try VshProcess.run(
            ["run", "--vars-file", vars, "--var", "b=from-flag", script], environment: ["VSH_VAR_a": "from-env", "VSH_VAR_c": "env-only"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("from-file from-flag env-only\n"))

        let broken = try dir.write("broken.env", "a=1\n  9lives=2\n")
        let bad = try VshProcess.run(["run", "--vars-file", broken, script])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("broken.env:2:3: error: \"9lives\" is not a variable name"))
        #expect(bad.stderr.contains(" 2 |   9lives=2\n   |   ^^^^^^"))
        #expect(try VshProcess.run(["run", "--vars-file", dir.appendingPathComponent("none.env").path, script]).status == 1)
    }

    @Test func checkCountsTheSameVariablesAsRun() throws {
        let dir = try VshProcess.temporaryDirectory()
        let script = try dir.write("a.vsh", "print \"$a $b $c\"\n")
        let vars = try dir.write("vars.env", "a=1\n")
        #expect(try VshProcess.run(["check", script]).status == 2)
        let defined = try VshProcess.run(["check", "--vars-file", vars, "--var", "b=2", script], environment: ["VSH_VAR_c": "3"])
        #expect(defined.status == 0, "stderr: \(defined.stderr)")
    }

    @Test func jobsMustBePositive() throws {
        let outcome = try VshProcess.run(["run", "--jobs", "0", "examples"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("--jobs must be 1 or more"))
    }
}
