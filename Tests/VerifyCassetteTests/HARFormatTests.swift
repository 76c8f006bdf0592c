import VerifyAPI
import VerifyCassette
import Testing

@Suite struct HARFormatTests {
    @Test func aCassetteReadsBackAsItWasWritten() async throws {
        let (cassette, _) = try await recordedFlow()
        let read = try HARFormat.decode(HARFormat.encode(cassette))
        #expect(read.script == cassette.script)
        #expect(read.baseURL == cassette.baseURL)
        #expect(read.exchanges.map(\.request) == cassette.exchanges.map(\.request))
        #expect(read.exchanges.map(\.response) == cassette.exchanges.map(\.response))
        #expect(read.exchanges.map(\.line) == cassette.exchanges.map(\.line))
        #expect(read.exchanges.map(\.otp) == cassette.exchanges.map(\.otp))
        #expect(read.exchanges.map(\.startedAt) == cassette.exchanges.map(\.startedAt))
    }

    @Test func theFileIsHAR12AsViewersExpectIt() async throws {
        let (cassette, _) = try await recordedFlow()
        let har = try JSONValue(parsing: HARFormat.encode(cassette))
        #expect(har["log"]?["version"] == "1.2")
        #expect(har["log"]?["creator"]?["name"] == "vsh")
        let entry = try #require(har["log"]?["entries"]?[0])
        for key in ["startedDateTime", "time", "request", "response", "cache", "timings"] { #expect(entry[key] != nil, "missing \(key)") }
        for key in ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize", "postData"] {
            #expect(entry["request"]?[key] != nil, "missing request.\(key)")
        }
        for key in ["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"] {
            #expect(entry["response"]?[key] != nil, "missing response.\(key)")
        }
        #expect(entry["response"]?["statusText"] == "Accepted")
        #expect(entry["_vsh"]?["line"] == 1)
        #expect(entry["request"]?["url"] == "http://127.0.0.1:8790/v1/Account/{auth_id}/Verify/Session/")
        let list = try #require(har["log"]?["entries"]?[6])
        #expect(list["request"]?["queryString"]?[0]?["name"] == "status")
    }

    @Test(arguments: [
        ("", "empty file, not a HAR cassette"),
        ("{\"log\": ", "not JSON"),
        ("[1, 2]", "log: missing"),
        ("{\"log\": {\"entries\": 3}}", "log.entries: expected an array, found a number"),
        ("{\"log\": {\"entries\": [{\"request\": {\"method\": 1}}]}}", "log.entries[0].request.method: expected a string, found a number"),
        ("{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"/x/\"}}]}}", "log.entries[0].response: missing"),
        ("{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"/x/\"}, \"response\": {\"status\": 999}}]}}", "log.entries[0].response.status: 999 is not an HTTP status"),
        ("{\"log\": {\"version\": \"2.0\", \"entries\": []}}", "log.version: HAR 2.0 is not supported"),
        // Found by FuzzHAR: a base URL that is no API root was read, then written before every path.
        ("{\"log\": {\"_vsh\": {\"base_url\": \"l\"}, \"entries\": []}}", "log._vsh.base_url: \"l\" is not an http:// or https:// API root"),
        ("{\"log\": {\"_vsh\": {\"base_url\": \"https://x.example/?q=1\"}, \"entries\": []}}", "is not an http:// or https:// API root"),
    ])
    func malformedCassettesSayWhatAndWhere(_ text: String, _ expected: String) {
        #expect {
            try HARFormat.decode(Array(text.utf8))
        } throws: { error in
            (error as? CassetteError)?.message.contains(expected) == true
        }
    }

    @Test func aCassetteRecordedThroughAnAPIRootWithAPathMatchesTheAPIPath() async throws {
        var (cassette, _) = try await recordedFlow()
        cassette.baseURL = "https://proxy.example/plivo"
        let read = try HARFormat.decode(HARFormat.encode(cassette))
        #expect(read.exchanges[0].request.path == "/v1/Account/{auth_id}/Verify/Session/")
        #expect(read.exchanges.map(\.request.path) == cassette.exchanges.map(\.request.path))
    }

    @Test func aHugeFileIsRefusedBeforeParsing() {
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: HARFormat.maxSize + 1)
        #expect {
            try HARFormat.decode(huge)
        } throws: { error in
            (error as? CassetteError)?.message.contains("too large") == true
        }
    }

    @Test func aFileFromABrowserWithAbsoluteURLsAndNoVshFieldsIsRead() throws {
        let text = """
            {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120"}, "entries": [
              {"startedDateTime": "2026-01-02T03:04:05.000+00:00", "time": 12.5,
               "request": {"method": "GET", "url": "https://api.plivo.com/v1/Account/{auth_id}/Verify/Session/?limit=2&status=verified", "headers": []},
               "response": {"status": 200, "content": {"mimeType": "application/json", "text": "eyJvayI6dHJ1ZX0=", "encoding": "base64"}}}
            ]}}
            """
        let cassette = try HARFormat.decode(Array(text.utf8))
        let exchange = try #require(cassette.exchanges.first)
        #expect(exchange.request.path == "/v1/Account/{auth_id}/Verify/Session/")
        #expect(exchange.request.query == [QueryItem("limit", "2"), QueryItem("status", "verified")])
        #expect(exchange.response.body == "{\"ok\":true}")
        #expect(exchange.duration == .milliseconds(12) + .microseconds(500))
    }

    /// Found by FuzzHAR: a path holding `http://` read back as another URL once written
    /// without a base URL, so the round trip was not a fixed point.
    @Test func aPathHoldingASchemeRoundTrips() throws {
        let text = #"{"log": {"version": "1.2", "entries": [{"startedDateTime": "2025-01-15T10:00:00Z", "time": 1, "request": {"method": "GET", "url": "/v1/x/63f1ehttp://127.0.0.1:1/v1/y/", "headers": []}, "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{}"}}}]}}"#
        let first = try HARFormat.decode(Array(text.utf8))
        #expect(first.exchanges.first?.request.path == "/v1/x/63f1ehttp://127.0.0.1:1/v1/y/")
        let written = HARFormat.encode(first)
        let second = try HARFormat.decode(written)
        #expect(second.exchanges.first?.request.path == "/v1/x/63f1ehttp://127.0.0.1:1/v1/y/")
        #expect(HARFormat.encode(second) == written)
    }
}
