import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization
import VerifyAPI

/// Requests to the real Verify API (or anything that speaks it, such as
/// `vsh sandbox serve`) over HTTP/1.1, on AsyncHTTPClient.
///
/// One instance serves one run: it owns one `HTTPClient` (a keep-alive connection
/// pool), counts the sessions the run creates (the spend guard) and must be
/// ``shutdown()`` when the run ends. See docs/transports.md for the behaviour
/// and every message.
public final class LiveTransport: Transport {
    public struct Configuration: Sendable {
        /// The API root: `https://api.plivo.com` unless `--base-url`/`PLIVO_BASE_URL` says otherwise.
        public var baseURL: BaseURL
        /// How long establishing a connection (TCP, proxy tunnel, TLS) may take.
        public var connectTimeout: Duration = .seconds(5)
        /// How long a whole request may take, from sending it to the last byte of the answer.
        public var requestTimeout: Duration = .seconds(30)
        /// Creates allowed in one run; the next one is refused before it is sent.
        public var maxSessions: Int = 10
        /// Answers larger than this are refused (1 MiB).
        public var maxResponseBytes: Int = 1 << 20
        /// Retries of GET requests; POST is never retried.
        public var retry = RetryPolicy()
        /// The process environment: `VSH_OTP` and the proxy variables.
        public var environment: [String: String]
        /// Asks a person for `$otp` when `VSH_OTP` is not set; nil when there is no one to ask.
        public var codePrompt: (any CodePrompt)?
        /// How the transport waits: before a retry, and for a script's `sleep`. Tests make it instant.
        public var sleeper: Sleeper = .real
        /// Against a vsh sandbox server (whose clock is virtual and never moves by itself),
        /// a script's `sleep` moves the server's clock with `POST /__sandbox/clock`
        /// instead of waiting. Never tried against `*.plivo.com`.
        public var virtualTimeOnSandbox = true
        /// `vsh/<version> (Swift: <version>)`.
        public var userAgent = UserAgent.value

        public init(baseURL: BaseURL = .plivo, environment: [String: String] = [:], codePrompt: (any CodePrompt)? = nil) {
            self.baseURL = baseURL
            self.environment = environment
            self.codePrompt = codePrompt
        }
    }

    /// Waits for a duration; throws when the wait is cancelled.
    public struct Sleeper: Sendable {
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(_ sleep: @escaping @Sendable (Duration) async throws -> Void) {
            self.sleep = sleep
        }

        /// `Task.sleep` on the continuous clock.
        public static let real = Sleeper { try await Task.sleep(for: $0) }
    }

    public let configuration: Configuration
    /// The proxy in use, from the environment; nil for a direct connection.
    public let proxy: ProxySettings?
    private let client: HTTPClient
    private let state = Mutex(State())

    private struct State {
        var createsSent = 0
        var isShutDown = false
        /// Whether the server is a vsh sandbox; nil until asked.
        var sandboxClock: Bool?
    }

