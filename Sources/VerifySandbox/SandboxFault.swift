import HTTPTypes
import VerifyAPI

/// A fault armed out of band (`POST /__sandbox/faults`, or a script's `fault` command) for
/// the next ``remaining`` Verify requests of an account that match it: what a team needs
/// to rehearse how its client survives a 503, a timeout or a connection cut mid-answer.
///
/// The body that arms one: `{"endpoint": "create", "times": 2, "status": 503}`, with
/// exactly one of `status`, `drop`, `reset` or `body`, or a `delay` alone (a delay may
/// also come before a status or a body). docs/sandbox.md, "Fault injection", is the reference.
public struct SandboxFault: Sendable, Equatable {
    /// Which Verify endpoint a fault waits for.
    public enum Endpoint: String, Sendable, CaseIterable {
        case create, validate, retrieve, list, any
    }

    /// What happens to a matching request.
    public enum Action: Sendable, Equatable {
        /// Not performed; answered with this status and Plivo's error body (429 with `Retry-After`).
        case status(Int)
        /// Not performed; the connection is closed without an answer.
        case drop
        /// Performed; the answer's headers and half its body are sent, then the connection is reset.
        case reset
        /// Performed; answered with its status and a body cut short (not JSON).
        case malformedBody
        /// Performed; answered with its status and no body at all.
        case emptyBody
        /// Performed and answered as usual (after the fault's delay).
        case none
    }

    /// `f1`, `f2`…: numbered per account, in the order armed.
    public var id: String
    public var endpoint: Endpoint
    /// `GET` or `POST`; nil: either (with `endpoint` `any`).
    public var method: HTTPRequest.Method?
    /// E.164 digits: only requests for this recipient (a create's body, or the session's).
    public var recipient: String?
    public var remaining: Int
    public var action: Action
    /// Real time waited before answering (or dropping): at most ``maximumDelay``.
    public var delay: Duration?
    /// The `Retry-After` of a 429, in seconds.
    public var retryAfter: Int?

    /// The statuses a fault can answer with, each with Plivo's error text for it.
    public static let statuses: [(status: Int, text: String)] = [
        (400, "invalid request"), (401, "authentication failed"), (404, "not found"), (429, "too many requests"),
        (500, "internal server error"), (502, "bad gateway"), (503, "service unavailable"),
    ]
    public static let maximumDelay = Duration.seconds(60)
    /// The header that names the fault on every answer it changed: `X-Vsh-Fault: f1`.
    public static let headerName = HTTPField.Name("X-Vsh-Fault")!
    public static let maximumTimes = 1000
    /// Faults armed at once in one account: each request of the account looks through them.
    public static let maximumArmed = 100

    /// Reads the body of `POST /__sandbox/faults`; `id` is the one it will get.
    init(body: JSONValue?, id: String) throws(SandboxError) {
        let value = try BodyFields(
            body, known: ["endpoint", "method", "recipient", "times", "status", "retry_after", "delay", "drop", "reset", "body"]
        ).value
        self.id = id
        guard let endpointName = value("endpoint")?.stringValue, let endpoint = Endpoint(rawValue: endpointName.lowercased()) else {
            throw .faultEndpointInvalid
        }
        self.endpoint = endpoint
        if let v = value("method") {
            guard let s = v.stringValue?.uppercased(), s == "GET" || s == "POST" else { throw .methodInvalid }
            method = HTTPRequest.Method(s)
        }
        if let v = value("recipient") {
            guard let s = v.stringValue, let digits = PhoneNumber.normalize(s) else { throw .recipientInvalid }
            recipient = digits
        }
        remaining = 1
        if let v = value("times") {
            guard let n = v.intValue, (1...Self.maximumTimes).contains(n) else { throw .faultTimesInvalid }
            remaining = n
        }
        if let v = value("delay") {
            guard let text = v.stringValue, case .success(let d) = DurationText.read(text), d <= Self.maximumDelay else {
                throw .faultDelayInvalid
            }
            delay = d
        }
        var actions: [Action] = []
        if let v = value("status") {
            guard let n = v.intValue, Self.statuses.contains(where: { $0.status == n }) else { throw .faultStatusInvalid }
            actions.append(.status(n))
        }
        if let v = value("drop") {
            guard v == .bool(true) else { throw .faultKindInvalid }
            actions.append(.drop)
        }
        if let v = value("reset") {
            guard v == .bool(true) else { throw .faultKindInvalid }
            actions.append(.reset)
        }
        if let v = value("body") {
            switch v.stringValue {
            case "malformed": actions.append(.malformedBody)
            case "empty": actions.append(.emptyBody)
            default: throw .faultBodyInvalid
            }
        }
        if let v = value("retry_after") {
            guard actions == [.status(429)], let n = v.intValue, (0...86_400).contains(n) else { throw .faultRetryAfterInvalid }
            retryAfter = n
        } else if actions == [.status(429)] {
            retryAfter = 60
        }
        guard actions.count == 1 || (actions.isEmpty && delay != nil) else { throw .faultKindInvalid }
        action = actions.first ?? .none
    }

    /// Whether a request to `endpoint` with `method`, for `recipient` (nil: none known), is one this fault waits for.
    func matches(_ endpoint: Endpoint, method: HTTPRequest.Method, recipient: String?) -> Bool {
        (self.endpoint == .any || self.endpoint == endpoint) && (self.method.map { $0 == method } ?? true)
            && (self.recipient.map { $0 == recipient } ?? true)
    }

    /// The error text Plivo answers with this status.
    static func text(forStatus status: Int) -> String {
        statuses.first { $0.status == status }?.text ?? "error"
    }

    /// As `GET /__sandbox/faults` lists it.
    public var json: JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("endpoint", .string(endpoint.rawValue)),
            ("method", method.map { .string($0.rawValue) } ?? .null), ("recipient", recipient.map(JSONValue.string) ?? .null),
            ("remaining", .number(Double(remaining))),
        ]
        switch action {
        case .status(let status):
            pairs.append(("status", .number(Double(status))))
            if let retryAfter { pairs.append(("retry_after", .number(Double(retryAfter)))) }
        case .drop: pairs.append(("drop", true))
        case .reset: pairs.append(("reset", true))
        case .malformedBody: pairs.append(("body", "malformed"))
        case .emptyBody: pairs.append(("body", "empty"))
        case .none: break
        }
        if let delay { pairs.append(("delay", .string(DurationText.format(delay)))) }
        return .object(pairs)
    }
}

/// What the door in front of the sandbox (the HTTP server, the embedded transport) must do
/// with an answer besides sending it: the part of a fault that is not a status and a body.
public struct FaultDelivery: Sendable, Equatable {
    public enum Mangle: Sendable, Equatable {
        /// Close the connection without an answer.
        case drop
        /// Send the headers and half the body, then reset the connection.
        case reset
    }

    /// The armed fault's id, for logs (the answer also carries `X-Vsh-Fault: <id>`).
    public var faultID: String
    /// Wait this long, in real time, first.
    public var delay: Duration?
    public var mangle: Mangle?

    public init(faultID: String, delay: Duration? = nil, mangle: Mangle? = nil) {
        self.faultID = faultID
        self.delay = delay
        self.mangle = mangle
    }
}

/// An answer of the sandbox and what a fault adds to it.
public struct SandboxAnswer: Sendable {
    public var response: APIResponse
    public var fault: FaultDelivery?
}
