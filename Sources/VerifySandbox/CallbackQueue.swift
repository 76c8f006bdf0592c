import VerifyAPI

/// An account's status callbacks: those still to send and the log of those sent, in
/// the order they were made. Bounded: past ``capacity`` entries the oldest finished ones go.
struct CallbackQueue: Sendable {
    static let capacity = 10_000

    private(set) var entries: [StatusCallback] = []
    private var made = 0
    /// The earliest instant a pending callback is due, so that asking costs nothing per request.
    private var nextDue: Timestamp?

    /// The callbacks one new attempt causes: one per status it goes through, each due at
    /// its instant (a late delivery's last one only when the clock gets there).
    mutating func attemptMade(_ attempt: DeliveryAttempt, of session: SessionRecord) {
        guard let url = session.callbackURL else { return }
        for step in attempt.timeline {
            add(
                session: session, url: url, dueAt: step.at,
                parameters: StatusCallback.fields(
                    session: session, attempt: attempt, sessionStatus: SessionStatus.inProgress.rawValue,
                    channelStatus: step.status, errorCode: step.errorCode))
        }
    }

    /// A new session's expiry callback, due when its code expires (cancelled if it is verified first).
    mutating func sessionMade(_ session: SessionRecord) {
        guard let url = session.callbackURL, let attempt = session.attempts.last else { return }
        add(
            session: session, url: url, dueAt: session.expiresAt,
            parameters: StatusCallback.fields(
                session: session, attempt: attempt, sessionStatus: SessionStatus.expired.rawValue,
                channelStatus: attempt.step(at: session.expiresAt).status, errorCode: attempt.step(at: session.expiresAt).errorCode),
            onlyIfExpired: true)
    }

    /// The session was verified at `now`: one callback with `SessionStatus=verified`.
    mutating func sessionVerified(_ session: SessionRecord, at now: Timestamp) {
        guard let url = session.callbackURL, let attempt = session.attempts.last else { return }
        // Its expiry will never come.
        for index in entries.indices where entries[index].sessionUUID == session.uuid && entries[index].onlyIfExpired
            && entries[index].state == .pending
        {
            entries[index].state = .cancelled
        }
        let step = attempt.step(at: now)
        add(
            session: session, url: url, dueAt: now,
            parameters: StatusCallback.fields(
                session: session, attempt: attempt, sessionStatus: SessionStatus.verified.rawValue, channelStatus: step.status,
                errorCode: step.errorCode))
    }

    private mutating func add(session: SessionRecord, url: String, dueAt: Timestamp, parameters: [QueryItem], onlyIfExpired: Bool = false) {
        made += 1
        var callback = StatusCallback(
            id: made, authID: session.account, sessionUUID: session.uuid, url: url, method: session.callbackMethod,
            parameters: parameters, dueAt: dueAt, state: .pending)
        callback.onlyIfExpired = onlyIfExpired
        entries.append(callback)
        nextDue = min(nextDue ?? dueAt, dueAt)
        if entries.count > Self.capacity, let oldest = entries.firstIndex(where: { ![.pending, .sending].contains($0.state) }) {
            entries.remove(at: oldest)
        }
    }

    /// Whether a callback is due at `now` (and so the deliverer has work).
    func hasDue(at now: Timestamp) -> Bool {
        nextDue.map { $0 <= now } ?? false
    }

    private mutating func recomputeNextDue() {
        nextDue = entries.lazy.filter { $0.state == .pending }.map(\.dueAt).min()
    }

    /// The callbacks due at `now`, marked as being sent: for each session only its first
    /// due one, and none while another of its callbacks is being sent, so that a receiver
    /// gets one session's callbacks in the order they happened.
    mutating func takeDue(at now: Timestamp, limit: Int = .max, isVerified: (String) -> Bool, token: String) -> [CallbackJob] {
        var busy = Set(entries.lazy.filter { $0.state == .sending }.map(\.sessionUUID))
        var jobs: [CallbackJob] = []
        let due = entries.indices.filter { entries[$0].state == .pending && entries[$0].dueAt <= now }
            .sorted { (entries[$0].dueAt, entries[$0].id) < (entries[$1].dueAt, entries[$1].id) }
        for index in due where !busy.contains(entries[index].sessionUUID) && jobs.count < limit {
            if entries[index].onlyIfExpired, isVerified(entries[index].sessionUUID) {
                entries[index].state = .cancelled
                continue
            }
            entries[index].state = .sending
            entries[index].sendingSince = now
            busy.insert(entries[index].sessionUUID)
            let callback = entries[index]
            jobs.append(
                CallbackJob(
                    authID: callback.authID, id: callback.id, url: callback.url, method: callback.method,
                    parameters: callback.parameters, token: token))
        }
        recomputeNextDue()
        return jobs
    }

    /// Records how a try ended: delivered on a 200; otherwise due again after Plivo's next
    /// gap, or failed after the last retry.
    mutating func finish(_ id: Int, outcome: CallbackOutcome, at now: Timestamp) {
        guard let index = entries.firstIndex(where: { $0.id == id }), entries[index].state == .sending else { return }
        let sent = entries[index].sendingSince ?? now
        let attempt: StatusCallback.Try
        switch outcome {
        case .answered(let status, let after): attempt = .init(at: sent, statusCode: status, error: nil, duration: after)
        case .failed(let reason, let after): attempt = .init(at: sent, statusCode: nil, error: reason, duration: after)
        }
        entries[index].tries.append(attempt)
        if case .answered(200, _) = outcome {
            entries[index].state = .delivered
        } else if entries[index].tries.count <= StatusCallback.retryGaps.count {
            entries[index].state = .pending
            entries[index].dueAt = sent.advanced(by: StatusCallback.retryGaps[entries[index].tries.count - 1])
        } else {
            entries[index].state = .failed
        }
        recomputeNextDue()
    }

    /// Gives back callbacks handed out but never finished (the deliverer stopped): due again.
    mutating func requeueSending() {
        for index in entries.indices where entries[index].state == .sending { entries[index].state = .pending }
        recomputeNextDue()
    }
}
