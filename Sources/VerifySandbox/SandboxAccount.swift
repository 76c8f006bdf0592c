import HTTPTypes
import VerifyAPI

/// One account of the sandbox: everything one auth_id sees, and nothing another does.
///
/// Its own sessions, virtual clock and generator of uuids and codes (seeded from the
/// sandbox's seed and the auth_id, so an account's ids do not depend on what other
/// accounts did in between), and the outcomes set for it out of band. Two CI jobs
/// with different auth_ids can share one served sandbox and never meet.
struct SandboxAccount: Sendable {
    let authID: String
    /// The account's virtual clock; it only moves forward.
    var now: Timestamp
    var random: SandboxRandom
    /// The app of sessions created without `app_uuid`, fixed for the account's life.
    let defaultAppUUID: String
    /// In creation order, so newest first is the reverse. Added to by ``add(_:)`` only,
    /// which keeps the indexes below.
    private(set) var sessions: [SessionRecord] = []
    /// Lower-case session uuid to its index in `sessions`.
    private(set) var indexByUUID: [String: Int] = [:]
    /// The latest session of each recipient and app (`recipient app_uuid`, lower case): where a
    /// resend goes while it is in progress. An index, so a create costs the same with 30 000 sessions.
    private(set) var latestByRecipient: [String: Int] = [:]
    /// Each recipient's sessions (indexes into `sessions`, oldest first): the outbox's
    /// `?recipient=` (what a waiting request asks again at every change) reads only those.
    private(set) var indexesByRecipient: [String: [Int]] = [:]
    /// Outcomes set with `POST /__sandbox/outcomes`, for a recipient (E.164 digits) or one session.
    var outcomeByRecipient: [String: DeliveryOutcome] = [:]
    var outcomeBySession: [String: DeliveryOutcome] = [:]
    /// Armed faults, in the order armed; one is used up per matching request.
    var faults: [SandboxFault] = []
    /// How many faults were ever armed: the number of the next one's id.
    var faultsArmed = 0
    /// Plivo's rate limits, when enforced: list sessions, and (``RateLimits/all``) the whole account.
    var listWindow: RateWindow?
    var accountWindow: RateWindow?
    /// Status callbacks to send and sent, when the sandbox sends them (``VerifySandbox/Configuration/sendsCallbacks``).
    var callbacks = CallbackQueue()
    /// Set by ``SandboxState`` when the account is made: tells this life of an auth_id
    /// from the one before a reset (``CallbackJob/incarnation``).
    var incarnation = 0
    let sendsCallbacks: Bool
    /// Whether the account notes its ``changes`` for the sandbox's event journal
    /// (``VerifySandbox/Configuration/keepsEvents``).
    let keepsEvents: Bool
    /// What changed in the operation under way, drained into the journal by ``SandboxState``.
    var changes: [SandboxChange] = []

    /// - Parameter defaultAppUUID: the account's default app (a restored one's); nil: drawn.
    init(
        authID: String, now: Timestamp, seed: UInt64?, rateLimits: RateLimits = .verify, sendsCallbacks: Bool = false,
        keepsEvents: Bool = false, defaultAppUUID: String? = nil
    ) {
        self.authID = authID
        self.now = now
        self.sendsCallbacks = sendsCallbacks
        self.keepsEvents = keepsEvents
        if rateLimits != .off { listWindow = RateWindow(limit: RateLimits.listLimit, period: RateLimits.listPeriod) }
        if rateLimits == .all { accountWindow = RateWindow(limit: RateLimits.accountLimit, period: RateLimits.accountPeriod) }
        random = SandboxRandom(seed: seed.map { $0 ^ Self.fingerprint(authID) })
        if let defaultAppUUID {
            self.defaultAppUUID = defaultAppUUID.lowercased()
        } else {
            self.defaultAppUUID = random.uuid()
        }
    }

