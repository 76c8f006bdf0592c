import VerifyAPI
import VshSyntax

/// Running the block commands (`repeat`, `for`, `poll`) and `include`.
extension Interpreter {
    /// The statement with where it runs, for events.
    func site(_ statement: Statement) -> StatementSite {
        StatementSite(statement, file: includedFile, iterations: iterations)
    }

    /// `repeat N { … }`
    func runRepeat(_ count: Argument, _ body: Block, _ statement: Statement) async throws(RunFailure) {
        let text = try await resolve(count)
        guard let times = Int(text), times >= 1, times <= Block.maxIterations else {
            throw RunFailure.runtime(
                "a repeat count is a whole number from 1 to \(Block.maxIterations), got \(redactor.redact(JSONValue.string(text)).shown)", at: count.range)
        }
        for iteration in 1...times {
            try await loop(iteration, of: times, body.statements, lastExpects: false)
        }
    }

    /// `for NAME in LIST { … }`
    func runFor(_ name: Identifier, _ list: Expression, _ body: Block, _ statement: Statement) async throws(RunFailure) {
        let value = try await require(list)
        guard case .array(let items) = value else {
            let what: String = if case .literal = list.kind { "this" } else if case .string = list.kind { "this" } else { "`\(describe(list))`" }
            throw RunFailure.runtime("`for` goes over a list, and \(what) is \(value.typeNameWithArticle)", at: list.range,
                                     details: ["value: \(redactor.redact(value).shown)"])
        }
        for (index, item) in items.enumerated() {
            setVariable(name.name, item)
            try await loop(index + 1, of: items.count, body.statements, lastExpects: false)
        }
    }

    /// Runs a loop's body once as iteration `iteration` (from 1); a failure in it says which.
    private func loop(_ iteration: Int, of total: Int?, _ statements: [Statement], lastExpects: Bool) async throws(RunFailure) {
        iterations.append(iteration)
        defer { iterations.removeLast() }
        do {
            try await run(statements, lastExpects: lastExpects)
        } catch var failure {
            if failure.iterations.isEmpty {
                failure.iterations = iterations
                failure.diagnostic.message += " (\(Interpreter.iterationText(iteration, of: total)))"
            }
            throw failure
        }
    }

    static func iterationText(_ iteration: Int, of total: Int?) -> String {
        total.map { "iteration \(iteration) of \($0)" } ?? "attempt \(iteration)"
    }

    /// `poll every D timeout T until CONDITION { … }`: the block, then the condition; until it
    /// holds, a wait and another attempt. The waits are the transport's: instant on a
    /// virtual clock (the sandbox's, replay's), real on live. The time counted against the
    /// timeout is the longer of the waits and the time that really passed.
    func runPoll(_ poll: Poll, _ body: Block, _ statement: Statement) async throws(RunFailure) {
        let clock = ContinuousClock()
        let start = clock.now
        var waited = Duration.zero
        var attempt = 0
        while true {
            attempt += 1
            try await loop(attempt, of: nil, body.statements, lastExpects: poll.condition.readsStatus)
            iterations.append(attempt)
            let verdict = try await judge(poll.condition)
            iterations.removeLast()
            if verdict.holds {
                events(.polled(attempts: attempt, waited: waited, site(statement)))
                return
            }
            let elapsed = max(waited, clock.now - start)
            guard elapsed + poll.interval <= poll.timeout, attempt < Block.maxIterations else {
                var details = ["expected: \(verdict.expected)", "  actual: \(verdict.actual)"]
                if let last = lastResponse {
                    details.append("last answer: \(last.statusLine)\(last.json.map { " " + redactor.redact($0).shown } ?? "")")
                }
                throw RunFailure.runtime(
                    "poll timed out after \(DurationText.format(poll.timeout)): \(attempt) attempt\(attempt == 1 ? "" : "s") every \(DurationText.format(poll.interval)), and the condition never held",
                    at: statement.range, details: details, hint: "wait longer with a larger `timeout`, or check the condition")
            }
            do {
                try await transport.sleep(for: poll.interval, as: try? await requireCredentials(statement))
            } catch {
                throw failure(error, statement)
            }
            waited += poll.interval
        }
    }

    /// `include "PATH" NAME=VALUE…`: the parameters become variables, then the included
    /// script runs here, sharing everything. A failure in it shows the chain of includes.
    func runInclude(_ include: Include, _ statement: Statement) async throws(RunFailure) {
        guard let unit = include.unit else {
            throw RunFailure.runtime("\(include.path) was not loaded", at: include.pathRange)
        }
        // A variable passed keeps its value (a number stays a number); anything else is text.
        for parameter in include.parameters {
            if case .variable(let name) = parameter.value.kind {
                setVariable(parameter.name.name, try await variable(Identifier(name, range: parameter.value.range)))
            } else {
                setVariable(parameter.name.name, .string(try await resolve(parameter.value)))
            }
        }
        let site = IncludeSite(file: includedFile?.name ?? scriptName, location: statement.range.lowerBound)
        let outer = includedFile
        includedFile = unit.file
        defer { includedFile = outer }
        do {
            try await run(unit.script.statements, lastExpects: false)
        } catch var failure {
            failure.diagnostic = failure.diagnostic.included(from: site, unit: unit.file)
            throw failure
        }
    }
}
