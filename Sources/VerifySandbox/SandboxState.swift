import VerifyAPI

/// Everything the sandbox remembers: its accounts, one per auth_id, and the operations on them.
///
/// A plain value: ``VerifySandbox`` keeps it behind a mutex and runs one
/// operation at a time, so each one sees and leaves a consistent state.
struct SandboxState: Sendable {
    let configuration: VerifySandbox.Configuration
    /// Where a new account's clock starts; moved, with every account's, by ``advanceAll(by:)``.
    var now: Timestamp
    /// For the `api_id` of answers that belong to no account (a 404 path, a 401).
    var random: SandboxRandom
    var accounts: [String: SandboxAccount] = [:]
    /// Accounts made so far (the next one's ``SandboxAccount/incarnation``).
    var accountsMade = 0
    /// Auth_ids in the order the sandbox first saw them.
    var accountOrder: [String] = []
    /// Lower-case session uuid to the auth_id that owns it (uuids are unique sandbox-wide).
    var accountOfSession: [String: String] = [:]
    /// The recent changes of every account, for the event stream (kept only with
    /// ``VerifySandbox/Configuration/keepsEvents``).
    var journal = EventJournal()

    /// The most accounts one sandbox keeps; `POST /__sandbox/reset` frees one.
    static let maximumAccounts = 10_000

    /// A success, as JSON still to be written (outside the lock).
    struct Reply {
        let status: Int
        let json: JSONValue
        var headerFields: [(String, String)] = []
    }

    /// A refusal, with the `api_id` drawn for it under the lock.
    struct Failure: Error {
        let error: SandboxError
        let apiID: String
    }

    init(configuration: VerifySandbox.Configuration) {
        self.configuration = configuration
        now = configuration.startTime ?? Timestamp.now()
        random = SandboxRandom(seed: configuration.seed)
    }

    /// The account of `authID`, made on first sight with its clock at the sandbox's.
    mutating func withAccount<T>(_ authID: String, _ body: (inout SandboxAccount) throws(SandboxError) -> T) throws(SandboxError) -> T {
        if accounts[authID] == nil {
            // Any well-formed auth_id makes one: a cap keeps a loop of new ones from eating memory.
            guard accounts.count < Self.maximumAccounts else { throw .tooManyAccounts }
            add(
                SandboxAccount(
                    authID: authID, now: now, seed: configuration.seed, rateLimits: configuration.rateLimits,
                    sendsCallbacks: configuration.sendsCallbacks, keepsEvents: configuration.keepsEvents))
        }
        // Also when the body throws: a wrong code is counted (and noted) before it is refused.
        defer { drainChanges(of: authID) }
        return try body(&accounts[authID]!)
    }

    /// Moves what an operation noted in an account into the journal.
    private mutating func drainChanges(of authID: String) {
        guard accounts[authID]?.changes.isEmpty == false else { return }
        for change in accounts[authID]!.changes { journal.append(change, account: authID) }
        accounts[authID]!.changes.removeAll(keepingCapacity: true)
    }

    /// A new account (first seen, or restored), as a new life of its auth_id: its
    /// ``SandboxAccount/incarnation``, its place in the order, its sessions' owner.
    mutating func add(_ account: SandboxAccount) {
        var account = account
        accountsMade += 1
        account.incarnation = accountsMade
        accounts[account.authID] = account
        accountOrder.append(account.authID)
        for session in account.sessions { accountOfSession[session.uuid] = account.authID }
    }

    /// Moves the sandbox's clock and every account's; refused (nothing moves) when any would pass ``Timestamp/latest``.
    mutating func advanceAll(by duration: Duration) throws(SandboxError) {
        guard duration > .zero else { return }
        guard now.adding(duration) != nil, accounts.values.allSatisfy({ $0.now.adding(duration) != nil }) else { throw .clockAtEnd }
        try? advanceBase(by: duration)
        for authID in accountOrder { modifyAccount(authID) { try? $0.advance(by: duration) } }
    }

    private mutating func advanceBase(by duration: Duration) throws(SandboxError) {
        guard let moved = now.adding(duration) else { throw .clockAtEnd }
        now = moved
    }

    /// Every account that exists, in the order first seen.
    var allAccounts: [SandboxAccount] { accountOrder.map { accounts[$0]! } }