    /// FNV-1a of the auth_id: mixes it into the seed, the same on every run and machine.
    static func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Moves the clock forward; a negative duration is ignored, as time never goes back.
    /// Refuses a step past ``Timestamp/latest`` and leaves the clock where it was.
    mutating func advance(by duration: Duration) throws(SandboxError) {
        guard duration > .zero else { return }
        guard let moved = now.adding(duration) else { throw .clockAtEnd }
        let before = now
        now = moved
        if keepsEvents { noteTimePassing(from: before) }
    }

    /// Notes what the clock's move from `before` to ``now`` changed: sessions that expired,
    /// attempts that moved on (a late delivery), codes that reached the phone. Statuses are
    /// worked out from the clock on every read, so this is the one place that sees time pass.
    private mutating func noteTimePassing(from before: Timestamp) {
        note(.clock)
        for session in sessions {
            let expired = session.verifiedAt == nil && session.expiresAt > before && session.expiresAt <= now
            var moved = false
            for attempt in session.attempts {
                guard let last = attempt.timeline.last, last.at > before else { continue }
                if attempt.timeline.contains(where: { $0.at > before && $0.at <= now }) { moved = true }
                if let delivered = attempt.deliveredAt, delivered > before, delivered <= now {
                    note(.message(session: session.uuid, attempt: attempt.uuid))
                }
            }
            if expired || moved { note(.session(uuid: session.uuid)) }
        }
    }

    /// Records a change for the event journal, when the sandbox keeps one.
    mutating func note(_ change: SandboxChange) {
        if keepsEvents { changes.append(change) }
    }

    /// Notes a new attempt: the session changed, and its code reached the phone if it was delivered at once.
    private mutating func noteAttempt(_ attempt: DeliveryAttempt, of uuid: String) {
        note(.session(uuid: uuid))
        if let delivered = attempt.deliveredAt, delivered <= now { note(.message(session: uuid, attempt: attempt.uuid)) }
    }

    // MARK: - The Verify endpoints

    /// `POST /v1/Account/{account}/Verify/Session/`: a new session, or a resend.
    ///
    /// As on Plivo, a session is created once per recipient (and app) within the code's
    /// lifetime: a create for a recipient whose session of the same app is still in
    /// progress is a new delivery attempt on that session (same `session_uuid`, same
    /// code; `count`, `attempt_details` and `charges` grow), on the channel it asks for,
    /// which is how an app falls back from sms to voice.
    mutating func createSession(
        _ parameters: SessionParameters, configuration: VerifySandbox.Configuration, clientAddress: String?
    ) throws(SandboxError) -> (reply: SandboxState.Reply, session: SessionRecord) {
        let appUUID = parameters.appUUID ?? defaultAppUUID
        let firstOutcome = outcome(recipient: parameters.recipient, session: nil, fraudCheck: parameters.fraudCheck)
        if firstOutcome == .invalidNumber { throw .recipientUnreachable }
        let resendKey = parameters.recipient + " " + appUUID.lowercased()
        if let index = latestByRecipient[resendKey], sessions[index].status(at: now) == .inProgress {
            return try resend(index, parameters, configuration: configuration)
        }
        let uuid = random.uuid()
        let code = configuration.fixedCode ?? random.digits(parameters.codeLength)
        let attempt = DeliveryAttempt(
            uuid: random.uuid(), sequence: 1, channel: parameters.channel, time: now, outcome: firstOutcome)
        let record = SessionRecord(
            sequence: sessions.count,
            uuid: uuid,
            account: authID,
            appUUID: appUUID,
            alias: appUUID.lowercased() == defaultAppUUID ? SessionRecord.defaultAlias : "",
            recipient: parameters.recipient,
            channel: parameters.channel,
            locale: parameters.locale,
            brandName: parameters.brandName,
            appHash: parameters.appHash,
            callbackURL: parameters.url,
            callbackMethod: parameters.method,
            dtmf: parameters.dtmf,
            fraudCheck: parameters.fraudCheck,
            code: code,
            requestorIP: clientAddress ?? "127.0.0.1",
            countryISO2: PhoneNumber.countryISO2(ofDigits: parameters.recipient),
            attempts: [attempt],
            createdAt: now,
            expiresAt: now.advanced(by: configuration.codeLifetime)
        )
        add(record)
        noteAttempt(attempt, of: uuid)
        if sendsCallbacks {
            callbacks.attemptMade(attempt, of: record)
            callbacks.sessionMade(record)
        }
        return (initiated(uuid), record)
    }

