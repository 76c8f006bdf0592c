import HTTPTypes
import Synchronization
import VerifyAPI

/// Sends through another transport (live, in practice) and keeps every exchange, with
/// its secrets taken out, for ``cassette(script:baseURL:)``.
///
/// What is never kept: the `Authorization`, `Proxy-Authorization`, `Cookie` and
/// `Set-Cookie` headers, and the auth token wherever else it appears: it becomes
/// ``Cassette/authTokenPlaceholder`` (by the ``Redactor`` rule), so that replay, which
/// puts its own token in the same place, matches the same script again.
/// The auth_id becomes ``Cassette/authIDPlaceholder`` in paths, bodies and headers.
public final class RecordTransport: Transport {
    public let inner: any Transport
    /// The run's secrets (the interpreter's), beside the tokens of the requests' credentials.
    public let redaction: SharedRedactor
    private let state = Mutex(Recording())

    struct Recording {
        var exchanges: [Exchange] = []
        /// Session uuid (lower case) to the code `$otp` stood for.
        var codes: [String: String] = [:]
        /// Every auth_id and token seen in a request, to take out of what is kept.
        var authIDs: Set<String> = []
        var tokens: Set<String> = []
        /// `sleep`s so far.
        var sleeps = 0
    }

    /// Headers never written to a cassette, whatever their value.
    public static let droppedHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    public init(recordingThrough inner: any Transport, redaction: SharedRedactor = SharedRedactor()) {
        self.inner = inner
        self.redaction = redaction
    }

    public var name: String { "record" }
    public var needsCredentials: Bool { inner.needsCredentials }

    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        let startedAt = Timestamp.now()
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await inner.send(request)
        let duration = clock.now - start
        state.withLock { recording in
            if let (authID, token) = Self.credentials(request) {
                recording.authIDs.insert(authID)
                if !token.isEmpty { recording.tokens.insert(token) }
            }
            if let authID = AuthIDPath.placeholding(request.path).authID { recording.authIDs.insert(authID) }
            let scrub = Scrubber(authIDs: recording.authIDs, tokens: recording.tokens, known: redaction.current)
            recording.exchanges.append(
                Exchange(
                    startedAt: startedAt, duration: duration,
                    request: RecordedRequest(
                        method: request.method, path: scrub(AuthIDPath.placeholding(request.path).path),
                        query: request.query.map { QueryItem(scrub($0.name), scrub($0.value)) },
                        headers: scrub(request.headerFields), body: request.body.map { scrub($0).compactText }),
                    response: RecordedResponse(
                        status: response.status, headers: scrub(response.headerFields),
                        body: scrub(String(decoding: response.body, as: UTF8.self))),
                    line: request.origin?.line, sleeps: recording.sleeps))
        }
        return response
    }

    /// Forwarded, not recorded: replay needs only the answers the faults caused, which are.
    public func control(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        try await inner.control(request)
    }

    public func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        try await inner.sleep(for: duration, as: credentials)
        state.withLock { $0.sleeps += 1 }
    }

    /// The inner transport's code (the environment or the person at the keyboard),
    /// kept for replay.
    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        let code = try await inner.deliveredCode(for: session)
        state.withLock { $0.codes[session.sessionUUID.lowercased()] = code }
        return code
    }

    /// How many exchanges were recorded so far.
    public var count: Int { state.withLock { $0.exchanges.count } }

    /// The recording: each code `$otp` stood for is kept on the exchange that created its session.
    public func cassette(script: String?, baseURL: String?) -> Cassette {
        state.withLock { recording in
            let scrub = Scrubber(authIDs: recording.authIDs, tokens: recording.tokens, known: redaction.current)
            var exchanges = recording.exchanges
            for index in exchanges.indices {
                guard exchanges[index].request.method == .post,
                    let uuid = exchanges[index].response.json?["session_uuid"]?.stringValue?.lowercased(),
                    let code = recording.codes[uuid], exchanges.firstIndex(where: { $0.response.json?["session_uuid"]?.stringValue?.lowercased() == uuid }) == index
                else { continue }
                exchanges[index].otp = code
            }
            return Cassette(script: script, baseURL: baseURL.map { scrub($0) }, exchanges: exchanges)
        }
    }

    /// The auth_id and token of a request's `Authorization: Basic` header.
    static func credentials(_ request: APIRequest) -> (authID: String, token: String)? {
        guard let header = request.headerFields[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Base64.decode(header.dropFirst(6).filter { $0 != " " }),
            let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// Takes the credentials out of text on its way into a cassette (and out of a request
/// replay compares with one): tokens become ``Cassette/authTokenPlaceholder`` by the
/// ``Redactor`` rule, auth_ids ``Cassette/authIDPlaceholder``.
struct Scrubber {
    let authIDs: Set<String>
    let redactor: Redactor

    init(authIDs: Set<String>, tokens: Set<String>, known: Redactor = Redactor()) {
        self.authIDs = authIDs
        var redactor = Redactor()
        // The sandbox's documented default token is no secret: a value `sandbox` in a
        // recording stays as it is.
        for token in tokens.union(known.secrets) where token != Cassette.sandboxToken {
            redactor.add(token)
            for authID in authIDs { redactor.add(Base64.encode(Array("\(authID):\(token)".utf8))) }
        }
        self.redactor = redactor
    }

    func callAsFunction(_ text: String) -> String {
        var out = redactor.redact(text, with: Cassette.authTokenPlaceholder)
        for authID in authIDs where !authID.isEmpty { out = out.replacing(authID, with: Cassette.authIDPlaceholder) }
        return out
    }

    func callAsFunction(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(self(text))
        case .array(let items): .array(items.map { self($0) })
        case .object(let pairs): .object(pairs.map { (key: self($0.key), value: self($0.value)) })
        case .number, .bool, .null: redactor.redact(value, with: Cassette.authTokenPlaceholder)
        }
    }

    func callAsFunction(_ fields: HTTPFields) -> [Header] {
        fields.compactMap { field in
            guard !RecordTransport.droppedHeaders.contains(field.name.canonicalName) else { return nil }
            return Header(field.name.rawName, self(field.value))
        }
    }
}