    /// One account (none if it was never seen), or every account when `authID` is nil: what
    /// an out-of-band read with, or without, credentials covers. Looked up, not filtered.
    func accounts(of authID: String?) -> [SandboxAccount] {
        guard let authID else { return allAccounts }
        return accounts[authID].map { [$0] } ?? []
    }

    func messages(sessionUUID: String? = nil, recipient: String? = nil, account authID: String? = nil) -> [OutboxMessage] {
        if let sessionUUID {
            guard let owner = accountOfSession[sessionUUID.lowercased()], authID == nil || authID == owner else { return [] }
            return accounts[owner]!.messages(sessionUUID: sessionUUID, recipient: recipient)
        }
        if let authID { return accounts[authID]?.messages(recipient: recipient) ?? [] }
        // Each account's own index answers its part; no array of every account is built first.
        return accountOrder.flatMap { accounts[$0]!.messages(recipient: recipient) }
    }

    // MARK: - The Verify endpoints

    mutating func createSession(account authID: String, body: RequestBody, clientAddress: String?) throws(SandboxError) -> Reply {
        let parameters = try SessionParameters(body: body.json())
        let configuration = configuration
        let (reply, session) = try withAccount(authID) { account throws(SandboxError) in
            try account.createSession(parameters, configuration: configuration, clientAddress: clientAddress)
        }
        accountOfSession[session.uuid] = authID
        return reply
    }

    mutating func retrieveSession(account authID: String, uuid: String) throws(SandboxError) -> Reply {
        try withAccount(authID) { account throws(SandboxError) in try account.retrieveSession(uuid: uuid) }
    }

    mutating func listSessions(account authID: String, path: String, query: [QueryItem]) throws(SandboxError) -> Reply {
        try withAccount(authID) { account throws(SandboxError) in try account.listSessions(path: path, query: query) }
    }

    mutating func validateSession(account authID: String, uuid: String, body: RequestBody) throws(SandboxError) -> Reply {
        let maxAttempts = configuration.maxAttempts
        return try withAccount(authID) { account throws(SandboxError) in
            try account.validateSession(uuid: uuid, body: body, maxAttempts: maxAttempts)
        }
    }

    // MARK: - Out of band

    /// `GET /__sandbox/outbox[?session_uuid=…][&recipient=…]`: the caller's account's, or every account's.
    func outboxResponse(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        var sessionUUID: String?
        var recipient: String?
        for item in query {
            switch item.name {
            case "session_uuid": sessionUUID = item.value
            case "recipient": recipient = item.value
            case "wait":
                // Waiting is the server's (it answers again as messages arrive); here it is only checked.
                guard OutboxWait.duration(item.value) != nil else { throw .waitInvalid }
            default: throw .unknownParameter(item.name)
            }
        }
        let found = messages(sessionUUID: sessionUUID, recipient: recipient, account: caller.authID)
        return Reply(status: 200, json: .object(["messages": .array(found.map(\.json))]))
    }

    /// `GET /__sandbox/clock`, and `POST /__sandbox/clock` with `{"advance": "11m"}` (the caller's account only).
    mutating func clockResponse(advancing body: RequestBody?, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else {
            if body != nil { throw .accountRequired }
            // Without an account: the clock a new account starts on, and every account's.
            return Reply(
                status: 200,
                json: .object([
                    "now": .string(now.iso8601),
                    "accounts": .array(allAccounts.map { .object(["auth_id": .string($0.authID), "now": .string($0.now.iso8601)]) }),
                ]))
        }
        return try withAccount(authID) { account throws(SandboxError) in
            if let body {
                // No body at all reads as `{}`, as on the other endpoints.
                guard case .object(let pairs) = try body.json() ?? .object([]) else { throw .bodyNotObject }
                for pair in pairs where pair.key != "advance" { throw .unknownParameter(pair.key) }
                guard let text = pairs.first(where: { $0.key == "advance" })?.value.stringValue else { throw .advanceInvalid }
                switch DurationText.read(text) {
                case .success(let duration): try account.advance(by: duration)
                case .failure(.tooLong): throw .advanceTooLong
                case .failure(.malformed): throw .advanceInvalid
                }
            }
            return Reply(status: 200, json: .object(["now": .string(account.now.iso8601)]))
        }
    }