    /// A resend: one more attempt on the session at `index`, up to ``VerifySandbox/Configuration/maxDeliveryAttempts``.
    private mutating func resend(
        _ index: Int, _ parameters: SessionParameters, configuration: VerifySandbox.Configuration
    ) throws(SandboxError) -> (reply: SandboxState.Reply, session: SessionRecord) {
        let session = sessions[index]
        guard session.attempts.count < configuration.maxDeliveryAttempts else { throw .tooManyDeliveryAttempts }
        let outcome = outcome(recipient: session.recipient, session: session.uuid, fraudCheck: session.fraudCheck)
        let attempt = DeliveryAttempt(
            uuid: random.uuid(), sequence: session.attempts.count + 1, channel: parameters.channel, time: now, outcome: outcome)
        sessions[index].attempts.append(attempt)
        noteAttempt(attempt, of: session.uuid)
        if sendsCallbacks { callbacks.attemptMade(attempt, of: sessions[index]) }
        return (initiated(session.uuid), sessions[index])
    }

    /// How the next attempt to `recipient` ends: the session's outcome set out of band, else
    /// the recipient's, else a test number's, else delivered. Fraud checks block only
    /// when the session did not turn them off (`fraud_check` `disabled`).
    func outcome(recipient: String, session uuid: String?, fraudCheck: String?) -> DeliveryOutcome {
        let outcome =
            uuid.flatMap { outcomeBySession[$0] } ?? outcomeByRecipient[recipient] ?? DeliveryOutcome.forRecipient(recipient) ?? .delivered
        if outcome == .fraudBlocked, fraudCheck?.lowercased() == "disabled" { return .delivered }
        return outcome
    }

    private mutating func initiated(_ uuid: String) -> SandboxState.Reply {
        SandboxState.Reply(
            status: 202,
            json: .object(["api_id": .string(random.uuid()), "message": "Session initiated", "session_uuid": .string(uuid)]))
    }

    /// `GET /v1/Account/{account}/Verify/Session/{uuid}/`
    mutating func retrieveSession(uuid: String) throws(SandboxError) -> SandboxState.Reply {
        let record = try session(uuid: uuid)
        return SandboxState.Reply(status: 200, json: .object([(key: "api_id", value: .string(random.uuid()))] + record.fields(at: now)))
    }

    /// `GET /v1/Account/{account}/Verify/Session/?filters`
    mutating func listSessions(path: String, query: [QueryItem]) throws(SandboxError) -> SandboxState.Reply {
        let list = try SessionListQuery(query: query, now: now)
        let matching = sessions.reversed().filter { list.matches($0, at: now) }
        let page = list.page(of: matching, path: path)
        let meta = JSONValue.object([
            "limit": .number(Double(list.limit)), "offset": .number(Double(list.offset)),
            "next": page.next.map(JSONValue.string) ?? .null, "previous": page.previous.map(JSONValue.string) ?? .null,
        ])
        return SandboxState.Reply(
            status: 200,
            json: .object([
                "api_id": .string(random.uuid()), "meta": meta,
                "sessions": .array(page.items.map { .object($0.fields(at: now)) }),
            ]))
    }

