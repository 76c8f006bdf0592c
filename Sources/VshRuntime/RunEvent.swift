import VerifyAPI
import VshSyntax

/// What the interpreter reports as it runs, for the runner and the REPL to show.
public enum RunEvent: Sendable {
    /// `print` output.
    case printed(String, Statement)
    /// A request and its answer (the request without credentials).
    case exchange(APIRequest, APIResponse, Duration, Statement)
    /// An `assert` that held.
    case assertionPassed(Statement)
    /// The current session changed.
    case sessionChanged(String?)
    /// `sleep` moved time on.
    case slept(Duration, Statement)
    /// `fault` armed one (its id, `f1`) or cleared them (nil).
    case faulted(String?, Statement)
}
