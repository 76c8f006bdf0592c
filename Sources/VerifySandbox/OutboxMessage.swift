import VerifyAPI

/// A code the sandbox "sent": what a phone would have received.
public struct OutboxMessage: Sendable, Equatable {
    public var sessionUUID: String
    /// E.164 digits without the `+`, as the session's `recipient`.
    public var recipient: String
    /// `sms` or `voice`.
    public var channel: String
    public var code: String
    /// The virtual instant it was sent: the session's `created_at`.
    public var sentAt: Timestamp

    public init(sessionUUID: String, recipient: String, channel: String, code: String, sentAt: Timestamp) {
        self.sessionUUID = sessionUUID
        self.recipient = recipient
        self.channel = channel
        self.code = code
        self.sentAt = sentAt
    }

    /// `{"session_uuid", "recipient", "channel", "code", "sent_at"}`, as `GET /__sandbox/outbox` lists it.
    public var json: JSONValue {
        .object([
            "session_uuid": .string(sessionUUID), "recipient": .string(recipient), "channel": .string(channel),
            "code": .string(code), "sent_at": .string(sentAt.iso8601),
        ])
    }
}