    /// `POST /v1/Account/{account}/Verify/Session/{uuid}/`
    ///
    /// Checks in order: the session exists, the body is well formed (neither
    /// counts as an attempt), the session is not verified, not expired and not
    /// locked out; then the attempt is counted and the code judged.
    mutating func validateSession(uuid: String, body: RequestBody, maxAttempts: Int) throws(SandboxError) -> SandboxState.Reply {
        let record = try session(uuid: uuid)
        let submission = try OTPSubmission(body: body.json(), pathUUID: record.uuid)
        let index = indexByUUID[record.uuid]!
        // Every request that reaches the session's own checks is in its timeline.
        func refuse(_ result: ValidationRecord.Result) -> SandboxError {
            sessions[index].log(ValidationRecord(at: now, result: result))
            note(.session(uuid: record.uuid))
            if case .refused(let error) = result { return error }
            return .incorrectOTP
        }
        switch record.status(at: now) {
        case .verified: throw refuse(.refused(.alreadyVerified))
        case .expired: throw refuse(.refused(.sessionExpired))
        case .inProgress: break
        }
        guard record.validationAttempts < maxAttempts else { throw refuse(.refused(.tooManyAttempts)) }
        sessions[index].validationAttempts += 1
        guard submission.matches(record.code) else { throw refuse(.incorrect) }
        sessions[index].verifiedAt = now
        sessions[index].log(ValidationRecord(at: now, result: .verified))
        note(.session(uuid: record.uuid))
        if sendsCallbacks { callbacks.sessionVerified(sessions[index], at: now) }
        return SandboxState.Reply(
            status: 200,
            json: .object([
                "api_id": .string(random.uuid()), "message": "session validated successfully.",
                "session_uuid": .string(record.uuid),
            ]))
    }

    /// `POST /__sandbox/expire`: the session's code expires now, as if its lifetime had run
    /// out (its expiry callback goes now too). A verified session is refused; an expired one
    /// stays as it is.
    mutating func expireSession(uuid: String) throws(SandboxError) -> SessionRecord {
        let record = try session(uuid: uuid)
        switch record.status(at: now) {
        case .verified: throw .alreadyVerified
        case .expired: return record
        case .inProgress: break
        }
        let index = indexByUUID[record.uuid]!
        sessions[index].expiresAt = now
        if sendsCallbacks { callbacks.sessionExpired(record.uuid, at: now) }
        note(.session(uuid: record.uuid))
        return sessions[index]
    }

    /// The session of that uuid (any case).
    func session(uuid: String) throws(SandboxError) -> SessionRecord {
        guard let index = indexByUUID[uuid.lowercased()] else { throw .sessionNotFound }
        return sessions[index]
    }

    /// Admits a request to `endpoint` under the rate limits, or gives the seconds until it would be.
    /// A request refused by either limit counts in neither.
    mutating func admit(_ endpoint: SandboxFault.Endpoint) -> Int? {
        let accountWait = accountWindow?.wait(at: now)
        let listWait = endpoint == .list ? listWindow?.wait(at: now) : nil
        if accountWait != nil || listWait != nil { return max(accountWait ?? 0, listWait ?? 0) }
        accountWindow?.record(at: now)
        if endpoint == .list { listWindow?.record(at: now) }
        return nil
    }

    // MARK: - Faults

    /// Arms a fault from the body of `POST /__sandbox/faults`.
    mutating func armFault(body: JSONValue?) throws(SandboxError) -> SandboxFault {
        guard faults.count < SandboxFault.maximumArmed else { throw .tooManyFaults }
        let fault = try SandboxFault(body: body, id: "f\(faultsArmed + 1)")
        faultsArmed += 1
        faults.append(fault)
        note(.faults)
        return fault
    }

    /// The first armed fault that waits for this request, used up by one; nil when none does.
    mutating func takeFault(_ endpoint: SandboxFault.Endpoint, method: HTTPRequest.Method, recipient: String?) -> SandboxFault? {
        guard let index = faults.firstIndex(where: { $0.matches(endpoint, method: method, recipient: recipient) }) else { return nil }
        let fault = faults[index]
        faults[index].remaining -= 1
        if faults[index].remaining == 0 { faults.remove(at: index) }
        note(.faults)
        return fault
    }