    /// Makes the transport and its connection pool. Throws when a proxy variable is malformed.
    public init(configuration: Configuration) throws(ProxyError) {
        self.configuration = configuration
        proxy = try ProxySettings.fromEnvironment(configuration.environment, for: configuration.baseURL)
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.requestTimeout)),
            proxy: proxy.map { proxy in
                switch proxy.kind {
                case .http:
                    .server(host: proxy.host, port: proxy.port, authorization: proxy.username.map { .basic(username: $0, password: proxy.password ?? "") })
                case .socks5:
                    .socksServer(host: proxy.host, port: proxy.port)
                }
            },
            decompression: .disabled)
        settings.httpVersion = .http1Only
        // Fail a request at once when its connection cannot be made, instead of retrying
        // quietly until the connect timeout: vsh decides itself what to retry.
        settings.connectionPool.retryConnectionEstablishment = false
        // Drop idle connections before a server or load balancer (commonly 60 s) does, so a
        // POST is less likely to land on a connection the other side is closing.
        settings.connectionPool.idleTimeout = .seconds(30)
        // No tracing spans: vsh bootstraps no tracer, and the no-op one still cost 5 % of a run's CPU.
        settings.tracing.tracer = nil
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    public var name: String { "live" }
    public var needsCredentials: Bool { true }

    /// How many creates this run has sent (or tried to).
    public var sessionsCreated: Int { state.withLock { $0.createsSent } }

    // MARK: Transport

    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        if LiveTransport.isCreate(request) { try claimCreate() }
        let retrying = request.method == .get
        let attempts = retrying ? max(1, configuration.retry.maxAttempts) : 1
        var attempt = 1
        while true {
            let outcome: Result<APIResponse, Failure>
            do {
                outcome = .success(try await exchange(method: request.method, target: request.target, headerFields: request.headerFields, body: request.bodyText))
            } catch {
                outcome = .failure(error)
            }
            let wait: Duration
            switch outcome {
            case .success(let response):
                guard attempt < attempts,
                    let delay = configuration.retry.delay(forStatus: response.status, retryAfter: response.headerFields[.retryAfter], after: attempt)
                else { return response }
                wait = delay
            case .failure(let failure):
                guard failure.retryable, attempt < attempts else {
                    throw failure.transportError(attempts: attempt, unsafeToRepeat: request.method != .get)
                }
                wait = configuration.retry.backoff(after: attempt)
            }
            do {
                try await configuration.sleeper.sleep(wait)
            } catch {
                throw TransportError(.cancelled, "cancelled")
            }
            attempt += 1
        }
    }

    /// Waits for real; against a vsh sandbox server, moves the virtual clock of the
    /// caller's account instead (the server changes an account's clock only for its
    /// credentials).
    public func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        if configuration.virtualTimeOnSandbox, await isSandboxServer() {
            let body = JSONValue.object(["advance": .string(DurationText.format(duration))]).compactText
            var headers = LiveTransport.jsonHeaders(body: true)
            if let authorization = credentials?.basicAuthorization { headers[.authorization] = authorization }
            let response: APIResponse
            do {
                response = try await exchange(method: .post, target: SandboxPath.clock, headerFields: headers, body: body)
            } catch {
                throw error.transportError(attempts: 1, unsafeToRepeat: false)
            }
            guard response.isSuccess else {
                throw TransportError(
                    .invalidResponse, "the sandbox at \(configuration.baseURL.hostAndPort) did not move its clock: \(response.statusLine)\(response.errorText.map { ": \($0)" } ?? "")")
            }
            return
        }
        do {
            try await configuration.sleeper.sleep(duration)
        } catch {
            throw TransportError(.cancelled, "cancelled")
        }
    }

    /// Against a vsh sandbox server only; Plivo has no such endpoints, and is never sent one.
    public func control(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        guard await isSandboxServer() else {
            throw TransportError(
                .refused, "\(configuration.baseURL.hostAndPort) is not a vsh sandbox, so it takes no `fault` (nothing was sent)")
        }
        var headers = request.headerFields
        if request.body != nil { headers[.contentType] = "application/json" }
        headers[.accept] = "application/json"
        do {
            return try await exchange(method: request.method, target: request.path, headerFields: headers, body: request.body?.compactText)
        } catch {
            throw error.transportError(attempts: 1, unsafeToRepeat: request.method != .get)
        }
    }

    /// `VSH_OTP`, else the prompt, else a failure saying how to supply the code.
    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        try await CodeSource(environment: configuration.environment, prompt: configuration.codePrompt).code(for: session)
    }

    /// Closes the connection pool. Call it once the run is over; later requests fail.
    public func shutdown() async {
        let first = state.withLock { state in
            defer { state.isShutDown = true }
            return !state.isShutDown
        }
        guard first else { return }
        try? await client.shutdown()
    }

    // MARK: Spend guard

    /// `POST …/Verify/Session/`: a create, which sends a paid message.
    static func isCreate(_ request: APIRequest) -> Bool {
        request.method == .post && request.path.hasSuffix("/Verify/Session/")
    }

    private func claimCreate() throws(TransportError) {
        let limit = configuration.maxSessions
        let allowed = state.withLock { state in
            guard state.createsSent < limit else { return false }
            state.createsSent += 1
            return true
        }
        guard allowed else {
            throw TransportError(
                .refused, "spend guard: this run already created \(limit) session\(limit == 1 ? "" : "s") (--max-sessions \(limit))",
                notes: ["nothing was sent; to allow more, run with a higher --max-sessions"])
        }
    }

    // MARK: Sandbox detection

    /// Whether the server answers `GET /__sandbox/clock` as vsh's sandbox does. Asked once, never of Plivo.
    func isSandboxServer() async -> Bool {
        if let known = state.withLock({ $0.sandboxClock }) { return known }
        var answer = false
        if !configuration.baseURL.isPlivo,
            let response = try? await exchange(method: .get, target: SandboxPath.clock, headerFields: LiveTransport.jsonHeaders(body: false), body: nil),
            response.status == 200, response.json?["now"]?.stringValue != nil
        {
            answer = true
        }
        state.withLock { $0.sandboxClock = answer }
        return answer
    }

    static func jsonHeaders(body: Bool) -> HTTPFields {
        var fields = HTTPFields()
        fields[.accept] = "application/json"
        if body { fields[.contentType] = "application/json" }
        return fields
    }

    // MARK: One exchange

    /// Sends one request and reads the whole answer, within the request timeout.
    private func exchange(method: HTTPRequest.Method, target: String, headerFields: HTTPFields, body: String?) async throws(Failure) -> APIResponse {
        guard !state.withLock({ $0.isShutDown }) else { throw Failure(.shutDown) }
        var request = HTTPClientRequest(url: configuration.baseURL.url(for: target))
        request.method = HTTPMethod(rawValue: method.rawValue)
        // Host first, as the SDKs' HTTP libraries send it (AsyncHTTPClient would append it last).
        request.headers.add(name: "Host", value: configuration.baseURL.hostHeader)
        for field in headerFields { request.headers.add(name: field.name.rawName, value: field.value) }
        request.headers.replaceOrAdd(name: "User-Agent", value: configuration.userAgent)
        if let body { request.body = .bytes(ByteBuffer(string: body)) }

        let client = client
        let prepared = request
        let limit = configuration.maxResponseBytes
        let server = configuration.baseURL.hostAndPort
        let timeout = configuration.requestTimeout
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        do {
            return try await within(timeout) { () async throws -> APIResponse in
                let response = try await client.execute(prepared, deadline: deadline)
                var fields = HTTPFields()
                for (name, value) in response.headers {
                    if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
                }
                if let length = response.headers.first(name: "content-length").flatMap({ Int($0) }), length > limit {
                    throw Failure(.tooLarge(limit))
                }
                var bytes: [UInt8] = []
                for try await buffer in response.body {
                    guard bytes.count + buffer.readableBytes <= limit else { throw Failure(.tooLarge(limit)) }
                    bytes.append(contentsOf: buffer.readableBytesView)
                }
                let answer = APIResponse(status: Int(response.status.code), headerFields: fields, body: bytes)
                if let problem = LiveTransport.notJSON(answer) { throw Failure(.notJSON(server: server, answer: problem.answer, detail: problem.detail)) }
                return answer
            }
        } catch {
            throw Failure.classify(error, server: configuration.baseURL, proxy: proxy, connectTimeout: configuration.connectTimeout, requestTimeout: timeout)
        }
    }

    /// Why a success is not one: a 2xx whose body is there and is not JSON (the Verify API
    /// answers every success in JSON; a body cut short, which an HTTP/1.0 answer delimited by
    /// the connection's close cannot tell, ends here too). Error statuses stay answers
    /// whatever their body (a proxy's HTML error page): the status is the news.
    static func notJSON(_ response: APIResponse) -> (answer: String, detail: String)? {
        guard response.isSuccess, !response.body.isEmpty, response.json == nil else { return nil }
        let detail: String
        do {
            _ = try JSONValue(parsing: response.body)
            return nil
        } catch {
            detail = error.description
        }
        var answer = response.statusLine
        if let type = response.headerFields[.contentType], !type.lowercased().contains("json") {
            // Bounded and printable: the header is the server's.
            let shown = String(type.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(60).map(Character.init))
            if !shown.isEmpty { answer += ", Content-Type \(shown)" }
        }
        return (answer, detail)
    }

    /// Runs `body`, or throws ``Failure/Reason/requestTimeout`` once `timeout` has passed
    /// (after cancelling it). AsyncHTTPClient's own deadline stops at the answer's head;
    /// this one covers the body too, so a server that stalls mid-answer cannot hang vsh.
    ///
    /// The timer is the event loop's, not `Task.sleep`, which goes through Dispatch's
    /// timers: a thread wake-up per request, 6 % of a run of flows.
    private func within<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let work = Task { try await body() }
        let timedOut = Atomic(false)
        let timer = client.eventLoopGroup.any().scheduleTask(in: TimeAmount(timeout)) {
            timedOut.store(true, ordering: .relaxed)
            work.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
        } catch {
            if timedOut.load(ordering: .relaxed) { throw Failure(.requestTimeout) }
            throw error
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
