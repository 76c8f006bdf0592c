import VerifyAPI

/// What the inbox page (and a script following the sandbox) sees of an account: one entry a
/// session, with the code as the phone got it, and a session's timeline. JSON built from the
/// state as it is now, so a late delivery or an expiry shows the moment the clock passes it.
///
/// Nothing secret is in it: no token, no header, and a callback's URL without its query or
/// credentials (``StatusCallback/displayURL(_:)``), as the server's log writes it.
enum InboxView {
    /// The newest sessions an account's inbox lists; older ones are counted (`omitted`).
    static let maximumSessions = 1000

    /// One session as an inbox card shows it: `recipient`, `channel`, `code`, the `text` of
    /// the latest message that reached the phone (null when none did), `status`, validations
    /// used and left, `expires_in_ms` on the account's clock (null once final), and the
    /// keys that order cards, newest first: `latest_at` then `sequence`.
    static func entry(_ session: SessionRecord, in account: SandboxAccount, maxAttempts: Int) -> JSONValue {
        entry(session, authID: account.authID, now: account.now, maxAttempts: maxAttempts)
    }

    static func entry(_ session: SessionRecord, authID: String, now: Timestamp, maxAttempts: Int) -> JSONValue {
        let delivered = session.attempts.compactMap { attempt -> (DeliveryAttempt, Timestamp)? in
            guard let at = attempt.deliveredAt, at <= now else { return nil }
            return (attempt, at)
        }
        let latest = delivered.max { $0.1 < $1.1 }
        let last = session.attempts[session.attempts.count - 1]
        let lastStep = last.step(at: now)
        let status = session.status(at: now)
        let text = latest.map {
            JSONValue.string(
                OutboxMessage.text(channel: $0.0.channel, code: session.code, brandName: session.brandName, appHash: session.appHash))
        }
        return .object([
            "session_uuid": .string(session.uuid), "auth_id": .string(authID), "recipient": .string(session.recipient),
            "channel": .string(session.currentChannel), "status": .string(status.rawValue), "code": .string(session.code),
            "text": text ?? .null, "delivered_at": latest.map { .string($0.1.iso8601) } ?? .null,
            "messages": .number(Double(delivered.count)), "attempts": .number(Double(session.attempts.count)),
            "last_attempt_status": .string(lastStep.status), "last_attempt_error": lastStep.errorCode.map(JSONValue.string) ?? .null,
            "validations_used": .number(Double(session.validationAttempts)),
            "validations_left": .number(Double(max(0, maxAttempts - session.validationAttempts))),
            "created_at": .string(session.createdAt.iso8601), "expires_at": .string(session.expiresAt.iso8601),
            "expires_in_ms": status == .inProgress
                ? .number(Double((session.expiresAt.microsecondsSinceEpoch - now.microsecondsSinceEpoch) / 1000)) : .null,
            "latest_at": .string(last.time.iso8601), "sequence": .number(Double(session.sequence)),
        ])
    }

    /// The newest first: by the latest attempt (a resend brings a session back to the top), then creation.
    static func newestFirst(_ account: SandboxAccount) -> [SessionRecord] {
        account.sessions.sorted { a, b in
            let (at, bt) = (a.attempts[a.attempts.count - 1].time, b.attempts[b.attempts.count - 1].time)
            return at != bt ? at > bt : a.sequence > b.sequence
        }
    }

    /// An account in the switcher: its clock and how many sessions and messages it has.
    static func summary(_ account: SandboxAccount) -> JSONValue {
        let messages = account.sessions.reduce(0) { count, session in
            count + session.attempts.count { attempt in attempt.deliveredAt.map { $0 <= account.now } ?? false }
        }
        return .object([
            "auth_id": .string(account.authID), "now": .string(account.now.iso8601),
            "sessions": .number(Double(account.sessions.count)), "messages": .number(Double(messages)),
        ])
    }

    /// The account shown: its clock, armed faults, and its newest sessions (at most ``maximumSessions``).
    static func account(_ account: SandboxAccount, maxAttempts: Int) -> JSONValue {
        let sessions = newestFirst(account)
        return .object([
            "auth_id": .string(account.authID), "now": .string(account.now.iso8601),
            "faults": .array(account.faults.map(\.json)),
            "sessions": .array(sessions.prefix(maximumSessions).map { entry($0, in: account, maxAttempts: maxAttempts) }),
            "omitted": .number(Double(max(0, sessions.count - maximumSessions))),
        ])
    }

    /// A session's story, oldest first: its creation, each attempt's statuses (a step still
    /// to come on the clock is `pending`), each validation, each callback with its tries,
    /// and its expiry once the clock has reached it.
    static func timeline(_ session: SessionRecord, in account: SandboxAccount, maxAttempts: Int) -> JSONValue {
        let now = account.now
        var events: [(at: Timestamp, order: Int, json: JSONValue)] = []
        func add(_ at: Timestamp, _ pairs: [(key: String, value: JSONValue)]) {
            events.append((at, events.count, .object([(key: "at", value: .string(at.iso8601))] + pairs)))
        }
        add(session.createdAt, [("kind", "created"), ("channel", .string(session.channel))])
        for attempt in session.attempts {
            for step in attempt.timeline {
                add(step.at, [
                    ("kind", "attempt"), ("sequence", .number(Double(attempt.sequence))), ("channel", .string(attempt.channel)),
                    ("status", .string(step.status)), ("error_code", step.errorCode.map(JSONValue.string) ?? .null),
                    ("pending", .bool(step.at > now)),
                ])
            }
        }
        if session.validationsDropped > 0 {
            add(session.validations.first?.at ?? session.createdAt, [("kind", "note"), ("text", .string("\(session.validationsDropped) earlier refused validations not kept"))])
        }
        for validation in session.validations {
            guard case .object(let pairs) = validation.json else { continue }
            add(validation.at, [("kind", "validation")] + pairs.filter { $0.key != "at" })
        }
        for callback in account.callbacks.entries where callback.sessionUUID == session.uuid {
            add(callback.tries.first?.at ?? callback.dueAt, callbackFields(callback))
        }
        if session.status(at: now) == .expired { add(session.expiresAt, [("kind", "expired")]) }
        let ordered = events.sorted { ($0.at, $0.order) < ($1.at, $1.order) }.map(\.json)
        return .object([
            "session": entry(session, in: account, maxAttempts: maxAttempts), "events": .array(ordered),
        ])
    }

    /// A callback in a timeline or an event: what it reported, where it went (no query), how it ended, its tries.
    static func callbackFields(_ callback: StatusCallback) -> [(key: String, value: JSONValue)] {
        func parameter(_ name: String) -> JSONValue { callback.parameters.first { $0.name == name }.map { .string($0.value) } ?? .null }
        let tries: [JSONValue] = callback.tries.map { attempt in
            .object([
                "at": .string(attempt.at.iso8601), "status_code": attempt.statusCode.map { .number(Double($0)) } ?? .null,
                "error": attempt.error.map(JSONValue.string) ?? .null,
            ])
        }
        return [
            ("kind", "callback"), ("id", .number(Double(callback.id))), ("session_uuid", .string(callback.sessionUUID)),
            ("url", .string(StatusCallback.displayURL(callback.url))), ("method", .string(callback.method)),
            ("channel_status", parameter("ChannelStatus")), ("session_status", parameter("SessionStatus")),
            ("state", .string(callback.state.rawValue)), ("due_at", .string(callback.dueAt.iso8601)), ("tries", .array(tries)),
        ]
    }
}
