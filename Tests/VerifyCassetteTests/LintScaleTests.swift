import Testing
import VshTestSupport
import VerifyAPI
import VerifyCassette

/// Lint on what browsers export and on files of any size: base64 bodies are read for what
/// they say (not taken for tokens), and the work grows linearly with the file.
@Suite struct LintScaleTests {
    /// A browser-style HAR entry whose response body is base64 of an API answer.
    func browserEntry(_ index: Int, body: String) -> String {
        let encoded = Base64.encode(Array(body.utf8))
        return """
            {"startedDateTime": "2025-01-15T10:00:00.000Z", "time": 12, "request": {"method": "GET", "url": "https://api.plivo.com/v1/Account/{auth_id}/Verify/Session/?offset=\(index)", "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": []}, "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [], "content": {"size": \(body.utf8.count), "mimeType": "application/json", "text": "\(encoded)", "encoding": "base64"}}}
            """
    }

    @Test func base64BodiesOfCleanAnswersHaveNoFinding() throws {
        let body = #"{"api_id":"3335cb16-d297-4e00-a5e7-66a2b4d0e1d0","meta":{"limit":20,"offset":0,"next":null},"sessions":[{"session_uuid":"8e712097-8090-4644-81e7-8f4265d8354e","status":"in-progress","recipient":"14155550100","channel":"sms","brand_name":"Acme Corporation International Holdings"}]}"#
        let document = try JSONValue(parsing: #"{"log": {"version": "1.2", "entries": [\#(browserEntry(0, body: body))]}}"#)
        #expect(CassetteLint.findings(in: document) == [])
        // Base64 text in any string (not marked as such) that decodes to clean text: no finding either.
        let plain = try JSONValue(parsing: #"{"note": "\#(Base64.encode(Array(body.utf8)))"}"#)
        #expect(CassetteLint.findings(in: plain) == [])
    }

    @Test func aSecretInsideABase64BodyIsStillFound() throws {
        let body = #"{"auth_id":"MA7RK4E639VJFZAGV202","note":"Basic \#(Base64.encode(Array("MA7RK4E639VJFZAGV202:Zq8sK2mXv7PbR4tLw9NcY3hJf6DgE1uA5oIsQ0Wz".utf8)))"}"#
        let document = try JSONValue(parsing: #"{"log": {"version": "1.2", "entries": [\#(browserEntry(0, body: body))]}}"#)
        let found = CassetteLint.findings(in: document)
        #expect(found.contains { $0.path == "log.entries[0].response.content.text" && $0.message.hasPrefix("a real-looking auth_id (MA7R…), inside base64") })
        #expect(found.contains { $0.message.hasPrefix("Basic credentials (MA7R…") })
        #expect(!found.description.contains("Zq8sK2mXv7PbR4tLw9NcY3hJf6DgE1uA5oIsQ0Wz"))
    }

    @Test func aRandomTokenIsStillFoundEvenThoughItIsValidBase64() throws {
        // 40 letters and digits: valid base64 too, but its decoding is not text.
        let found = try CassetteLint.findings(in: JSONValue(parsing: #"{"x": "Zq8sK2mXv7PbR4tLw9NcY3hJf6DgE1uA5oIsQ0Wz"}"#))
        #expect(found.map(\.message) == ["something shaped like a token (Zq8s…, 40 characters)"])
    }

    @Test func scansWithoutRegexesFindWhatTheyDid() throws {
        let found = try CassetteLint.findings(in: JSONValue(parsing: #"""
            {"a": "curl https://MA7RK4E639VJFZAGV202:hunter2@api.plivo.com/", "b": "GET /x?auth_token=abc&limit=1", "c": "basic\tTUE3Uks0RTYzOVZKRlpBR1YyMDI6eA=="}
            """#))
        #expect(found.contains { $0.path == "a" && $0.message == "credentials in a URL (MA7R…:…@)" })
        #expect(found.contains { $0.path == "b" && $0.message == #"a value for "auth_token" in a query string"# })
        #expect(found.contains { $0.path == "c" && $0.message.hasPrefix("Basic credentials (MA7R…") })
    }

    @Test func aHundredThousandEntriesAreLinted() async throws {
        // Not timed (no timed unit tests): a quadratic or regex-bound lint would not end
        // within the suite's limit; scripts/bench measures the rate.
        let body = #"{"api_id":"3335cb16-d297-4e00-a5e7-66a2b4d0e1d0","status":"verified"}"#
        let entry = browserEntry(1, body: body)
        let findings = await onOwnThread {
            let text = #"{"log": {"version": "1.2", "entries": ["# + Array(repeating: entry, count: 100_000).joined(separator: ",") + "]}}"
            return (try? JSONValue(parsing: text)).map(CassetteLint.findings(in:))
        }
        #expect(findings == [])
    }
}
