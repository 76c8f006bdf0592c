/// The variables the runtime defines itself: what the checker will not let a script
/// assign, what the prompt completes after `$`, and what the interpreter reads from the
/// run's state rather than from its variables. The one list of them.
public enum BuiltinVariable: String, CaseIterable, Sendable {
    /// The current session's uuid.
    case session
    /// The code the sandbox sent for the current session (or `VSH_OTP` on live).
    case otp

    /// Their names, for lookups.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))
}
