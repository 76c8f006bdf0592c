import DequeModule
import HeapModule
import VerifyAPI

/// An account's status callbacks: those still to send and the log of those sent, in
/// the order they were made. Bounded: past ``capacity`` entries the oldest finished ones go.
///
/// Every operation a request or a delivery makes is O(log n): the callbacks waiting are
/// kept in a heap by the instant they fall due (entries whose instant changed, or that
/// were cancelled, are skipped when they reach the top), and the log is a deque indexed
/// by id, so a server with thousands of sessions armed with callbacks answers as fast as
/// one with none.
struct CallbackQueue: Sendable {
    static let capacity = 10_000

    /// The log, oldest first: `entries[i]` has id `firstID + i`.
    private(set) var entries: Deque<StatusCallback> = []
    private var firstID = 1
    private var made = 0
    /// Pending callbacks by due instant (and id, for a stable order); may hold stale items.
    private var due = Heap<Due>()
    /// Sessions with a callback being sent: the next one of theirs waits for it.
    private var sending: [String: Int] = [:]
    /// A session's expiry callback, cancelled when the session is verified first.
    private var expiryOf: [String: Int] = [:]

    private struct Due: Comparable, Sendable {
        var at: Timestamp
        var id: Int
        static func < (a: Due, b: Due) -> Bool { (a.at, a.id) < (b.at, b.id) }
    }

    private func index(of id: Int) -> Int? {
        let index = id - firstID
        return entries.indices.contains(index) ? index : nil
    }

    /// The callback of that id, while the log still holds it.
    func entry(id: Int) -> StatusCallback? {
        index(of: id).map { entries[$0] }
    }

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
        let step = attempt.step(at: session.expiresAt)
        let id = add(
            session: session, url: url, dueAt: session.expiresAt,
            parameters: StatusCallback.fields(
                session: session, attempt: attempt, sessionStatus: SessionStatus.expired.rawValue,
                channelStatus: step.status, errorCode: step.errorCode),
            onlyIfExpired: true)
        expiryOf[session.uuid] = id
    }

    /// The session was verified at `now`: one callback with `SessionStatus=verified`, and its
    /// expiry callback will never come.
    mutating func sessionVerified(_ session: SessionRecord, at now: Timestamp) {
        guard let url = session.callbackURL, let attempt = session.attempts.last else { return }
        if let id = expiryOf.removeValue(forKey: session.uuid), let index = index(of: id), entries[index].state == .pending {
            entries[index].state = .cancelled
        }
        let step = attempt.step(at: now)
        add(
            session: session, url: url, dueAt: now,
            parameters: StatusCallback.fields(
                session: session, attempt: attempt, sessionStatus: SessionStatus.verified.rawValue, channelStatus: step.status,
                errorCode: step.errorCode))
    }

    /// The session was expired on request (`POST /__sandbox/expire`): its expiry callback is due now.
    mutating func sessionExpired(_ uuid: String, at now: Timestamp) {
        guard let id = expiryOf[uuid], let index = index(of: id), entries[index].state == .pending else { return }
        entries[index].dueAt = now
        due.insert(Due(at: now, id: id))
    }

    @discardableResult
    private mutating func add(
        session: SessionRecord, url: String, dueAt: Timestamp, parameters: [QueryItem], onlyIfExpired: Bool = false
    ) -> Int {
        made += 1
        var callback = StatusCallback(
            id: made, authID: session.account, sessionUUID: session.uuid, url: url, method: session.callbackMethod,
            parameters: parameters, dueAt: dueAt, state: .pending)
        callback.onlyIfExpired = onlyIfExpired
        entries.append(callback)
        due.insert(Due(at: dueAt, id: made))
        // The oldest go once finished; a pending one at the front holds the trimming back.
        while entries.count > Self.capacity, let first = entries.first, ![.pending, .sending].contains(first.state) {
            entries.removeFirst()
            firstID += 1
        }
        return made
    }

    /// Whether a callback may be due at `now` (and so the deliverer has work). May say yes
    /// once for a callback that was cancelled meanwhile: ``takeDue(at:limit:token:)`` then finds none.
    func hasDue(at now: Timestamp) -> Bool {
        due.min.map { $0.at <= now } ?? false
    }

    /// The callbacks due at `now`, marked as being sent: for each session only its first
    /// due one, and none while another of its callbacks is being sent, so that a receiver
    /// gets one session's callbacks in the order they happened.
    mutating func takeDue(at now: Timestamp, limit: Int = .max, token: String) -> [CallbackJob] {
        var jobs: [CallbackJob] = []
        var waiting: [Due] = []
        while jobs.count < limit, let top = due.min, top.at <= now {
            _ = due.removeMin()
            guard let index = index(of: top.id), entries[index].state == .pending, entries[index].dueAt == top.at else { continue }
            let session = entries[index].sessionUUID
            if sending[session] != nil {
                waiting.append(top)
                continue
            }
            entries[index].state = .sending
            entries[index].sendingSince = now
            sending[session] = top.id
            if entries[index].onlyIfExpired { expiryOf[session] = nil }
            let callback = entries[index]
            jobs.append(
                CallbackJob(
                    authID: callback.authID, id: callback.id, url: callback.url, method: callback.method,
                    parameters: callback.parameters, token: token))
        }
        for item in waiting { due.insert(item) }
        return jobs
    }

    /// Records how a try ended: delivered on a 200; otherwise due again after Plivo's next
    /// gap, or failed after the last retry.
    mutating func finish(_ id: Int, outcome: CallbackOutcome, at now: Timestamp) {
        guard let index = index(of: id), entries[index].state == .sending else { return }
        sending[entries[index].sessionUUID] = nil
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
            due.insert(Due(at: entries[index].dueAt, id: id))
        } else {
            entries[index].state = .failed
        }
    }

    /// Gives back callbacks handed out but never finished (the deliverer stopped): due again.
    mutating func requeueSending() {
        for id in sending.values {
            guard let index = index(of: id) else { continue }
            entries[index].state = .pending
            due.insert(Due(at: entries[index].dueAt, id: id))
        }
        sending = [:]
    }
}
