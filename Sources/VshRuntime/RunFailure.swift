import VshSyntax

/// Why a script stopped: a runtime failure (exit 3) or a failed assertion (exit 4),
/// with a diagnostic pinned to the statement that stopped it.
public struct RunFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Network, timeout, replay miss, missing code, an unexpected error answer, a missing value.
        case runtime
        /// An `assert` did not hold.
        case assertion
    }

    public var kind: Kind
    public var diagnostic: Diagnostic
    /// The iteration (from 1) of each loop the failing statement was in, outermost first.
    public var iterations: [Int] = []

    public init(_ kind: Kind, _ diagnostic: Diagnostic) {
        self.kind = kind
        self.diagnostic = diagnostic
    }

    static func runtime(_ message: String, at range: SourceRange, details: [String] = [], hint: String? = nil) -> RunFailure {
        RunFailure(.runtime, Diagnostic(message, at: range, details: details, hint: hint))
    }

    /// The exit status SPEC section 2 gives this failure.
    public var status: ExitStatus {
        switch kind {
        case .runtime: .runtimeFailure
        case .assertion: .assertionFailed
        }
    }
}
