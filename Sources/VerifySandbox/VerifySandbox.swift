import HTTPTypes
import Synchronization
import VerifyAPI

/// An in-process emulator of Plivo's Verify sessions: create, retrieve, list and
/// validate, with the same paths, bodies and status codes as the real API, plus
/// the out-of-band `/__sandbox/outbox` and `/__sandbox/clock` for tests.
///
/// The whole emulator is a function from request to response over state kept
/// behind a mutex: callers on any thread may share one instance, and a server
/// (`vsh sandbox serve`) only has to translate HTTP to ``handle(_:clientAddress:)``.
///
/// Time is virtual: the clock stands still at ``Configuration/startTime`` and
/// moves only by ``advanceClock(by:)`` or `POST /__sandbox/clock`, so every run
/// of a script sees the same instants and a ten-minute expiry costs no waiting.
public final class VerifySandbox: Sendable {
    /// How a sandbox behaves; every field has the default `vsh` uses.
    public struct Configuration: Sendable {
        /// The token requests must carry, with HTTP Basic auth as `auth_id:token` where
        /// `auth_id` is well formed and equals the path's. Nil: no check (the embedded sandbox).
        public var authToken: String?
        /// The code every session gets (`--otp CODE`), whatever its `code_length`; nil: random codes.
        public var fixedCode: String?
        /// How long a code stays valid; the session is `expired` from `created_at + codeLifetime` on.
        public var codeLifetime: Duration
        /// Validation attempts judged per session; later ones fail even with the right code.
        public var maxAttempts: Int
        /// Delivery attempts per session: the first create and its resends.
        public var maxDeliveryAttempts: Int
        /// Which of Plivo's rate limits are enforced, per account on its virtual clock.
        public var rateLimits: RateLimits
        /// Whether sessions created with a `url` queue status callbacks, for a deliverer to
        /// take (``takeDueCallbacks()``): the served sandbox's does; in-process nothing sends them.
        public var sendsCallbacks: Bool
        /// Whether the sandbox keeps a journal of what changes, for `GET /__sandbox/events` and
        /// the inbox page (``events(after:account:)``): the served sandbox does; a script's need not.
        public var keepsEvents: Bool
        /// Whether a change may name its account with the inbox page's `X-Vsh-Account` header
        /// instead of credentials: the served sandbox allows it only while its token is the
        /// default (there is no secret to keep then), so the page never holds a token.
        public var acceptsInboxControls: Bool
        /// Seeds the generator of uuids and codes, making a run reproducible; nil: a seed drawn from the system once.
        public var seed: UInt64?
        /// Where the virtual clock starts; nil: the wall clock when the sandbox is made.
        public var startTime: Timestamp?

        public init(
            authToken: String? = nil, fixedCode: String? = nil, codeLifetime: Duration = .seconds(600),
            maxAttempts: Int = 10, maxDeliveryAttempts: Int = 5, rateLimits: RateLimits = .verify, sendsCallbacks: Bool = false,
            keepsEvents: Bool = false, acceptsInboxControls: Bool = false, seed: UInt64? = nil, startTime: Timestamp? = nil
        ) {
            self.authToken = authToken
            self.fixedCode = fixedCode
            self.codeLifetime = codeLifetime
            self.maxAttempts = maxAttempts
            self.maxDeliveryAttempts = maxDeliveryAttempts
            self.rateLimits = rateLimits
            self.sendsCallbacks = sendsCallbacks
            self.keepsEvents = keepsEvents
            self.acceptsInboxControls = acceptsInboxControls
            self.seed = seed
            self.startTime = startTime
        }
    }

    public let configuration: Configuration
    private let state: Mutex<SandboxState>
    private let callbackSignal: AsyncStream<Void>.Continuation
    /// Outbox requests waiting now (``waitingOutbox(target:headerFields:wait:clock:)``).
    let waiting = Atomic<Int>(0)
    /// Yields whenever a status callback may have fallen due (a request, a clock move): what
    /// a deliverer waits on before it asks ``takeDueCallbacks()``. One pending signal at most.
    public let callbacksDue: AsyncStream<Void>
    /// Wakes the waiting outbox requests when the state may have changed.
    let changes = ChangeNotifier()
    /// Wakes the event readers (``nextEvents(after:account:timeout:clock:)``) when the journal grew.
    let eventChanges = ChangeNotifier()
    /// Event streams open now (``openEventStream()``).
    let openStreams = Atomic<Int>(0)
    /// Events rendered lately, shared by the streams that read them (``events(after:account:)``).
    let renderedEvents = Mutex(RenderedEvents())

