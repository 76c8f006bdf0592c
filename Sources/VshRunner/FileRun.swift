import VerifyAPI
import VerifyCassette
import VshRuntime
import VshSyntax
import VshSystem

/// Running one file: read, parse and check it, make its transport, run it, keep its cassette.
extension ScriptRunner {
    /// Parses, checks and runs one file.
    public func run(_ input: ScriptInput) async -> FileResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = FileResult(input: input, status: .success, duration: .zero)
        let checked: CheckedScript
        switch CheckedScript.read(input, predefined: Set(configuration.variables.keys).union(configuration.environment.keys)) {
        case .success(let read): checked = read
        case .failure(let error):
            console.err(printer.render(error))
            result.fail(error, of: input)
            return result
        }
        let (file, script, problems) = (checked.file, checked.script, checked.problems)
        let redaction = SharedRedactor(checked.secrets(environment: configuration.environment))
        var printer = printer
        printer.redactor = redaction.current
        guard problems.isEmpty else {
            console.err(printer.render(problems, in: file))
            let first = printer.redactor.redact(problems[0])
            result.failureInfo = FileFailure(
                kind: .malformed, line: first.range.lowerBound.line, column: first.range.lowerBound.column,
                message: first.message + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""), details: first.details,
                file: first.source?.file.name)
            result.status = .malformedInput
            result.failure = problems.count == 1 ? "1 error" : "\(problems.count) errors"
            result.duration = clock.now - start
            return result
        }
        if configuration.verbose, configuration.summary { console.out(console.styled(input.name, .bold) + "\n") }

        let transport: any Transport
        switch makeTransport(for: input, redaction: redaction) {
        case .success(let made): transport = made
        case .failure(let error):
            console.err(printer.render(error))
            result.fail(error, of: input)
            result.duration = clock.now - start
            return result
        }
        let counter = Counter()
        let events = EventPrinter(console: console, file: file, verbose: configuration.verbose, counter: counter, redaction: redaction)
        let interpreter = Interpreter(
            transport: transport,
            options: .init(environment: configuration.environment, variables: configuration.variables),
            redaction: redaction,
            events: events.handle)
        interpreter.scriptName = input.name
        do {
            try await interpreter.run(script)
        } catch let failure {
            printer.redactor = redaction.current
            var error = failure
            error.diagnostic = printer.redactor.redact(failure.diagnostic)
            console.err(printer.render(error.diagnostic, in: file))
            result.status = error.status
            let at = error.diagnostic.range.lowerBound
            let inFile = error.diagnostic.source.map { "\($0.file.name) " } ?? ""
            result.failure = "\(inFile)line \(at.line): \(error.kind == .assertion ? "assertion failed" : "runtime failure")"
            result.failureInfo = FileFailure(
                kind: error.kind == .assertion ? .assertion : .runtime, line: at.line, column: at.column,
                message: error.diagnostic.message, details: error.diagnostic.details, file: error.diagnostic.source?.file.name,
                iterations: error.iterations)
            if error.kind == .assertion {
                let source = error.diagnostic.source?.file ?? file
                counter.steps.append(
                    Step(
                        kind: .assertion, line: at.line, column: at.column,
                        text: printer.redactor.redact(sourceLine: source.lineText(at.line).trimmingSpaces),
                        outcome: .failed, duration: .zero, message: error.diagnostic.message, details: error.diagnostic.details,
                        file: error.diagnostic.source?.file.name, iterations: error.iterations))
            }
        }
        // Secrets learned late (an `auth` near the end) are kept out of earlier steps too.
        let final = redaction.current
        result.steps = counter.steps.map { step in
            var step = step
            step.text = final.redact(sourceLine: step.text)
            step.message = step.message.map { final.redact($0) }
            step.details = step.details.map { final.redact($0) }
            return step
        }
        if var info = result.failureInfo {
            info.message = final.redact(info.message)
            info.details = info.details.map { final.redact($0) }
            result.failureInfo = info
        }
        finishCassette(transport, input: input, result: &result)
        result.omittedSteps = counter.omitted
        result.requests = counter.requests
        result.assertions = counter.assertions
        result.duration = clock.now - start
        return result
    }
}

/// Counts what a run did, for its result line, and keeps its steps for the reports.
final class Counter: @unchecked Sendable {
    // Only touched from the one task that runs the file.
    var requests = 0
    var assertions = 0
    var steps: [Step] = []
    var omitted = 0

    /// The most passed steps a file's report keeps: a loop of a million iterations makes a
    /// report of the first ones and a count, not two million entries.
    static let maxSteps = 10_000

    /// Keeps the step `make` builds, or only counts it once ``maxSteps`` are kept (then it is
    /// not built: its text costs a redaction pass).
    func keep(_ make: () -> Step) {
        if steps.count < Counter.maxSteps { steps.append(make()) } else { omitted += 1 }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
