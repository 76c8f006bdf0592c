import VerifyAPI

/// A code the sandbox "sent" that reached the phone: what the recipient would read.
public struct OutboxMessage: Sendable, Equatable {
    /// The account that sent it.
    public var authID: String
    public var sessionUUID: String
    public var attemptUUID: String
    /// E.164 digits without the `+`, as the session's `recipient`.
    public var recipient: String
    /// `sms` or `voice`.
    public var channel: String
    public var code: String
    /// The message as the phone shows it (sms) or the call speaks it (voice); see ``text(channel:code:brandName:appHash:)``.
    public var text: String
    /// The virtual instant the attempt was made (`attempt_details[].time`).
    public var sentAt: Timestamp
    /// When it reached the phone: `sentAt`, or later for a late delivery.
    public var deliveredAt: Timestamp

    public init(
        authID: String, sessionUUID: String, attemptUUID: String, recipient: String, channel: String, code: String, text: String,
        sentAt: Timestamp, deliveredAt: Timestamp
    ) {
        self.authID = authID
        self.sessionUUID = sessionUUID
        self.attemptUUID = attemptUUID
        self.recipient = recipient
        self.channel = channel
        self.code = code
        self.text = text
        self.sentAt = sentAt
        self.deliveredAt = deliveredAt
    }

    init(authID: String, session: SessionRecord, attempt: DeliveryAttempt, deliveredAt: Timestamp) {
        self.init(
            authID: authID, sessionUUID: session.uuid, attemptUUID: attempt.uuid, recipient: session.recipient,
            channel: attempt.channel, code: session.code,
            text: Self.text(channel: attempt.channel, code: session.code, brandName: session.brandName, appHash: session.appHash),
            sentAt: attempt.time, deliveredAt: deliveredAt)
    }

    /// The words of Plivo's default Verify template: `Your <brand> verification code is
    /// <code>.` (docs.plivo.com/docs/verify/concepts/applications), with the brand left out when none was given; on sms, the Android app hash
    /// on a line of its own after it (what the SMS Retriever API looks for). A voice call
    /// reads the code digit by digit.
    public static func text(channel: String, code: String, brandName: String?, appHash: String?) -> String {
        let brand = brandName.map { $0.isEmpty ? "" : "\($0) " } ?? ""
        if channel == "voice" {
            return "Your \(brand)verification code is \(code.map(String.init).joined(separator: ", "))."
        }
        var text = "Your \(brand)verification code is \(code)."
        if let appHash, !appHash.isEmpty { text += "\n\(appHash)" }
        return text
    }

    /// As `GET /__sandbox/outbox` lists it: `{"auth_id", "session_uuid", "attempt_uuid",
    /// "recipient", "channel", "code", "text", "sent_at", "delivered_at"}`.
    public var json: JSONValue {
        .object([
            "auth_id": .string(authID), "session_uuid": .string(sessionUUID), "attempt_uuid": .string(attemptUUID),
            "recipient": .string(recipient), "channel": .string(channel), "code": .string(code), "text": .string(text),
            "sent_at": .string(sentAt.iso8601), "delivered_at": .string(deliveredAt.iso8601),
        ])
    }
}
