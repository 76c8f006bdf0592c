import Testing
import VerifyAPI

@testable import VerifyLiveHTTP

@Suite struct BaseURLTests {
    @Test(arguments: [
        ("https://api.plivo.com", "https://api.plivo.com", "api.plivo.com:443", ""),
        ("https://API.Plivo.com/", "https://api.plivo.com", "api.plivo.com:443", ""),
        ("http://127.0.0.1:8790", "http://127.0.0.1:8790", "127.0.0.1:8790", ""),
        ("http://localhost:80/", "http://localhost", "localhost:80", ""),
        ("HTTPS://gateway.example:8443/plivo//", "https://gateway.example:8443/plivo", "gateway.example:8443", "/plivo"),
        ("http://[::1]:8790", "http://[::1]:8790", "[::1]:8790", ""),
    ])
    func acceptsAPIRoots(text: String, shown: String, hostAndPort: String, prefix: String) throws {
        let url = try BaseURL(parsing: text)
        #expect(url.description == shown)
        #expect(url.hostAndPort == hostAndPort)
        #expect(url.pathPrefix == prefix)
        #expect(url.url(for: "/v1/Account/MA/Verify/Session/?limit=1") == shown + "/v1/Account/MA/Verify/Session/?limit=1")
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("api.plivo.com", "it needs a scheme: http:// or https://"),
        ("ftp://api.plivo.com", "the scheme must be http or https"),
        ("https://", "it has no host"),
        ("https://:443", "it has no host"),
        ("https://api.plivo.com?x=1", "it must not have a query (`?…`)"),
        ("https://api.plivo.com/#top", "it must not have a fragment (`#…`)"),
        ("https://MA123:token@api.plivo.com", "it must not carry credentials; use `auth` or PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN"),
        ("https://api.plivo.com:0", "the port must be a number from 1 to 65535"),
        ("https://api.plivo.com:99999", "the port must be a number from 1 to 65535"),
        ("https://api.plivo.com:http", "the port must be a number from 1 to 65535"),
        ("https://api plivo.com", "it contains spaces, control or non-ASCII characters"),
        ("https://api!plivo.com", "\"api!plivo.com\" is not a host name"),
        ("http://[::1", "an IPv6 host needs its closing `]`"),
    ])
    func refusesAnythingElse(text: String, reason: String) {
        #expect(throws: BaseURLError(text: text, reason: reason)) { try BaseURL(parsing: text) }
    }

    @Test func theHostHeaderNamesThePortOnlyWhenItIsNotTheDefault() throws {
        #expect(BaseURL.plivo.hostHeader == "api.plivo.com")
        #expect(try BaseURL(parsing: "http://127.0.0.1:8790").hostHeader == "127.0.0.1:8790")
        #expect(try BaseURL(parsing: "http://[::1]").hostHeader == "[::1]")
        #expect(try BaseURL(parsing: "https://h:80").hostHeader == "h:80")
    }

    @Test func theMessageQuotesTheURL() {
        #expect(BaseURLError(text: "ftp://x", reason: "the scheme must be http or https").description == "invalid base URL \"ftp://x\": the scheme must be http or https")
    }

    @Test func plivoHostsAreKnown() throws {
        #expect(BaseURL.plivo.isPlivo)
        #expect(try BaseURL(parsing: "https://api-eu.plivo.com").isPlivo)
        #expect(try !BaseURL(parsing: "https://notplivo.com").isPlivo)
        #expect(try !BaseURL(parsing: "http://127.0.0.1:8790").isPlivo)
    }
}

@Suite struct ProxyTests {
    static let plivo = BaseURL.plivo
    static let plain = try! BaseURL(parsing: "http://sandbox.internal:8790")

    @Test func httpsUsesHTTPS_PROXYAndHttpUsesHTTP_PROXY() throws {
        let environment = ["HTTPS_PROXY": "http://secure.proxy:3128", "HTTP_PROXY": "plain.proxy:8080"]
        #expect(try ProxySettings.fromEnvironment(environment, for: Self.plivo) == ProxySettings(kind: .http, host: "secure.proxy", port: 3128, variable: "HTTPS_PROXY"))
        #expect(try ProxySettings.fromEnvironment(environment, for: Self.plain) == ProxySettings(kind: .http, host: "plain.proxy", port: 8080, variable: "HTTP_PROXY"))
    }

    @Test func lowerCaseWinsAndEmptyMeansUnset() throws {
        #expect(try ProxySettings.fromEnvironment(["https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"], for: Self.plivo)?.host == "a")
        #expect(try ProxySettings.fromEnvironment(["https_proxy": "", "HTTPS_PROXY": "http://b:2"], for: Self.plivo)?.host == "b")
        #expect(try ProxySettings.fromEnvironment(["HTTPS_PROXY": ""], for: Self.plivo) == nil)
        #expect(try ProxySettings.fromEnvironment([:], for: Self.plivo) == nil)
    }