    /// `body` under the lock; the event readers wake when it noted a change.
    func withState<T: Sendable>(_ body: (inout SandboxState) -> T) -> T {
        let (result, noted) = state.withLock { state in
            let before = state.journal.last
            let result = body(&state)
            return (result, state.journal.last != before)
        }
        if noted { eventChanges.changed() }
        return result
    }

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        state = Mutex(SandboxState(configuration: configuration))
        (callbacksDue, callbackSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Status callbacks

    /// The status callbacks due now in every account (on each one's clock), marked as
    /// being sent; report each one's outcome with ``finishCallback(_:outcome:)``. A
    /// session's next callback is handed out only once its previous one is finished.
    public func takeDueCallbacks(limit: Int = .max) -> [CallbackJob] {
        let (jobs, more) = withState { state in
            let jobs = state.takeDueCallbacks(limit: limit)
            return (jobs, jobs.count == limit && state.hasDueCallbacks)
        }
        if more { callbackSignal.yield() }
        return jobs
    }

    /// Records a try: delivered on a 200, else due again after Plivo's next retry gap.
    /// Signals ``callbacksDue`` whenever something is due then (its slot is free again).
    public func finishCallback(_ job: CallbackJob, outcome: CallbackOutcome) {
        let due = withState { state in
            state.finishCallback(job, outcome: outcome)
            return state.hasDueCallbacks
        }
        if due { callbackSignal.yield() }
    }

    /// Hands callbacks taken but never finished back to the queue (a deliverer that stops).
    public func requeueCallbacks() {
        state.withLock { state in
            for authID in state.accountOrder { state.accounts[authID]!.callbacks.requeueSending() }
        }
    }

    /// The callback log of one account (every account's when nil), oldest first.
    public func callbacks(account authID: String? = nil) -> [StatusCallback] {
        state.withLock { state in
            state.accounts(of: authID).flatMap { Array($0.callbacks.entries) }
        }
    }

    /// Wakes the deliverer when a callback may be due: in `authID`'s account (what a
    /// request changed, so a request costs the same with 10 000 accounts), or in any (nil).
    private func signalCallbacks(account authID: String? = nil) {
        guard configuration.sendsCallbacks else { return }
        let due = state.withLock { state in
            guard let authID else { return state.hasDueCallbacks }
            return state.accounts[authID].map { $0.callbacks.hasDue(at: $0.now) } ?? false
        }
        if due { callbackSignal.yield() }
    }

    /// The virtual now of the sandbox: where a new account's clock starts.
    public var now: Timestamp { state.withLock { $0.now } }

    /// The virtual now of one account (the sandbox's when the account has not been seen yet).
    public func now(account authID: String) -> Timestamp {
        state.withLock { $0.accounts[authID]?.now ?? $0.now }
    }

    /// Moves every clock forward at once: the sandbox's and every account's. A negative
    /// duration is ignored. Throws ``SandboxError/clockAtEnd`` (and moves nothing) when
    /// a step would pass ``Timestamp/latest``.
    public func advanceClock(by duration: Duration) throws(SandboxError) {
        try state.withLock { state throws(SandboxError) in try state.advanceAll(by: duration) }
        changes.changed()
        eventChanges.changed()
        signalCallbacks()
    }

    /// Moves one account's clock forward, as its `POST /__sandbox/clock` does.
    public func advanceClock(by duration: Duration, account authID: String) throws(SandboxError) {
        try state.withLock { state throws(SandboxError) in
            try state.withAccount(authID) { account throws(SandboxError) in try account.advance(by: duration) }
        }
        changes.changed()
        eventChanges.changed()
        signalCallbacks(account: authID)
    }

    /// The codes that reached a phone so far, in arrival order, across every account;
    /// only one session's when `sessionUUID` is given, one account's when `account` is.
    public func outbox(sessionUUID: String? = nil, account authID: String? = nil) -> [OutboxMessage] {
        state.withLock { $0.messages(sessionUUID: sessionUUID, account: authID) }
    }

    /// Every account's whole state as JSON (``SandboxSnapshot``): what `--state FILE` writes.
    public func snapshot() -> JSONValue {
        state.withLock { SandboxSnapshot.encode($0, accounts: $0.allAccounts) }
    }

    /// Replaces every account with those of a snapshot (and the sandbox's clock with its
    /// `now`); nothing changes when the snapshot has a problem, which the error names.
    public func restore(_ snapshot: JSONValue) throws(SnapshotProblem) -> Int {
        let configuration = configuration
        let decoded: (now: Timestamp, accounts: [SandboxAccount])
        do {
            decoded = try SandboxSnapshot.decodeAccounts(snapshot, configuration: configuration)
        } catch {
            throw SnapshotProblem(description: error.description)
        }
        var owners = Set<String>()
        for account in decoded.accounts {
            for session in account.sessions where !owners.insert(session.uuid).inserted {
                throw SnapshotProblem(description: "session \(session.uuid) is in two accounts")
            }
        }
        state.withLock { state in
            state.now = max(state.now, decoded.now)
            state.accounts = [:]
            state.accountOrder = []
            state.accountOfSession = [:]
            for account in decoded.accounts { state.add(account) }
            state.journal.forgetAll()
        }
        changes.changed()
        eventChanges.changed()
        return decoded.accounts.count
    }

    /// Whether a session of that uuid exists, in any account.
    public func hasSession(_ uuid: String) -> Bool {
        state.withLock { $0.accountOfSession[uuid.lowercased()] != nil }
    }

    /// The auth_ids the sandbox has seen, in the order it first saw them.
    public var accounts: [String] { state.withLock { $0.accountOrder } }

    /// Answers one request: the four Verify endpoints under `/v1/Account/{auth_id}/`,
    /// and the out-of-band endpoints under `/__sandbox/` (``Route``). Never throws: every
    /// failure is an answer with a status and an `error` text (see ``SandboxError``).
    /// An armed fault that drops or resets the connection cannot happen in-process: use
    /// ``answer(_:clientAddress:)`` to see it.
    ///
    /// - Parameter clientAddress: the caller's IP, reported as a session's `requestor_ip`;
    ///   `127.0.0.1` when nil.
    public func handle(_ request: APIRequest, clientAddress: String? = nil) -> APIResponse {
        answer(request, clientAddress: clientAddress).response
    }

    /// The answer to one request and what an armed fault adds to it (a delay, a dropped
    /// or reset connection), for the door in front of the sandbox to carry out.
    public func answer(_ request: APIRequest, clientAddress: String? = nil) -> SandboxAnswer {
        respond(
            method: request.method, path: request.path, query: request.query, headerFields: request.headerFields,
            body: request.body.map(RequestBody.json) ?? .absent, clientAddress: clientAddress)
    }

    /// Answers a request as it came off the wire: a request target (`/path?query`) and
    /// the raw body bytes. An empty body counts as none (whatever its `Content-Type`); a
    /// body sent with a `Content-Type` that is not JSON is answered `415`, one that is not
    /// JSON `400 request body is not valid JSON`, each only where the endpoint reads a body
    /// (after routing, authentication and the method).
    public func handle(
        method: HTTPRequest.Method, target: String, headerFields: HTTPFields = [:], body: [UInt8],
        clientAddress: String? = nil
    ) -> APIResponse {
        answer(method: method, target: target, headerFields: headerFields, body: body, clientAddress: clientAddress).response
    }

    /// ``handle(method:target:headerFields:body:clientAddress:)`` with the fault's part: for an HTTP server.
    public func answer(
        method: HTTPRequest.Method, target: String, headerFields: HTTPFields = [:], body: [UInt8],
        clientAddress: String? = nil
    ) -> SandboxAnswer {
        let requestBody: RequestBody
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            requestBody = .absent
        } else if !headerFields[values: .contentType].allSatisfy(Self.isJSONMediaType) {
            requestBody = .notJSONMediaType
        } else if let json = try? JSONValue(parsing: body) {
            requestBody = .json(json)
        } else {
            requestBody = .invalid
        }
        return respond(
            method: method, path: target, query: [], headerFields: headerFields, body: requestBody, clientAddress: clientAddress)
    }

