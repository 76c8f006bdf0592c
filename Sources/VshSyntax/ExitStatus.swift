/// The exit codes of SPEC section 2. With several files, the highest wins.
public enum ExitStatus: Int32, Sendable, Comparable, CaseIterable {
    /// Every script ran and every assertion held.
    case success = 0
    /// Usage error: unknown flag, missing file.
    case usage = 1
    /// Malformed input: a script, a cassette, a `--var`.
    case malformedInput = 2
    /// Runtime failure: network, timeout, transport error, replay miss, missing OTP.
    case runtimeFailure = 3
    /// An assertion failed.
    case assertionFailed = 4

    public static func < (a: ExitStatus, b: ExitStatus) -> Bool { a.rawValue < b.rawValue }
}