    @Test func httpsDoesNotFallBackToHTTP_PROXYButDoesToALL_PROXY() throws {
        #expect(try ProxySettings.fromEnvironment(["HTTP_PROXY": "http://p:1"], for: Self.plivo) == nil)
        #expect(try ProxySettings.fromEnvironment(["ALL_PROXY": "socks5://s:1080"], for: Self.plivo) == ProxySettings(kind: .socks5, host: "s", port: 1080, variable: "ALL_PROXY"))
    }

    @Test func parsesUserPasswordAndDefaults() throws {
        let proxy = try ProxySettings(parsing: "http://me%40corp:p%3Ass@Proxy.Corp/", variable: "HTTPS_PROXY")
        #expect(proxy == ProxySettings(kind: .http, host: "proxy.corp", port: 80, username: "me@corp", password: "p:ss", variable: "HTTPS_PROXY"))
        #expect(proxy.description == "http://me@corp@proxy.corp:80 (HTTPS_PROXY)", "never the password")
        #expect(try ProxySettings(parsing: "socks5h://[::1]:9050", variable: "ALL_PROXY") == ProxySettings(kind: .socks5, host: "::1", port: 9050, variable: "ALL_PROXY"))
    }

    @Test(arguments: [
        ("https://proxy:443", "an https:// proxy (TLS to the proxy) is not supported; use http://"),
        ("ftp://proxy", "unsupported proxy scheme \"ftp\"; use http:// or socks5://"),
        ("http://proxy:3128/path", "a proxy URL has no path"),
        ("http://proxy:port", "the port must be a number from 1 to 65535"),
        ("http://", "it has no host"),
        ("socks5://user:pw@proxy", "SOCKS proxies with a user name are not supported"),
    ])
    func malformedProxiesAreRefusedWithTheVariableNamed(text: String, reason: String) {
        #expect(throws: ProxyError(variable: "HTTPS_PROXY", reason: reason)) { try ProxySettings.fromEnvironment(["HTTPS_PROXY": text], for: Self.plivo) }
        #expect(ProxyError(variable: "HTTPS_PROXY", reason: reason).description == "HTTPS_PROXY is not a usable proxy: \(reason)")
    }

    @Test func loopbackIsNeverProxied() throws {
        let environment = ["HTTP_PROXY": "http://proxy:3128", "HTTPS_PROXY": "http://proxy:3128"]
        for base in ["http://127.0.0.1:8790", "http://127.1.2.3", "http://localhost:8790", "http://api.localhost", "http://[::1]:8790", "https://localhost"] {
            #expect(try ProxySettings.fromEnvironment(environment, for: BaseURL(parsing: base)) == nil, "\(base)")
        }
    }

