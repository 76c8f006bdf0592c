import HTTPTypes
import VerifyAPI

/// Every failure the sandbox answers with: one row per HTTP status and `error` text.
///
/// The texts are a stable contract: scripts assert on them and docs/sandbox.md
/// lists them row by row. Change a text only together with that table.
public enum SandboxError: Error, Sendable, Hashable {
    // Validation of a session (POST …/Verify/Session/{uuid}/).
    case incorrectOTP
    case sessionExpired
    case tooManyAttempts
    case alreadyVerified
    case otpRequired
    case otpNotDigits
    case sessionUUIDMismatch

    // Parameters of a new session (POST …/Verify/Session/).
    case recipientRequired
    case recipientInvalid
    case channelInvalid
    case methodInvalid
    case codeLengthInvalid
    case dtmfInvalid
    case urlInvalid
    /// A recipient that cannot receive messages (the test outcome `invalid-number`).
    case recipientUnreachable
    /// A resend past ``VerifySandbox/Configuration/maxDeliveryAttempts`` attempts on one session.
    case tooManyDeliveryAttempts
    /// A text parameter given a number, a boolean, an array or an object.
    case notAString(parameter: String)
    /// A body key or query name the endpoint does not take.
    case unknownParameter(String)
    case bodyNotObject
    case bodyNotJSON
    /// A POST body sent with a `Content-Type` that is not JSON (served sandbox only).
    case unsupportedMediaType
    /// A request body over the served sandbox's limit of 64 KiB; answered by the server before the sandbox sees it.
    case bodyTooLarge

    // The query of GET …/Verify/Session/.
    case limitInvalid
    case offsetInvalid
    case statusInvalid
    /// A `session_time…` filter that is not `YYYY-MM-DD HH:MM[:ss[.uuuuuu]]`.
    case timeInvalid(filter: String)
    case timeTooOld

    // The out-of-band clock.
    case advanceInvalid
    /// An advance longer than ``DurationText/maximum``.
    case advanceTooLong
    /// An advance that would move the clock past ``Timestamp/latest``.
    case clockAtEnd

    // The out-of-band faults (POST /__sandbox/faults).
    case faultEndpointInvalid
    case faultTimesInvalid
    case faultStatusInvalid
    /// Not exactly one of status, drop, reset and body (and no delay alone).
    case faultKindInvalid
    case faultBodyInvalid
    case faultDelayInvalid
    case faultRetryAfterInvalid
    case faultNotFound

    // Seeding and outcomes (POST /__sandbox/sessions, /__sandbox/outcomes).
    case seedTimeInvalid
    case seedTimeMismatch(lifetime: String)
    case seedCodeInvalid
    case outcomeInvalid
    case outcomeTargetInvalid
    /// The outbox's `wait` is not a duration of at most a minute.
    case waitInvalid
    /// `POST /__sandbox/expire` or `GET /__sandbox/timeline` without a `session_uuid`.
    case sessionUUIDRequired
    /// An `after` of `GET /__sandbox/events` that is not an event id.
    case eventIDInvalid
    /// More event streams open at once than the server keeps.
    case tooManyStreams
    /// A change named by the inbox page's `X-Vsh-Account` on a server whose token is its own.
    case inboxControlsOff
    /// `X-Vsh-Account` on a request that is not the inbox page's own (another origin, or a
    /// `Host` that is not this machine's); the served sandbox checks it.
    case inboxControlsForeign
    /// A browser's request at a `Host` that is not this machine's (DNS rebinding); the served sandbox checks it.
    case browserHostForeign
    /// More than ``OutboxWait/maximumWaiting`` outbox requests waiting at once.
    case tooManyWaiting
    /// A new auth_id past ``SandboxState/maximumAccounts``.
    case tooManyAccounts
    /// A fault armed past ``SandboxFault/maximumArmed`` in one account.
    case tooManyFaults
    /// An outcome set past ``DeliveryOutcome/maximumSet`` in one account.
    case tooManyOutcomes

    /// Over one of Plivo's rate limits (``RateLimits``); `Retry-After` says when to come back.
    case rateLimited(retryAfter: Int)

    case authenticationFailed
    /// An out-of-band change (clock, reset, faults…) sent without an account's credentials.
    case accountRequired
    case sessionNotFound
    case notFound
    /// A known path with a method it does not take; `allowed` goes into the `Allow` header.
    case methodNotAllowed(allowed: [HTTPRequest.Method])

