import VshSyntax
import VshSystem

/// What happened to one file.
public struct FileResult: Sendable {
    public var input: ScriptInput
    public var status: ExitStatus
    public var duration: Duration
    public var requests = 0
    public var assertions = 0
    /// `line 12: assertion failed`, for the result line.
    public var failure: String?
    /// `recorded 4 exchanges in examples/a.har`, printed after the result line.
    public var notes: [String] = []
    /// The requests and assertions, in order, for the reports (the first
    /// ``Counter/maxSteps`` that passed, and every one that failed).
    public var steps: [Step] = []
    /// Steps that passed beyond ``Counter/maxSteps``: counted, not kept.
    public var omittedSteps = 0
    /// Why it failed, for the reports.
    public var failureInfo: FileFailure?
    /// Not started: an earlier file failed and `--fail-fast` was given.
    public var notRun = false
    /// What the file printed (stdout and stderr, in order), when its output was held back.
    var output: [(Console.Stream, String)] = []
}

/// One step of a file's run, for the reports: a request or an assertion.
public struct Step: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case request, assertion
    }

    public enum Outcome: String, Sendable {
        case passed, failed, error
    }

    public var kind: Kind
    public var line: Int
    public var column: Int
    /// The statement as written: `assert status == 202`, `session create recipient=…`.
    public var text: String
    public var outcome: Outcome
    public var duration: Duration
    /// A request's answer status.
    public var status: Int?
    /// Why it failed, with the details lines (expected / actual).
    public var message: String?
    public var details: [String] = []
    /// The included file the statement is in; nil when it is the file's own.
    public var file: String?
    /// The iteration (from 1) of each loop it ran in, outermost first.
    public var iterations: [Int] = []

    /// `line 12`, `line 12, iteration 3`, `flows/signup.vsh line 4, iteration 2.3`: how the
    /// reports name the step.
    public var place: String { Step.place(file: file, line: line, iterations: iterations) }

    static func place(file: String?, line: Int, iterations: [Int]) -> String {
        var out = (file.map { "\($0) " } ?? "") + "line \(line)"
        if !iterations.isEmpty { out += ", iteration " + iterations.map(String.init).joined(separator: ".") }
        return out
    }
}

/// Why a file failed, for the reports.
public struct FileFailure: Sendable, Equatable {
    /// What failed: the word the reports write (`type` in JUnit, `kind` in JSON).
    public enum Kind: String, Sendable {
        case assertion, runtime, malformed, usage
    }

    public var kind: Kind
    public var line: Int?
    public var column: Int?
    public var message: String
    public var details: [String] = []
    /// The included file `line` is in; nil when it is the file's own.
    public var file: String?
    /// The iteration (from 1) of each loop the failure happened in, outermost first.
    public var iterations: [Int] = []
}

extension FileFailure.Kind {
    /// The kind of a file that could not start, from its exit status.
    init(_ status: ExitStatus) {
        switch status {
        case .success, .usage: self = .usage
        case .malformedInput: self = .malformed
        case .runtimeFailure: self = .runtime
        case .assertionFailed: self = .assertion
        }
    }
}

extension FileResult {
    /// The file did not start: `error` says why (a script that cannot be read, a cassette
    /// that is missing or is no cassette).
    mutating func fail(_ error: CommandError, of input: ScriptInput) {
        status = error.status
        failure = error.message
        let about = error.file.flatMap { $0 == input.name ? nil : $0 }
        failureInfo = FileFailure(kind: FileFailure.Kind(error.status), message: about.map { "\($0): \(error.message)" } ?? error.message)
    }
}