    @Test func noProxySkipsTheProxy() throws {
        let environment = ["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "example.com, .plivo.com"]
        #expect(try ProxySettings.fromEnvironment(environment, for: Self.plivo) == nil)
        #expect(try ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://proxy:3128", "no_proxy": "*"], for: Self.plivo) == nil)
        #expect(try ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "plivo.org"], for: Self.plivo) != nil)
    }

    @Test(arguments: [
        ("*", "anything.example", 443, true),
        ("example.com", "example.com", 443, true),
        ("example.com", "api.example.com", 443, true),
        (".example.com", "example.com", 443, true),
        ("*.example.com", "a.b.example.com", 443, true),
        ("example.com", "badexample.com", 443, false),
        ("EXAMPLE.com", "Api.Example.COM", 443, true),
        ("example.com:8443", "example.com", 443, false),
        ("example.com:8443", "example.com", 8443, true),
        ("10.0.0.0/8", "10.1.2.3", 443, true),
        ("10.0.0.0/8", "11.1.2.3", 443, false),
        ("192.168.1.7", "192.168.1.7", 80, true),
        ("192.168.1.7", "192.168.1.70", 80, false),
        ("0.0.0.0/0", "8.8.8.8", 80, true),
        ("::1", "::1", 80, true),
        ("[2001:db8::1]:8080", "2001:db8::1", 8080, true),
        ("[2001:db8::1]:8080", "2001:db8::1", 80, false),
        (" a.test , b.test ", "b.test", 80, true),
        ("", "example.com", 80, false),
        (",,,", "example.com", 80, false),
    ])
    func noProxyMatching(list: String, host: String, port: Int, bypass: Bool) {
        #expect(NoProxyList(list).excludes(host: host, port: port) == bypass)
    }

    @Test func requestsGoThroughTheProxyTunnel() async throws {
        // The scripted server plays the proxy: it accepts the CONNECT and then answers
        // the tunnelled request itself, so the test sees both.
        let proxy = try await ScriptedServer.start { request, _ in
            request.method == "CONNECT" ? .tunnel : .json(200, #"{"via":"proxy"}"#)
        }
        let environment = ["HTTP_PROXY": "http://user:pw@127.0.0.1:\(proxy.port)"]
        let response = try await withLive(nil, base: "http://verify.example.test:8790", environment: environment) { transport, _ in
            #expect(transport.proxy?.port == proxy.port)
            return try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
        }
        await proxy.stop()
        #expect(response.json?["via"] == "proxy")
        let requests = proxy.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "CONNECT")
        #expect(requests[0].target == "verify.example.test:8790")
        #expect(requests[0].header("Proxy-Authorization") == "Basic " + Base64.encode(Array("user:pw".utf8)))
        #expect(requests[1].target == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/\(sessionUUID)/")
        #expect(requests[1].header("Host") == "verify.example.test:8790")
        #expect(requests[1].header("Proxy-Authorization") == nil, "the proxy's credentials stay on the CONNECT")
    }

    @Test func aRefusingProxyIsNamed() async throws {
        let port = try await closedPort()
        let error = try await withLive(nil, base: "https://verify.example.test", environment: ["HTTPS_PROXY": "http://127.0.0.1:\(port)"]) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID)) }
        }
        #expect(error?.message == "cannot connect to proxy 127.0.0.1:\(port) (HTTPS_PROXY): connection refused")
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        let policy = RetryPolicy()
        #expect(policy.backoff(after: 1, unit: 0) == .milliseconds(250))
        #expect(policy.backoff(after: 1, unit: 1) == .milliseconds(500))
        #expect(policy.backoff(after: 2, unit: 1) == .seconds(1))
        #expect(policy.backoff(after: 3, unit: 1) == .seconds(2))
        #expect(policy.backoff(after: 10, unit: 1) == .seconds(4))
        #expect(policy.backoff(after: 10, unit: 0) == .seconds(2))
        #expect(policy.backoff(after: 1000, unit: 0.5) == .seconds(3))
    }

    @Test func onlyTooManyRequestsAndUnavailableAreRetried() {
        let policy = RetryPolicy()
        for status in [200, 400, 401, 404, 500, 502, 504] {
            #expect(policy.delay(forStatus: status, retryAfter: "1", after: 1) == nil)
        }
        #expect(policy.delay(forStatus: 429, retryAfter: "3", after: 1) == .seconds(3))
        #expect(policy.delay(forStatus: 503, retryAfter: "0", after: 1) == .zero)
        #expect(policy.delay(forStatus: 503, retryAfter: "30", after: 1) == .seconds(30))
        #expect(policy.delay(forStatus: 503, retryAfter: "31", after: 1) == nil)
        let backoff = policy.delay(forStatus: 429, retryAfter: nil, after: 1)
        #expect(backoff != nil && backoff! >= .milliseconds(250) && backoff! <= .milliseconds(500))
        let unreadable = policy.delay(forStatus: 429, retryAfter: "soon", after: 2)
        #expect(unreadable != nil && unreadable! <= .seconds(1), "an unreadable Retry-After falls back to the backoff")
    }

    @Test func retryAfterReadsSecondsAndDates() {
        let now = HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")!
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 5 ", now: now) == .seconds(5))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero, "a date in the past: no wait")
        #expect(RetryAfter.parse("-5", now: now) == nil)
        #expect(RetryAfter.parse("1.5", now: now) == nil)
        #expect(RetryAfter.parse("", now: now) == nil)
    }
}

@Suite struct HTTPDateTests {
    /// IMF-fixdate for a Unix time, to build Retry-After headers in tests.
    static func format(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let names = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(names[Int(days % 7)]), \(two(d)) \(months[Int(m - 1)]) \(y) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) GMT"
    }

    @Test func theThreeFormsOfRFC9110() {
        let expected: Int64 = 784_111_777
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == expected)
        #expect(Self.format(expected) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func nonsenseIsNil() {
        for text in ["", "yesterday", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 94 08:49:37 GMT"] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
    }
}

@Suite struct UserAgentTests {
    @Test func namesVshAndTheSwiftItWasBuiltWith() {
        #expect(UserAgent.value == "vsh/\(VshVersion.current) (Swift: \(UserAgent.swiftVersion))")
        #if compiler(>=6.3) && !compiler(>=6.4)
        #expect(UserAgent.swiftVersion == "6.3")
        #endif
    }
}
