import VerifyAPI
import VshSyntax

/// What the interpreter reports as it runs, for the runner and the REPL to show.
public enum RunEvent: Sendable {
    /// `print` output.
    case printed(String, StatementSite)
    /// A request and its answer (the request without credentials).
    case exchange(APIRequest, APIResponse, Duration, StatementSite)
    /// An `assert` that held.
    case assertionPassed(StatementSite)
    /// The current session changed.
    case sessionChanged(String?)
    /// `sleep` moved time on.
    case slept(Duration, StatementSite)
    /// `fault` armed one (its id, `f1`) or cleared them (nil).
    case faulted(String?, StatementSite)
    /// A `poll`'s condition held, after this many attempts and this much waiting.
    case polled(attempts: Int, waited: Duration, StatementSite)
}

/// A statement that ran, and where: the included file it is in, the loop iterations.
public struct StatementSite: Sendable {
    public var statement: Statement
    /// The included file the statement is in; nil when it is the script's own.
    public var file: SourceFile?
    /// The iteration (from 1) of each loop the statement is in, outermost first.
    public var iterations: [Int]

    public init(_ statement: Statement, file: SourceFile? = nil, iterations: [Int] = []) {
        self.statement = statement
        self.file = file
        self.iterations = iterations
    }

    /// Where the statement starts.
    public var location: SourceLocation { statement.range.lowerBound }
}
