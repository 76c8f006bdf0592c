import VerifyAPI

/// Everything the sandbox remembers, and the operations on it.
///
/// A plain value: ``VerifySandbox`` keeps it behind a mutex and runs one
/// operation at a time, so each one sees and leaves a consistent state.
struct SandboxState: Sendable {
    let configuration: VerifySandbox.Configuration
    /// The virtual clock; it only moves forward.
    var now: Timestamp
    var random: SandboxRandom
    /// The app of sessions created without `app_uuid`, fixed for the sandbox's life.
    let defaultAppUUID: String
    /// In creation order, so newest first is the reverse.
    var sessions: [SessionRecord] = []
    /// Lower-case session uuid to its index in `sessions`.
    var indexByUUID: [String: Int] = [:]
    /// In send order.
    var outbox: [OutboxMessage] = []

    /// A success, as JSON still to be written (outside the lock).
    struct Reply {
        let status: Int
        let json: JSONValue
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
        defaultAppUUID = random.uuid()
    }

    /// Moves the clock forward; a negative duration is ignored, as time never goes back.
    /// Refuses a step past ``Timestamp/latest`` and leaves the clock where it was.
    mutating func advance(by duration: Duration) throws(SandboxError) {
        guard duration > .zero else { return }
        guard let moved = now.adding(duration) else { throw .clockAtEnd }
        now = moved
    }

    func messages(sessionUUID: String? = nil, recipient: String? = nil) -> [OutboxMessage] {
        outbox.filter { message in
            (sessionUUID.map { message.sessionUUID == $0.lowercased() } ?? true)
                && (recipient.map { message.recipient == PhoneNumber.filterForm($0) } ?? true)
        }
    }

    // MARK: - The Verify endpoints

    /// `POST /v1/Account/{account}/Verify/Session/`
    mutating func createSession(account: String, body: RequestBody, clientAddress: String?) throws(SandboxError) -> Reply {
        let parameters = try SessionParameters(body: body.json())
        let uuid = random.uuid()
        let appUUID = parameters.appUUID ?? defaultAppUUID
        let code = configuration.fixedCode ?? random.digits(parameters.codeLength)
        let record = SessionRecord(
            sequence: sessions.count,
            uuid: uuid,
            account: account,
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
            attemptUUID: random.uuid(),
            createdAt: now,
            expiresAt: now.advanced(by: configuration.codeLifetime)
        )
        indexByUUID[uuid] = sessions.count
        sessions.append(record)
        outbox.append(
            OutboxMessage(sessionUUID: uuid, recipient: record.recipient, channel: record.channel, code: code, sentAt: now))
        return Reply(
            status: 202,
            json: .object(["api_id": .string(random.uuid()), "message": "Session initiated", "session_uuid": .string(uuid)]))
    }

    /// `GET /v1/Account/{account}/Verify/Session/{uuid}/`
    mutating func retrieveSession(account: String, uuid: String) throws(SandboxError) -> Reply {
        let record = try session(account: account, uuid: uuid)
        return Reply(status: 200, json: .object([(key: "api_id", value: .string(random.uuid()))] + record.fields(at: now)))
    }

    /// `GET /v1/Account/{account}/Verify/Session/?filters`
    mutating func listSessions(account: String, path: String, query: [QueryItem]) throws(SandboxError) -> Reply {
        let list = try SessionListQuery(query: query, now: now)
        let matching = sessions.reversed().filter { $0.account == account && list.matches($0, at: now) }
        let page = list.page(of: matching, path: path)
        let meta = JSONValue.object([
            "limit": .number(Double(list.limit)), "offset": .number(Double(list.offset)),
            "next": page.next.map(JSONValue.string) ?? .null, "previous": page.previous.map(JSONValue.string) ?? .null,
        ])
        return Reply(
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
    mutating func validateSession(account: String, uuid: String, body: RequestBody) throws(SandboxError) -> Reply {
        let record = try session(account: account, uuid: uuid)
        let submission = try OTPSubmission(body: body.json(), pathUUID: record.uuid)
        switch record.status(at: now) {
        case .verified: throw .alreadyVerified
        case .expired: throw .sessionExpired
        case .inProgress: break
        }
        guard record.validationAttempts < configuration.maxAttempts else { throw .tooManyAttempts }
        let index = indexByUUID[record.uuid]!
        sessions[index].validationAttempts += 1
        guard submission.matches(record.code) else { throw .incorrectOTP }
        sessions[index].verifiedAt = now
        return Reply(
            status: 200,
            json: .object([
                "api_id": .string(random.uuid()), "message": "session validated successfully.",
                "session_uuid": .string(record.uuid),
            ]))
    }

    /// The session of that uuid (any case) created under `account`.
    func session(account: String, uuid: String) throws(SandboxError) -> SessionRecord {
        guard let index = indexByUUID[uuid.lowercased()], sessions[index].account == account else { throw .sessionNotFound }
        return sessions[index]
    }

    // MARK: - Out of band

    /// `GET /__sandbox/outbox[?session_uuid=…][&recipient=…]`
    func outboxResponse(query: [QueryItem]) throws(SandboxError) -> Reply {
        var sessionUUID: String?
        var recipient: String?
        for item in query {
            switch item.name {
            case "session_uuid": sessionUUID = item.value
            case "recipient": recipient = item.value
            default: throw .unknownParameter(item.name)
            }
        }
        let found = messages(sessionUUID: sessionUUID, recipient: recipient)
        return Reply(status: 200, json: .object(["messages": .array(found.map(\.json))]))
    }

    /// `GET /__sandbox/clock`, and `POST /__sandbox/clock` with `{"advance": "11m"}`.
    mutating func clockResponse(advancing body: RequestBody?) throws(SandboxError) -> Reply {
        if let body {
            // No body at all reads as `{}`, as on the other endpoints.
            guard case .object(let pairs) = try body.json() ?? .object([]) else { throw .bodyNotObject }
            for pair in pairs where pair.key != "advance" { throw .unknownParameter(pair.key) }
            guard let text = pairs.first(where: { $0.key == "advance" })?.value.stringValue else { throw .advanceInvalid }
            switch DurationText.read(text) {
            case .success(let duration): try advance(by: duration)
            case .failure(.tooLong): throw .advanceTooLong
            case .failure(.malformed): throw .advanceInvalid
            }
        }
        return Reply(status: 200, json: .object(["now": .string(now.iso8601)]))
    }
}
