import VerifyAPI

/// The machine-readable results of a run: JUnit XML (Jenkins, GitLab, GitHub) and JSON.
public enum RunReport {
    // MARK: JUnit

    /// A `<testsuite>` per file, a `<testcase>` per assertion; a request that failed at
    /// run time, or a file that did not parse or start, is a testcase with an `<error>`.
    /// A file that passed without any assertion still shows as one testcase (`run`).
    public static func junit(_ results: [FileResult], duration: Duration, timestamp: Timestamp) -> String {
        var suites = ""
        var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
        for result in results {
            var cases: [(name: String, line: Int?, time: Duration, body: String, failure: Bool, error: Bool, skipped: Bool, file: String?)] = []
            for step in result.steps where step.kind == .assertion {
                let body: String
                switch step.outcome {
                case .passed: body = ""
                case .failed:
                    body = "<failure message=\"\(attribute(step.message ?? "assertion failed"))\" type=\"assertion\">\(text(failureText(result, step)))</failure>"
                case .error:
                    body = "<error message=\"\(attribute(step.message ?? "error"))\" type=\"runtime\">\(text(failureText(result, step)))</error>"
                }
                cases.append(("\(step.place): \(step.text)", step.line, step.duration, body, step.outcome == .failed, step.outcome == .error, false, step.file))
            }
            if let failure = result.failureInfo, failure.kind != .assertion {
                let location = failure.line.map { ":\($0)" + (failure.column.map { ":\($0)" } ?? "") } ?? ""
                let message = "\(failure.file ?? result.input.name)\(location): \(failure.message)" + failure.details.map { "\n  \($0)" }.joined()
                let name = failure.line.map { Step.place(file: failure.file, line: $0, iterations: failure.iterations) + ": \(failure.kind.rawValue) failure" }
                    ?? "\(failure.kind.rawValue) failure"
                cases.append((name, failure.line, .zero, "<error message=\"\(attribute(failure.message))\" type=\"\(failure.kind.rawValue)\">\(text(message))</error>", false, true, false, failure.file))
            }
            if result.notRun {
                cases.append(("not run (--fail-fast)", nil, .zero, "<skipped message=\"not run: an earlier file failed and --fail-fast was given\"/>", false, false, true, nil))
            } else if cases.isEmpty {
                cases.append(("run", nil, result.duration, "", false, false, false, nil))
            }
            let omitted = result.omittedSteps > 0 ? "    <system-out>\(result.omittedSteps) more steps passed and are not listed (a report keeps the first 10,000 of a file)</system-out>\n" : ""
            let failures = cases.filter(\.failure).count
            let errors = cases.filter(\.error).count
            let skipped = cases.filter(\.skipped).count
            totals.tests += cases.count
            totals.failures += failures
            totals.errors += errors
            totals.skipped += skipped
            let name = attribute(result.input.name)
            suites += "  <testsuite name=\"\(name)\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds(result.duration))\" timestamp=\"\(timestamp.iso8601)\" file=\"\(name)\">\n"
            for testcase in cases {
                let line = testcase.line.map { " line=\"\($0)\"" } ?? ""
                // A step of an included file names that file, with its own line.
                let file = testcase.file.map(attribute) ?? name
                let open = "    <testcase name=\"\(attribute(testcase.name))\" classname=\"\(name)\" file=\"\(file)\"\(line) time=\"\(seconds(testcase.time))\""
                suites += testcase.body.isEmpty ? open + "/>\n" : open + ">\n      \(testcase.body)\n    </testcase>\n"
            }
            suites += omitted + "  </testsuite>\n"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="vsh" tests="\(totals.tests)" failures="\(totals.failures)" errors="\(totals.errors)" skipped="\(totals.skipped)" time="\(seconds(duration))">

            """ + suites + "</testsuites>\n"
    }

    static func failureText(_ result: FileResult, _ step: Step) -> String {
        "\(step.file ?? result.input.name):\(step.line):\(step.column): \(step.message ?? "failed")" + step.details.map { "\n  \($0)" }.joined()
    }

    /// Seconds with millisecond precision: `0.012`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        let milliseconds = whole * 1000 + attoseconds / 1_000_000_000_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Text safe inside a double-quoted XML attribute (control characters XML 1.0 forbids are dropped).
    static func attribute(_ value: String) -> String { escaped(value, inAttribute: true) }

    /// Text safe as XML character data.
    static func text(_ value: String) -> String { escaped(value, inAttribute: false) }

    private static func escaped(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: JSON

    /// `{"vsh": …, "summary": {…}, "files": [{"file", "status", "exit_code", "duration_ms", "requests",
    /// "assertions", "steps": […], "failures": […]}]}`.
    public static func json(_ results: [FileResult], duration: Duration, timestamp: Timestamp) -> String {
        let passed = results.filter { $0.status == .success && !$0.notRun }.count
        let notRun = results.filter(\.notRun).count
        let files: [JSONValue] = results.map { result in
            var failures: [JSONValue] = []
            if let failure = result.failureInfo {
                failures.append(.object([
                    "kind": .string(failure.kind.rawValue), "line": failure.line.map { .number(Double($0)) } ?? .null,
                    "column": failure.column.map { .number(Double($0)) } ?? .null, "message": .string(failure.message),
                    "details": .array(failure.details.map(JSONValue.string)),
                    "file": failure.file.map(JSONValue.string) ?? .null,
                    "iteration": .array(failure.iterations.map { .number(Double($0)) }),
                ]))
            }
            let status = result.notRun ? "not_run" : result.status == .success ? "passed" : "failed"
            return .object([
                "file": .string(result.input.name), "status": .string(status), "exit_code": .number(Double(result.status.rawValue)),
                "duration_ms": .number(milliseconds(result.duration)), "requests": .number(Double(result.requests)),
                "assertions": .number(Double(result.assertions)), "steps_omitted": .number(Double(result.omittedSteps)),
                "steps": .array(result.steps.map { step in
                    var pairs: [(key: String, value: JSONValue)] = [
                        ("kind", .string(step.kind.rawValue)), ("line", .number(Double(step.line))), ("column", .number(Double(step.column))),
                        ("text", .string(step.text)), ("outcome", .string(step.outcome.rawValue)), ("duration_ms", .number(milliseconds(step.duration))),
                    ]
                    if let status = step.status { pairs.append(("status", .number(Double(status)))) }
                    if let file = step.file { pairs.append(("file", .string(file))) }
                    if !step.iterations.isEmpty { pairs.append(("iteration", .array(step.iterations.map { .number(Double($0)) }))) }
                    if let message = step.message { pairs.append(("message", .string(message))) }
                    if !step.details.isEmpty { pairs.append(("details", .array(step.details.map(JSONValue.string)))) }
                    return .object(pairs)
                }),
                "failures": .array(failures),
            ])
        }
        let exitCode = results.map(\.status.rawValue).max() ?? 0
        let document = JSONValue.object([
            "vsh": .string(VshVersion.current), "started_at": .string(timestamp.iso8601),
            "summary": .object([
                "files": .number(Double(results.count)), "passed": .number(Double(passed)),
                "failed": .number(Double(results.count - passed - notRun)), "not_run": .number(Double(notRun)),
                "exit_code": .number(Double(exitCode)), "duration_ms": .number(milliseconds(duration)),
            ]),
            "files": .array(files),
        ])
        return document.prettyText + "\n"
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000
    }
}