    /// The recipient a request is about, for faults that name one: a create's body, the
    /// session of a validate or retrieve, the `recipient` filter of a list.
    func recipient(of endpoint: SandboxFault.Endpoint, uuid: String?, body: RequestBody, query: [QueryItem]) -> String? {
        switch endpoint {
        case .create:
            guard case .object(let pairs)? = try? body.json(), let text = pairs.first(where: { $0.key == "recipient" })?.value.stringValue
            else { return nil }
            return PhoneNumber.normalize(text)
        case .list:
            return query.last { $0.name == "recipient" }.map { PhoneNumber.filterForm($0.value) }
        case .validate, .retrieve:
            return uuid.flatMap { try? session(uuid: $0).recipient }
        case .any:
            return nil
        }
    }

    // MARK: - What the phone received

    /// The codes that reached a phone by now, in the order they arrived (a late one
    /// only once the clock has passed its delivery); one session's or one recipient's.
    /// A new session (created, seeded or restored), with its place in every index. Nil, and
    /// nothing added, when its uuid is taken.
    @discardableResult
    mutating func add(_ record: SessionRecord) -> Int? {
        guard indexByUUID[record.uuid] == nil else { return nil }
        let index = sessions.count
        indexByUUID[record.uuid] = index
        latestByRecipient[record.recipient + " " + record.appUUID.lowercased()] = index
        indexesByRecipient[record.recipient, default: []].append(index)
        sessions.append(record)
        return index
    }

    func messages(sessionUUID: String? = nil, recipient: String? = nil) -> [OutboxMessage] {
        var found: [OutboxMessage] = []
        let wanted = recipient.map(PhoneNumber.filterForm)
        let indexes: [Int] =
            if let sessionUUID { indexByUUID[sessionUUID.lowercased()].map { [$0] } ?? [] }
            else if let wanted { indexesByRecipient[wanted] ?? [] }
            else { Array(sessions.indices) }
        for session in indexes.lazy.map({ sessions[$0] }) {
            if let wanted, session.recipient != wanted { continue }
            for attempt in session.attempts {
                guard let deliveredAt = attempt.deliveredAt, deliveredAt <= now else { continue }
                found.append(OutboxMessage(authID: authID, session: session, attempt: attempt, deliveredAt: deliveredAt))
            }
        }
        // Stable: arrivals at the same instant keep creation order.
        return found.enumerated().sorted { ($0.element.deliveredAt, $0.offset) < ($1.element.deliveredAt, $1.offset) }.map(\.element)
    }

    // MARK: - Faults

    /// The answer a fault gives instead of the request's, its `api_id` from the account's own ids (a seeded run gives the same ones whatever other accounts do): its status with Plivo's error
    /// body (and `Retry-After` on a 429), or (dropped) none at all. Nil: the request runs.
    mutating func faultReply(_ fault: SandboxFault) -> SandboxState.Reply? {
        switch fault.action {
        case .status(401):
            // As the sandbox's own 401: no api_id, and the challenge.
            return SandboxState.Reply(
                status: 401, json: .object(["error": .string(SandboxFault.text(forStatus: 401))]),
                headerFields: [("WWW-Authenticate", "Basic realm=\"vsh sandbox\"")])
        case .status(let status):
            var headers: [(String, String)] = []
            if let retryAfter = fault.retryAfter { headers.append(("Retry-After", String(retryAfter))) }
            return SandboxState.Reply(
                status: status,
                json: .object(["api_id": .string(random.uuid()), "error": .string(SandboxFault.text(forStatus: status))]),
                headerFields: headers)
        case .drop:
            // Nobody reads it: the door closes the connection instead.
            return SandboxState.Reply(status: 503, json: .object(["error": "connection dropped"]))
        case .reset, .malformedBody, .emptyBody, .none:
            return nil
        }
    }
}
