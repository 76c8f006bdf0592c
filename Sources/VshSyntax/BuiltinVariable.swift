/// The variables the runtime defines itself: what the checker will not let a script
/// assign, what the prompt completes after `$`, and what the interpreter reads from the
/// run's state rather than from its variables. The one list of them.
public enum BuiltinVariable: String, CaseIterable, Sendable {
    /// The current session's uuid.
    case session
    /// The code the sandbox sent for the current session (or `VSH_OTP` on live).
    case otp
    /// The transport the script runs on: `sandbox`, `live`, `record` or `replay`.
    case transport
    /// The innermost loop's iteration (from 1): of a `repeat`, a `for`, or a `poll`'s attempts.
    case iteration

    /// Their names, for lookups.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))
}
