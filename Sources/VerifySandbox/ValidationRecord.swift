import VerifyAPI

/// One validation request a session saw, judged or refused, for its timeline: when, and
/// how the sandbox answered it. A body refused as malformed is not kept (it never reached
/// the session's checks, and does not count as an attempt).
struct ValidationRecord: Sendable, Equatable {
    enum Result: Sendable, Equatable {
        /// The right code: the session is verified.
        case verified
        /// A wrong code, counted as an attempt.
        case incorrect
        /// Refused before the code was judged (`session expired`, `session already
        /// verified`, `maximum validation attempts exceeded`): not counted.
        case refused(SandboxError)
    }

    var at: Timestamp
    var result: Result

    /// Kept per session; past it the oldest refused ones go first (a script that hammers an
    /// expired session must not grow the sandbox without bound).
    static let maximumKept = 50

    var json: JSONValue {
        let (outcome, error): (String, JSONValue) =
            switch result {
            case .verified: ("verified", .null)
            case .incorrect: ("incorrect", .string(SandboxError.incorrectOTP.text))
            case .refused(let refusal): ("refused", .string(refusal.text))
            }
        return .object(["at": .string(at.iso8601), "result": .string(outcome), "error": error])
    }
}

extension SessionRecord {
    /// Adds one to the session's validation log, dropping the oldest refusal (then the oldest
    /// entry) past ``ValidationRecord/maximumKept``.
    mutating func log(_ validation: ValidationRecord) {
        validations.append(validation)
        guard validations.count > ValidationRecord.maximumKept else { return }
        let oldestRefusal = validations.firstIndex {
            if case .refused = $0.result { return true }
            return false
        }
        validations.remove(at: oldestRefusal ?? 0)
        validationsDropped += 1
    }
}
