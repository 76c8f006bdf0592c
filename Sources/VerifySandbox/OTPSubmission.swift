import VerifyAPI

/// The body of `POST …/Verify/Session/{uuid}/`: `{"otp": "123456"}`.
///
/// Also accepted, as Plivo's SDKs and docs send them: the key `OTP`, and a
/// redundant `session_uuid` that must name the session of the path. When both
/// `otp` and `OTP` are given, `otp` wins. The code may be a JSON string of
/// digits or a non-negative JSON integer.
struct OTPSubmission: Sendable, Equatable {
    static let keys: Set<String> = ["otp", "OTP", "session_uuid"]

    var otp: String
    /// JSON numbers cannot carry leading zeros, so an integer code is compared
    /// after padding it with zeros on the left to the code's length.
    var wasInteger: Bool

    /// Checks in order: body shape, unknown keys, `session_uuid`, then the code.
    init(body: JSONValue?, pathUUID: String) throws(SandboxError) {
        let pairs: [(key: String, value: JSONValue)]
        switch body {
        case nil: pairs = []
        case .object(let p)?: pairs = p
        default: throw .bodyNotObject
        }
        for pair in pairs where !Self.keys.contains(pair.key) { throw .unknownParameter(pair.key) }
        func value(_ name: String) -> JSONValue? {
            guard let v = pairs.first(where: { $0.key == name })?.value, !v.isNull else { return nil }
            return v
        }

        if let given = value("session_uuid") {
            guard let text = given.stringValue else { throw .notAString(parameter: "session_uuid") }
            guard text.lowercased() == pathUUID.lowercased() else { throw .sessionUUIDMismatch }
        }

        switch value("otp") ?? value("OTP") {
        case nil, .string("")?:
            throw .otpRequired
        case .string(let text)?:
            guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { throw .otpNotDigits }
            otp = text
            wasInteger = false
        case let number?:
            guard let n = number.intValue, n >= 0 else { throw .otpNotDigits }
            otp = String(n)
            wasInteger = true
        }
    }

    func matches(_ code: String) -> Bool {
        guard wasInteger, otp.count < code.count else { return otp == code }
        return String(repeating: "0", count: code.count - otp.count) + otp == code
    }
}