    private func respond(
        method: HTTPRequest.Method, path rawPath: String, query rawQuery: [QueryItem], headerFields: HTTPFields,
        body: RequestBody, clientAddress: String?
    ) -> SandboxAnswer {
        var path = rawPath
        var query = rawQuery
        if let mark = rawPath.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(rawPath[..<mark])
            query = QueryItem.decode(rawPath[rawPath.utf8.index(after: mark)...]) + rawQuery
        }
        // Routing and authentication read nothing of the state, and the JSON is written
        // after the lock is released: the lock covers only the operation itself.
        let outcome: Result<SandboxState.Reply, SandboxState.Failure>
        let fault: SandboxFault?
        /// The account the request acts on (nil: none, or anonymous, which changes nothing).
        var touched: String?
        /// Whether the request may bring a message to the outbox, if it succeeds: a create, a
        /// clock move, a reset or a seed (what wakes the waiting outbox requests).
        var outboxMayChange = false
        do throws(SandboxError) {
            guard let route = Route(path: path) else { throw .notFound }
            var caller = OutOfBandCaller.anonymous
            defer { touched = route.account ?? caller.authID }
            switch (route, method) {
            case (.sessions, .post), (.clock, .post), (.reset, _), (.seed, _), (.expire, _): outboxMayChange = true
            default: break
            }
            if let account = route.account {
                if let token = configuration.authToken {
                    guard Self.isAuthorized(headerFields, account: account, token: token) else { throw .authenticationFailed }
                }
            } else {
                caller = try Self.caller(headerFields, configuration: configuration)
            }
            guard route.methods.contains(method) else { throw .methodNotAllowed(allowed: route.methods) }
            (outcome, fault) = withState { state in
                var fault: SandboxFault?
                let result = Result { () throws(SandboxError) -> SandboxState.Reply in
                    if let endpoint = route.endpoint(method: method), let account = route.account {
                        fault = try state.withAccount(account) { account throws(SandboxError) in
                            account.takeFault(
                                endpoint, method: method,
                                recipient: account.recipient(of: endpoint, uuid: route.sessionUUID, body: body, query: query))
                        }
                        if let fault, let reply = try state.withAccount(account, { account in account.faultReply(fault) }) { return reply }
                        if let retryAfter = try state.withAccount(account, { account throws(SandboxError) in account.admit(endpoint) }) {
                            throw .rateLimited(retryAfter: retryAfter)
                        }
                    }
                    switch (route, method) {
                    case (.sessions(let account), .post):
                        return try state.createSession(account: account, body: body, clientAddress: clientAddress)
                    case (.sessions(let account), _):
                        return try state.listSessions(account: account, path: path, query: query)
                    case (.session(let account, let uuid), .post):
                        return try state.validateSession(account: account, uuid: uuid, body: body)
                    case (.session(let account, let uuid), _):
                        return try state.retrieveSession(account: account, uuid: uuid)
                    case (.outbox, _):
                        return try state.outboxResponse(query: query, caller: caller)
                    case (.clock, .post):
                        return try state.clockResponse(advancing: body, caller: caller)
                    case (.clock, _):
                        return try state.clockResponse(advancing: nil, caller: caller)
                    case (.faults, .post):
                        return try state.armFault(body: body, caller: caller)
                    case (.faults, .delete):
                        return try state.clearFaults(id: nil, caller: caller)
                    case (.faults, _):
                        return state.faultsResponse(caller: caller)
                    case (.fault(let id), _):
                        return try state.clearFaults(id: id, caller: caller)
                    case (.callbacks, _):
                        return try state.callbacksResponse(query: query, caller: caller)
                    case (.state, _):
                        return state.stateResponse(caller: caller)
                    case (.reset, _):
                        return try state.reset(caller: caller)
                    case (.seed, _):
                        return try state.seedSession(body: body, caller: caller)
                    case (.outcomes, .post):
                        return try state.setOutcome(body: body, caller: caller)
                    case (.outcomes, _):
                        return state.outcomesResponse(caller: caller)
                    case (.expire, _):
                        return try state.expireSession(body: body, caller: caller)
                    case (.inbox, _):
                        return try state.inboxResponse(query: query, caller: caller)
                    case (.timeline, _):
                        return try state.timelineResponse(query: query, caller: caller)
                    case (.events, _):
                        return try state.eventsResponse(query: query, caller: caller)
                    }
                }.mapError { SandboxState.Failure(error: $0, apiID: state.random.uuid()) }
                return (result, fault)
            }
        } catch {
            return SandboxAnswer(response: response(for: error), fault: nil)
        }
        if method != .get, method != .head {
            if outboxMayChange, case .success = outcome { changes.changed() }
            if let touched { signalCallbacks(account: touched) }
        }
        var response: APIResponse
        switch outcome {
        case .success(let reply):
            response = APIResponse(status: reply.status, json: reply.json)
            for (name, value) in reply.headerFields {
                if let field = HTTPField.Name(name) { response.headerFields[field] = value }
            }
        case .failure(let failure):
            response = failure.error.response(apiID: failure.apiID)
        }
        guard let fault else { return SandboxAnswer(response: response, fault: nil) }
        return Self.applying(fault, to: response)
    }

    /// The answer as the armed fault changes it: `X-Vsh-Fault` names the fault; a body
    /// cut short or emptied; what only a connection can do (drop, reset) left to the door.
    static func applying(_ fault: SandboxFault, to original: APIResponse) -> SandboxAnswer {
        var headerFields = original.headerFields
        headerFields[SandboxFault.headerName] = fault.id
        let body: [UInt8]
        switch fault.action {
        // Half of a JSON object's bytes never parse: its closing brace is gone.
        case .malformedBody: body = Array(original.body.prefix(original.body.count / 2))
        case .emptyBody: body = []
        default: body = original.body
        }
        let mangle: FaultDelivery.Mangle? =
            switch fault.action {
            case .drop: .drop
            case .reset: .reset
            default: nil
            }
        return SandboxAnswer(
            response: APIResponse(status: original.status, headerFields: headerFields, body: body),
            fault: FaultDelivery(faultID: fault.id, delay: fault.delay, mangle: mangle))
    }

    /// The answer to a failure found outside the sandbox, by a server in front of it
    /// (``SandboxError/bodyTooLarge``): the usual error body, with an `api_id` from the
    /// sandbox's generator, so a seeded sandbox stays reproducible.
    public func response(for error: SandboxError) -> APIResponse {
        error.response(apiID: state.withLock { $0.random.uuid() })
    }

    /// `application/json` or an `application/…+json` type, with any parameters (`; charset=utf-8`).
    /// A POST body sent with any other declared type is refused; without a `Content-Type` it is read as JSON.
    static func isJSONMediaType(_ value: String) -> Bool {
        let type = (value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingSpaces.lowercased()
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// HTTP Basic with a well-formed auth_id equal to the path's, and the sandbox's token.
    /// Read as bytes: it runs on every request.
    static func isAuthorized(_ headerFields: HTTPFields, account: String, token: String) -> Bool {
        guard let (authID, given) = basicCredentials(headerFields) else { return false }
        return authID == account && given.elementsEqual(token.utf8) && Credentials.isWellFormed(authID: account)
    }

    /// The header the inbox page names its account with, in place of credentials it never
    /// holds (``Configuration/acceptsInboxControls``).
    public static let inboxAccountHeader = HTTPField.Name("X-Vsh-Account")!

    /// The caller of an out-of-band endpoint: anonymous without an `Authorization` header;
    /// else the account of its HTTP Basic credentials, which must be a well-formed auth_id
    /// and (when the sandbox has one) the token, or the answer is 401. Without credentials,
    /// the inbox page's `X-Vsh-Account` names an account where the sandbox accepts it (403
    /// where it does not).
    static func caller(_ headerFields: HTTPFields, configuration: Configuration) throws(SandboxError) -> OutOfBandCaller {
        let token = configuration.authToken
        guard headerFields[.authorization] != nil else {
            guard let named = headerFields[inboxAccountHeader] else { return .anonymous }
            guard configuration.acceptsInboxControls else { throw .inboxControlsOff }
            guard Credentials.isWellFormed(authID: named) else { throw .authenticationFailed }
            return .account(named)
        }
        guard let (authID, given) = basicCredentials(headerFields), Credentials.isWellFormed(authID: authID),
            token.map({ given.elementsEqual($0.utf8) }) ?? true
        else { throw .authenticationFailed }
        return .account(authID)
    }

    /// The auth_id and the token bytes of an HTTP Basic `Authorization` header.
    static func basicCredentials(_ headerFields: HTTPFields) -> (authID: String, token: ArraySlice<UInt8>)? {
        guard let header = headerFields[.authorization] else { return nil }
        let bytes = Array(header.utf8)
        guard bytes.count > 6, bytes[5] == UInt8(ascii: " "),
            bytes[..<5].map({ $0 | 0x20 }).elementsEqual("basic".utf8)  // the scheme is case-insensitive
        else { return nil }
        var start = 6
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard let decoded = Base64.decode(Substring(decoding: bytes[start..<end], as: UTF8.self)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        return (String(decoding: decoded[..<colon], as: UTF8.self), decoded[(colon + 1)...])
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: SubSequence {
        let start = firstIndex(where: { $0 != " " }) ?? endIndex
        let end = lastIndex(where: { $0 != " " }).map { index(after: $0) } ?? start
        return self[start..<end]
    }
}

/// Why a snapshot could not be restored: where in its JSON, and what is wrong.
public struct SnapshotProblem: Error, Sendable, CustomStringConvertible {
    public var description: String
}