    // Answered by the server (`vsh sandbox serve`) before a request reaches the sandbox.
    /// Bytes the server's HTTP parser refuses: a request line that is not HTTP, a broken
    /// chunk, a malformed header. The server closes the connection after answering.
    case malformedRequest
    /// Request headers over the server's limit (80 KiB for any field and for all of them).
    case headersTooLarge
    /// A request target that is not a path: `*` with a method other than OPTIONS, or a bare `host:port`.
    case targetNotAPath

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .authenticationFailed, .accountRequired: 401
        case .sessionNotFound, .notFound, .faultNotFound: 404
        case .methodNotAllowed: 405
        case .bodyTooLarge: 413
        case .headersTooLarge: 431
        case .unsupportedMediaType: 415
        case .tooManyDeliveryAttempts, .rateLimited, .tooManyWaiting, .tooManyAccounts, .tooManyStreams: 429
        case .inboxControlsOff, .inboxControlsForeign, .browserHostForeign: 403
        default: 400
        }
    }

    /// The `error` text of the body.
    public var text: String {
        switch self {
        case .incorrectOTP: "incorrect otp"
        case .sessionExpired: "session expired"
        case .tooManyAttempts: "maximum validation attempts exceeded"
        case .alreadyVerified: "session already verified"
        case .otpRequired: "otp is required"
        case .otpNotDigits: "otp must be a string of digits"
        case .sessionUUIDMismatch: "session_uuid in the body does not match the path"
        case .recipientRequired: "recipient is required"
        case .recipientInvalid: "recipient must be a phone number in E.164 format, e.g. +14155550100"
        case .channelInvalid: "channel must be sms or voice"
        case .methodInvalid: "method must be POST or GET"
        case .codeLengthInvalid: "code_length must be an integer from 4 to 8"
        case .dtmfInvalid: "dtmf must be an integer"
        case .urlInvalid: "url must be an http or https URL"
        case .recipientUnreachable: "invalid destination number"
        case .tooManyDeliveryAttempts: "maximum delivery attempts reached for this session"
        case .notAString(let parameter): "\(parameter) must be a string"
        case .unknownParameter(let name): "unknown parameter: \(name)"
        case .bodyNotObject: "request body must be a JSON object"
        case .bodyNotJSON: "request body is not valid JSON"
        case .unsupportedMediaType: "Content-Type must be application/json"
        case .bodyTooLarge: "request body too large (limit 64 KiB)"
        case .limitInvalid: "limit must be an integer from 1 to 20"
        case .offsetInvalid: "offset must be an integer from 0 to \(SessionListQuery.maximumOffset)"
        case .statusInvalid: "status must be one of in-progress, verified, expired"
        case .timeInvalid(let filter): "\(filter) must be a time as YYYY-MM-DD HH:MM[:ss[.uuuuuu]]"
        case .timeTooOld: "session_time filters reach at most 90 days back"
        case .advanceInvalid: "advance must be a duration such as 30s, 11m or 1h"
        case .advanceTooLong: "advance must be at most \(DurationText.maximumText)"
        case .clockAtEnd: "the clock cannot pass \(Timestamp.latest.iso8601)"
        case .faultEndpointInvalid: "endpoint must be one of create, validate, retrieve, list, any"
        case .faultTimesInvalid: "times must be an integer from 1 to \(SandboxFault.maximumTimes)"
        case .faultStatusInvalid: "status must be one of \(SandboxFault.statuses.map { String($0.status) }.joined(separator: ", "))"
        case .faultKindInvalid: "a fault takes one of status, drop: true, reset: true or body, or a delay alone"
        case .faultBodyInvalid: "body must be malformed or empty"
        case .faultDelayInvalid: "delay must be a duration of at most \(DurationText.format(SandboxFault.maximumDelay))"
        case .faultRetryAfterInvalid: "retry_after must be an integer from 0 to 86400, with status 429"
        case .faultNotFound: "fault not found"
        case .rateLimited: "too many requests"
        case .seedTimeInvalid: "created_at must be a time no later than the account's clock"
        case .seedTimeMismatch(let lifetime): "created_at does not fit the status: a code expires \(lifetime) after its session is created"
        case .seedCodeInvalid: "code must be 4 to 8 digits"
        case .waitInvalid: "wait must be a duration of at most 1m"
        case .sessionUUIDRequired: "session_uuid is required"
        case .eventIDInvalid: "after must be an event id (a whole number)"
        case .tooManyStreams: "too many event streams are open (at most \(EventStreamLimit.maximum))"
        case .inboxControlsForeign: "X-Vsh-Account is taken only from the inbox page itself (its own origin, on a local address)"
        case .browserHostForeign:
            "a browser's request is taken only at this machine's address, localhost, or a name given with --allow-host"
        case .inboxControlsOff:
            "the inbox page cannot change accounts on this server (it was started with its own --token): send the account's credentials"
        case .tooManyWaiting: "too many requests are waiting on the outbox (at most \(OutboxWait.maximumWaiting))"
        case .tooManyAccounts: "the sandbox keeps at most \(SandboxState.maximumAccounts) accounts; reset one (POST /__sandbox/reset)"
        case .tooManyFaults: "at most \(SandboxFault.maximumArmed) faults may be armed at once; clear some (DELETE /__sandbox/faults)"
        case .tooManyOutcomes: "at most \(DeliveryOutcome.maximumSet) outcomes may be set at once"
        case .outcomeInvalid: "outcome must be one of \(DeliveryOutcome.allCases.map(\.rawValue).joined(separator: ", "))"
        case .outcomeTargetInvalid: "an outcome is set for a recipient or for a session_uuid: give one of them"
        case .authenticationFailed: "authentication failed"
        case .accountRequired: "this change needs an account: send its auth_id and token with HTTP Basic auth"
        case .sessionNotFound: "session not found"
        case .notFound: "not found"
        case .methodNotAllowed: "method not allowed"
        case .malformedRequest: "request is not valid HTTP"
        case .headersTooLarge: "request headers too large (limit 80 KiB)"
        case .targetNotAPath: "request target must be a path"
        }
    }

    /// One of each row, with `<name>`-style placeholders where the text names a parameter:
    /// what docs/sandbox.md lists and its test checks.
    public static let catalogue: [SandboxError] = [
        .incorrectOTP, .sessionExpired, .tooManyAttempts, .alreadyVerified, .otpRequired, .otpNotDigits,
        .sessionUUIDMismatch, .recipientRequired, .recipientInvalid, .channelInvalid, .methodInvalid,
        .codeLengthInvalid, .dtmfInvalid, .urlInvalid, .recipientUnreachable, .tooManyDeliveryAttempts, .notAString(parameter: "<name>"), .unknownParameter("<name>"),
        .bodyNotObject, .bodyNotJSON, .limitInvalid, .offsetInvalid, .statusInvalid, .timeInvalid(filter: "<filter>"),
        .timeTooOld, .advanceInvalid, .advanceTooLong, .clockAtEnd, .faultEndpointInvalid, .faultTimesInvalid, .faultStatusInvalid, .faultKindInvalid,
        .faultBodyInvalid, .faultDelayInvalid, .faultRetryAfterInvalid, .faultNotFound, .rateLimited(retryAfter: 60),
        .seedTimeInvalid, .seedTimeMismatch(lifetime: "<lifetime>"), .seedCodeInvalid, .outcomeInvalid, .outcomeTargetInvalid, .waitInvalid, .sessionUUIDRequired, .eventIDInvalid, .tooManyStreams,
        .inboxControlsOff, .inboxControlsForeign, .browserHostForeign, .tooManyWaiting, .tooManyAccounts,
        .tooManyFaults, .tooManyOutcomes,
        .authenticationFailed, .accountRequired, .sessionNotFound, .notFound,
        .methodNotAllowed(allowed: [.get, .post]), .bodyTooLarge, .unsupportedMediaType,
        .malformedRequest, .headersTooLarge, .targetNotAPath,
    ]

    /// The answer: `{"api_id": …, "error": …}`; a 401 carries no `api_id`, as Plivo's may not.
    func response(apiID: String) -> APIResponse {
        var fields = HTTPFields()
        switch self {
        case .authenticationFailed, .accountRequired:
            fields[.wwwAuthenticate] = "Basic realm=\"vsh sandbox\""
            return APIResponse(status: status, json: .object(["error": .string(text)]), headerFields: fields)
        case .methodNotAllowed(let allowed):
            fields[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        case .rateLimited(let retryAfter):
            fields[.retryAfter] = String(retryAfter)
        default:
            break
        }
        return APIResponse(
            status: status, json: .object(["api_id": .string(apiID), "error": .string(text)]), headerFields: fields)
    }
}