    // MARK: - Inspection, reset, seeding, outcomes

    /// `GET /__sandbox/state`: the caller's account (or every account) whole.
    func stateResponse(caller: OutOfBandCaller) -> Reply {
        Reply(status: 200, json: SandboxSnapshot.encode(self, accounts: accounts(of: caller.authID)))
    }

    /// `POST /__sandbox/reset`: the caller's account starts again, empty, on the sandbox's clock.
    mutating func reset(caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        if let account = accounts.removeValue(forKey: authID) {
            accountOrder.removeAll { $0 == authID }
            for session in account.sessions { accountOfSession[session.uuid] = nil }
            if configuration.keepsEvents { journal.append(.reset, account: authID) }
        }
        return Reply(status: 200, json: .object(["reset": .string(authID), "now": .string(now.iso8601)]))
    }

    /// `POST /__sandbox/sessions`: a session in any state, created at any past instant,
    /// for list, paging and expiry tests. Nothing is "sent" and no callback goes out.
    mutating func seedSession(body: RequestBody, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        let fields = try BodyFields(
            body.json(), known: ["recipient", "status", "created_at", "code", "channel", "app_uuid", "brand_name", "outcome"])
        let text = fields.text
        guard let recipientText = try text("recipient") else { throw .recipientRequired }
        guard let recipient = PhoneNumber.normalize(recipientText) else { throw .recipientInvalid }
        let status = try text("status").map { (s: String) throws(SandboxError) -> SessionStatus in
            guard let status = SessionStatus(rawValue: s.lowercased()) else { throw .statusInvalid }
            return status
        } ?? .inProgress
        let channel = try text("channel")?.lowercased() ?? "sms"
        guard VerifyParameters.channels.contains(channel) else { throw .channelInvalid }
        let outcome = try text("outcome").map { (s: String) throws(SandboxError) -> DeliveryOutcome in
            guard let outcome = DeliveryOutcome(rawValue: s) else { throw .outcomeInvalid }
            return outcome
        } ?? .delivered
        let code = try text("code")
        if let code {
            guard (4...8).contains(code.utf8.count), code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw .seedCodeInvalid }
        }
        let lifetime = configuration.codeLifetime
        let configuration = configuration
        let (uuid, seeded) = try withAccount(authID) { account throws(SandboxError) -> (String, String) in
            let createdAt: Timestamp
            if let given = try text("created_at") {
                guard let time = Timestamp(parsing: given) ?? SessionListQuery.parseTime(given)?.0, time <= account.now,
                    time >= Timestamp.earliest
                else {
                    throw .seedTimeInvalid
                }
                createdAt = time
            } else {
                createdAt = status == .expired ? (account.now.adding(.zero - lifetime) ?? Timestamp.earliest) : account.now
            }
            let expiresAt = createdAt.advanced(by: lifetime)
            switch status {
            case .expired: guard expiresAt <= account.now else { throw .seedTimeMismatch(lifetime: DurationText.format(lifetime)) }
            case .inProgress: guard expiresAt > account.now else { throw .seedTimeMismatch(lifetime: DurationText.format(lifetime)) }
            case .verified: break
            }
            let uuid = account.random.uuid()
            let appUUID = try text("app_uuid")?.lowercased() ?? account.defaultAppUUID
            let code = code ?? configuration.fixedCode ?? account.random.digits(6)
            var record = SessionRecord(
                sequence: account.sessions.count, uuid: uuid, account: authID, appUUID: appUUID,
                alias: appUUID == account.defaultAppUUID ? SessionRecord.defaultAlias : "", recipient: recipient, channel: channel,
                locale: "en", brandName: try text("brand_name"), appHash: nil, callbackURL: nil, callbackMethod: "POST", dtmf: nil,
                fraudCheck: nil, code: code, requestorIP: "127.0.0.1", countryISO2: PhoneNumber.countryISO2(ofDigits: recipient),
                attempts: [DeliveryAttempt(uuid: account.random.uuid(), sequence: 1, channel: channel, time: createdAt, outcome: outcome)],
                createdAt: createdAt, expiresAt: expiresAt)
            if status == .verified { record.verifiedAt = createdAt }
            record.validationAttempts = status == .verified ? 1 : 0
            account.add(record)
            return (uuid, code)
        }
        accountOfSession[uuid] = authID
        return Reply(status: 201, json: .object(["session_uuid": .string(uuid), "code": .string(seeded)]))
    }

    /// `POST /__sandbox/outcomes` with `{"recipient": "+1…", "outcome": "undelivered"}` or
    /// `{"session_uuid": "…", "outcome": …}`: how the next attempts end (`delivered` undoes it).
    mutating func setOutcome(body: RequestBody, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        let fields = try BodyFields(body.json(), known: ["recipient", "session_uuid", "outcome"])
        guard let outcome = fields.value("outcome")?.stringValue.flatMap(DeliveryOutcome.init(rawValue:)) else { throw .outcomeInvalid }
        let recipient = try fields.text("recipient")
        let sessionUUID = try fields.text("session_uuid")
        guard (recipient == nil) != (sessionUUID == nil) else { throw .outcomeTargetInvalid }
        try withAccount(authID) { account throws(SandboxError) in
            let count = account.outcomeByRecipient.count + account.outcomeBySession.count
            if outcome != .delivered, count >= DeliveryOutcome.maximumSet { throw .tooManyOutcomes }
            if let recipient {
                guard let digits = PhoneNumber.normalize(recipient) else { throw .recipientInvalid }
                account.outcomeByRecipient[digits] = outcome == .delivered ? nil : outcome
            } else if let sessionUUID {
                let uuid = try account.session(uuid: sessionUUID).uuid
                account.outcomeBySession[uuid] = outcome == .delivered ? nil : outcome
            }
        }
        return outcomesResponse(caller: caller)
    }

    /// `GET /__sandbox/outcomes`: the outcomes set for recipients (`+` digits) and sessions.
    func outcomesResponse(caller: OutOfBandCaller) -> Reply {
        let listed = accounts(of: caller.authID).flatMap { account -> [JSONValue] in
            account.outcomeByRecipient.sorted { $0.key < $1.key }.map {
                .object(["auth_id": .string(account.authID), "recipient": .string("+" + $0.key), "outcome": .string($0.value.rawValue)])
            }
                + account.outcomeBySession.sorted { $0.key < $1.key }.map {
                    .object(["auth_id": .string(account.authID), "session_uuid": .string($0.key), "outcome": .string($0.value.rawValue)])
                }
        }
        return Reply(status: 200, json: .object(["outcomes": .array(listed)]))
    }

    // MARK: - Status callbacks

    /// Whether any account has a callback due on its clock.
    var hasDueCallbacks: Bool { accounts.values.contains { $0.callbacks.hasDue(at: $0.now) } }

    /// The callbacks due now in every account, marked as being sent.
    mutating func takeDueCallbacks(limit: Int) -> [CallbackJob] {
        let token = configuration.authToken ?? ""
        var jobs: [CallbackJob] = []
        for authID in accountOrder where jobs.count < limit {
            // In place (`&accounts[…]!`): a copy of the account held across the change would
            // make the queue copy its whole log on every take, the quadratic slowdown that
            // stalled a server with thousands of callbacks waiting.
            modifyAccount(authID) { account in
                guard account.callbacks.hasDue(at: account.now) else { return }
                let incarnation = account.incarnation
                jobs += account.callbacks.takeDue(at: account.now, limit: limit - jobs.count, token: token).map { job in
                    var job = job
                    job.incarnation = incarnation
                    account.note(.callback(id: job.id))
                    return job
                }
            }
        }
        return jobs
    }

    mutating func finishCallback(_ job: CallbackJob, outcome: CallbackOutcome) {
        modifyAccount(job.authID) { account in
            // A try of the account's life before a reset: that callback is gone with it.
            guard account.incarnation == job.incarnation else { return }
            account.callbacks.finish(job.id, outcome: outcome, at: account.now)
            account.note(.callback(id: job.id))
        }
    }

    /// Changes an account that exists, in place (nothing when it does not: reset meanwhile).
    private mutating func modifyAccount(_ authID: String, _ body: (inout SandboxAccount) -> Void) {
        guard accounts[authID] != nil else { return }
        body(&accounts[authID]!)
        drainChanges(of: authID)
    }

    /// `GET /__sandbox/callbacks[?session_uuid=…]`: the caller's account's callback log, or every account's.
    func callbacksResponse(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        var sessionUUID: String?
        for item in query {
            guard item.name == "session_uuid" else { throw .unknownParameter(item.name) }
            sessionUUID = item.value.lowercased()
        }
        let listed = accounts(of: caller.authID).flatMap { account in
            account.callbacks.entries.lazy.filter { sessionUUID == nil || $0.sessionUUID == sessionUUID }.map(\.json)
        }
        return Reply(status: 200, json: .object(["callbacks": .array(listed)]))
    }

    // MARK: - The inbox

    /// `POST /__sandbox/expire` with `{"session_uuid": "…"}`: the session's code expires now.
    mutating func expireSession(body: RequestBody, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        let fields = try BodyFields(body.json(), known: ["session_uuid"])
        guard let uuid = try fields.text("session_uuid") else { throw .sessionUUIDRequired }
        let maxAttempts = configuration.maxAttempts
        return try withAccount(authID) { account throws(SandboxError) in
            let session = try account.expireSession(uuid: uuid)
            return Reply(status: 200, json: InboxView.entry(session, in: account, maxAttempts: maxAttempts))
        }
    }

    /// `GET /__sandbox/inbox[?account=AUTH_ID]`: every account in the switcher (only the
    /// caller's, with credentials), and the one shown (`account`, else the one that sent last)
    /// with its newest sessions; `sequence` is where its event stream should start.
    func inboxResponse(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        var wanted: String?
        for item in query {
            guard item.name == "account" else { throw .unknownParameter(item.name) }
            wanted = item.value
        }
        let listed = accounts(of: caller.authID)
        // Credentials show their own account, whatever `account` asks for.
        if let authID = caller.authID { wanted = authID }
        // An account asked for by name and not there (reset meanwhile) is shown as none, not another.
        let shown: SandboxAccount? = if let wanted { listed.first { $0.authID == wanted } } else { latestActive(listed) }
        return Reply(
            status: 200,
            json: .object([
                "sequence": .number(Double(journal.last)), "now": .string(now.iso8601),
                "controls": .bool(configuration.acceptsInboxControls || caller.authID != nil),
                "accounts": .array(listed.map(InboxView.summary)),
                "account": shown.map { InboxView.account($0, maxAttempts: configuration.maxAttempts) } ?? .null,
            ]))
    }

    /// The account whose latest attempt is the newest, a resend included (the first seen,
    /// when none has sessions); of two at the same instant, the one made later.
    private func latestActive(_ accounts: [SandboxAccount]) -> SandboxAccount? {
        var best: (account: SandboxAccount, at: Timestamp)?
        for account in accounts {
            let latest = account.sessions.lazy.compactMap { $0.attempts.last?.time }.max()
            guard let latest else { continue }
            if best.map({ (latest, account.incarnation) > ($0.at, $0.account.incarnation) }) ?? true { best = (account, latest) }
        }
        return best?.account ?? accounts.first
    }

    /// `GET /__sandbox/timeline?session_uuid=…`: one session's story (``InboxView/timeline(_:in:maxAttempts:)``).
    func timelineResponse(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        var uuid: String?
        for item in query {
            guard item.name == "session_uuid" else { throw .unknownParameter(item.name) }
            uuid = item.value.lowercased()
        }
        guard let uuid else { throw .sessionUUIDRequired }
        guard let owner = accountOfSession[uuid], caller.authID == nil || caller.authID == owner, let account = accounts[owner]
        else { throw .sessionNotFound }
        let session = try account.session(uuid: uuid)
        return Reply(status: 200, json: InboxView.timeline(session, in: account, maxAttempts: configuration.maxAttempts))
    }

    /// `GET /__sandbox/events?after=N[&account=AUTH_ID]` in-process (the served sandbox streams
    /// it instead): the events since `after`, as one JSON answer (at most one batch).
    func eventsResponse(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        let request = try EventRequest(query: query, caller: caller)
        let batch = pendingEvents(after: request.after ?? journal.last, account: request.account, limit: SandboxEventBatch.maximumEntries)
            .rendered(maxAttempts: configuration.maxAttempts)
        return Reply(
            status: 200,
            json: .object([
                "events": .array(batch.events.map(\.json)), "last": .number(Double(batch.last)), "complete": .bool(batch.complete),
            ]))
    }

    /// What the journal's entries after `sequence` refer to, copied from the state as it is
    /// now (values: a session's arrays are shared, not copied), to be rendered as events
    /// outside the lock. At most `limit` entries are read; `last` is the last one read.
    func pendingEvents(after sequence: UInt64, account authID: String?, limit: Int) -> PendingEvents {
        let read = journal.read(after: sequence, account: authID, limit: limit)
        guard read.complete else { return PendingEvents(items: [], last: read.last, complete: false) }
        // Several changes to one session in a read are one event: its latest state, at the last one's id.
        var lastIndex: [SandboxChange: Int] = [:]
        for (index, entry) in read.entries.enumerated() { lastIndex[entry.change] = index }
        var items: [PendingEvent] = []
        for (index, entry) in read.entries.enumerated() where lastIndex[entry.change] == index || entry.change.isEachTime {
            if let source = source(of: entry) { items.append(PendingEvent(id: entry.sequence, authID: entry.authID, source: source)) }
        }
        return PendingEvents(items: items, last: read.last, complete: true)
    }

    private func source(of entry: EventJournal.Entry) -> PendingEvent.Source? {
        if case .reset = entry.change { return .reset(now: now) }
        // An account reset since: what it noted before is gone with it.
        guard let account = accounts[entry.authID] else { return nil }
        switch entry.change {
        case .session(let uuid):
            guard let session = try? account.session(uuid: uuid) else { return nil }
            return .session(session, now: account.now)
        case .message(let uuid, let attemptUUID):
            guard let session = try? account.session(uuid: uuid), let attempt = session.attempts.first(where: { $0.uuid == attemptUUID }),
                let deliveredAt = attempt.deliveredAt
            else { return nil }
            return .message(OutboxMessage(authID: account.authID, session: session, attempt: attempt, deliveredAt: deliveredAt))
        case .callback(let id):
            return account.callbacks.entry(id: id).map(PendingEvent.Source.callback)
        case .clock:
            return .clock(now: account.now)
        case .faults:
            return .faults(account.faults)
        case .reset:
            return nil
        }
    }

    // MARK: - Faults

    /// `POST /__sandbox/faults`: arms one for the caller's account.
    mutating func armFault(body: RequestBody, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        let json = try body.json()
        let fault = try withAccount(authID) { account throws(SandboxError) in try account.armFault(body: json) }
        return Reply(status: 201, json: .object(["fault": fault.json]))
    }

    /// `GET /__sandbox/faults`: the caller's account's armed faults, or every account's.
    func faultsResponse(caller: OutOfBandCaller) -> Reply {
        let listed: [JSONValue] = accounts(of: caller.authID).flatMap { account in
            account.faults.map { fault in
                guard case .object(let pairs) = fault.json else { return fault.json }
                return .object([(key: "auth_id", value: .string(account.authID))] + pairs)
            }
        }
        return Reply(status: 200, json: .object(["faults": .array(listed)]))
    }

    /// `DELETE /__sandbox/faults` (every one of the caller's) or `…/faults/{id}` (that one).
    mutating func clearFaults(id: String?, caller: OutOfBandCaller) throws(SandboxError) -> Reply {
        guard let authID = caller.authID else { throw .accountRequired }
        let cleared = try withAccount(authID) { account throws(SandboxError) -> Int in
            let before = account.faults.count
            if let id {
                guard account.faults.contains(where: { $0.id == id }) else { throw .faultNotFound }
                account.faults.removeAll { $0.id == id }
            } else {
                account.faults.removeAll()
            }
            return before - account.faults.count
        }
        return Reply(status: 200, json: .object(["cleared": .number(Double(cleared))]))
    }
}

/// Who is asking an out-of-band endpoint: an account, by the request's HTTP Basic
/// credentials (the ones the API takes), or nobody, which may read across accounts
/// but change nothing.
enum OutOfBandCaller: Sendable, Equatable {
    case account(String)
    case anonymous

    var authID: String? {
        if case .account(let id) = self { return id }
        return nil
    }
}
