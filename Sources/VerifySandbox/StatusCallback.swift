import VerifyAPI

/// One of Plivo's Verify status callbacks, from the moment it is due to its last try:
/// the sandbox's queue of deliveries and its callback log are the same list.
///
/// The core decides what is sent and when, on the account's virtual clock; the door in
/// front of it (``VerifySandboxServer``'s deliverer) sends it over HTTP, signed, and
/// reports back with ``VerifySandbox/finishCallback(_:outcome:)``. docs/sandbox.md,
/// "Status callbacks".
public struct StatusCallback: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Waiting for its instant (or its next try) on the account's clock.
        case pending
        /// Handed to the deliverer; no answer yet.
        case sending
        /// Answered 200.
        case delivered
        /// Not answered 200 after the first try and Plivo's three retries.
        case failed
        /// An expiry callback of a session that was verified first: never sent.
        case cancelled
    }

    /// One try and how it ended.
    public struct Try: Sendable, Equatable {
        /// The account's virtual clock when it was sent.
        public var at: Timestamp
        /// The receiver's status, or nil when it gave none (``error`` says why).
        public var statusCode: Int?
        public var error: String?
        /// How long the receiver took, in real time.
        public var duration: Duration
    }

    /// `1`, `2`…: numbered within the account, in the order they were made.
    public var id: Int
    public var authID: String
    public var sessionUUID: String
    public var url: String
    /// `POST` (form data) or `GET` (the query).
    public var method: String
    /// Plivo's fields, in its order (``fields(session:attempt:sessionStatus:channelStatus:errorCode:)``).
    public var parameters: [QueryItem]
    /// When the next try is due, on the account's clock.
    public var dueAt: Timestamp
    public var state: State
    public var tries: [Try] = []
    /// An expiry callback: sent only if the session is still unverified when it is due.
    var onlyIfExpired = false
    /// The account's clock when the try in flight was handed out: the try's instant, from
    /// which the next retry's gap counts.
    var sendingSince: Timestamp?

    /// Plivo retries a callback not answered 200 three times: 60 s after the first try,
    /// 120 s after the second, 240 s after the third (docs.plivo.com/docs/verify/concepts/callbacks).
    public static let retryGaps: [Duration] = [.seconds(60), .seconds(120), .seconds(240)]

    /// The fields of one callback, as Plivo's page "Verify Status Callbacks" lists them.
    static func fields(
        session: SessionRecord, attempt: DeliveryAttempt, sessionStatus: String, channelStatus: String, errorCode: String?
    ) -> [QueryItem] {
        [
            QueryItem("AttemptSequence", String(attempt.sequence)),
            QueryItem("AttemptUUID", attempt.uuid),
            QueryItem("Channel", attempt.channel),
            QueryItem("ChannelErrorCode", errorCode ?? ""),
            QueryItem("ChannelStatus", channelStatus),
            QueryItem("Recipient", session.recipient),
            QueryItem("RequestTime", requestTime(attempt.time)),
            QueryItem("SessionStatus", sessionStatus),
            QueryItem("SessionUUID", session.uuid),
        ]
    }

    /// `2025-01-15 10:00:00`: UTC, to the second, the style of Plivo's other callbacks
    /// (Plivo documents the field, "UTC time when this attempt was created", not its format).
    static func requestTime(_ time: Timestamp) -> String {
        let text = time.iso8601  // 2025-01-15T10:00:00.000000Z
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))
    }

    /// A callback URL as it is shown where anyone may look (the inbox, the event stream, the
    /// server's log): `scheme://host[:port]/path`, without the user and password, path
    /// parameters, query or fragment, any of which may hold the receiving app's own secret.
    /// `https://u:p@app.test/hook;k=1?key=2#x` → `https://app.test/hook`.
    public static func displayURL(_ url: String) -> String {
        var rest = Substring(url.prefix { $0 != "?" && $0 != "#" && $0 != ";" })
        var scheme: Substring = ""
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            let afterSlashes = rest.index(colon, offsetBy: 3)
            scheme = rest[..<afterSlashes]
            rest = rest[afterSlashes...]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(scheme + rest)
    }

    /// As `GET /__sandbox/callbacks` lists it.
    public var json: JSONValue {
        .object([
            "id": .number(Double(id)), "auth_id": .string(authID), "session_uuid": .string(sessionUUID), "url": .string(url),
            "method": .string(method),
            "parameters": .object(parameters.map { (key: $0.name, value: JSONValue.string($0.value)) }),
            "state": .string(state.rawValue), "due_at": .string(dueAt.iso8601),
            "tries": .array(
                tries.map { attempt in
                    .object([
                        "at": .string(attempt.at.iso8601), "status_code": attempt.statusCode.map { .number(Double($0)) } ?? .null,
                        "error": attempt.error.map(JSONValue.string) ?? .null,
                        "duration_ms": .number(Double(attempt.duration.components.seconds * 1000 + attempt.duration.components.attoseconds / 1_000_000_000_000_000)),
                    ])
                }),
        ])
    }
}

/// A callback handed to the deliverer: where it goes, what it carries, and the token to sign it with.
public struct CallbackJob: Sendable, Equatable {
    public var authID: String
    /// The callback's number within its account.
    public var id: Int
    public var url: String
    public var method: String
    public var parameters: [QueryItem]
    /// The account's token: the sandbox's (`--token`).
    public var token: String
    /// Which life of the account it belongs to: a reset (or a restore) starts a new one, whose
    /// callbacks count from 1 again, and a try of the old life that ends later is ignored.
    public var incarnation = 0
}

/// How a try ended, as the deliverer saw it.
public enum CallbackOutcome: Sendable, Equatable {
    /// The receiver answered with this status (only 200 counts as delivered, as on Plivo).
    case answered(Int, after: Duration)
    /// No answer: refused, reset, timed out.
    case failed(String, after: Duration)
}
