import VerifyAPI
import VerifyCassette
import Testing

@Suite struct LintTests {
    func findings(_ text: String) throws -> [LintFinding] {
        CassetteLint.findings(in: try JSONValue(parsing: text))
    }

    @Test func aCleanRecordingHasNoFinding() async throws {
        let (cassette, _) = try await recordedFlow()
        #expect(CassetteLint.findings(in: try JSONValue(parsing: HARFormat.encode(cassette))).isEmpty)
    }

    @Test func credentialHeadersAreFoundWithTheirPath() throws {
        let found = try findings("""
            {"log": {"entries": [{"request": {"headers": [{"name": "Accept", "value": "*/*"}, {"name": "Authorization", "value": "Bearer x"}, {"name": "Cookie", "value": "a=b"}]}}]}}
            """)
        #expect(found.map(\.path).contains("log.entries[0].request.headers[1]"))
        #expect(found.map(\.path).contains("log.entries[0].request.headers[2]"))
        #expect(found.contains { $0.message.hasPrefix("a Cookie header") })
    }

    @Test func basicCredentialsAuthIDsAndTokensAreFoundButNeverPrinted() throws {
        let basic = "Basic " + Base64.encode(Array("MA2025RK4E639VJFZAGV:\(secretToken)".utf8))
        let found = try findings("""
            {"a": "\(basic)", "b": "account MA2025RK4E639VJFZAGV", "c": "\(secretToken)"}
            """)
        #expect(found.contains { $0.path == "a" && $0.message.hasPrefix("Basic credentials (MA20…") })
        #expect(found.contains { $0.path == "b" && $0.message == "a real-looking auth_id (MA20…)" })
        #expect(found.contains { $0.path == "c" && $0.message.hasPrefix("something shaped like a token (Zq8w…") })
        for finding in found { #expect(!finding.description.contains(secretToken) && !finding.description.contains("RK4E639")) }
    }

    @Test func secretsInsideURLEncodedAndBase64TextAreFound() throws {
        let encoded = Base64.encode(Array("MA2025RK4E639VJFZAGV:hunter2hunter2".utf8))
        let found = try findings("""
            {"url": "https://x.test/cb?account=MA2025RK4E639VJFZAGV%3A", "u2": "https://x.test/?t=%5A%71\(secretToken.dropFirst(2))", "blob": "\(encoded)"}
            """)
        #expect(found.contains { $0.path == "url" && $0.message.contains("auth_id") })
        #expect(found.contains { $0.path == "u2" && $0.message.contains("token") && $0.message.hasSuffix("URL-encoded") })
        #expect(found.contains { $0.path == "blob" && $0.message.contains("inside base64") })
    }

    @Test func credentialsInURLsQueryStringsAndCookiesAreFound() throws {
        let found = try findings("""
            {"u1": "https://ops:hunter2@proxy.test/v1/", "u2": "https://x.test/cb?a=1&auth_token=s3cr3tpass",
             "queryString": [{"name": "api_key", "value": "abc123"}], "cookies": [{"name": "session_token", "value": "zz"}]}
            """)
        #expect(found.contains { $0.path == "u1" && $0.message == "credentials in a URL (ops:…@)" || $0.message == "credentials in a URL (…:…@)" })
        #expect(found.contains { $0.path == "u2" && $0.message == "a value for \"auth_token\" in a query string" })
        #expect(found.contains { $0.path == "queryString[0]" && $0.message.contains("\"api_key\"") })
        #expect(found.contains { $0.path == "cookies[0]" && $0.message.contains("\"session_token\"") })
    }

    @Test func valuesUnderSecretNamesAreFound() throws {
        let found = try findings(#"{"auth_token": "abc", "password": "x", "session_uuid": "y", "api_id": "z"}"#)
        #expect(found.map(\.path) == ["auth_token", "password"])
    }

    @Test func documentedStandInsAndIDsAreNotSecrets() throws {
        let found = try findings("""
            {"u": "/v1/Account/{auth_id}/Verify/Session/", "id": "MASANDBOX00000000000", "t": "sandbox",
             "uuid": "8e71c6a6-1f5e-4c8e-9d62-0f3a2b1c4d5e", "word": "MAXIMUMSIZEEXCEEDEDX", "h": [{"name": "Server", "value": "vsh-sandbox"}],
             "r": "[redacted]", "date": "2026-11-26T20:28:46.894093Z"}
            """)
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite struct TranscriptTests {
    @Test func theTranscriptShowsEachRequestItsStatusAndPrettyBodies() async throws {
        let (cassette, uuid) = try await recordedFlow()
        let text = Transcript.render(cassette, name: "flow.har")
        #expect(text.hasPrefix("flow.har: 7 exchanges, recorded from flow.vsh against http://127.0.0.1:8790 by vsh"))
        #expect(text.contains("#1  line 1  "))
        #expect(text.contains("$otp = 123456"))
        #expect(text.contains("POST /v1/Account/{auth_id}/Verify/Session/\n{\n  \"recipient\": \"+14155550100\""))
        #expect(text.contains("→ 202 Accepted\n{\n  \"api_id\""))
        #expect(text.contains("POST /v1/Account/{auth_id}/Verify/Session/\(uuid)/\n{\n  \"otp\": \"000000\"\n}\n→ 400 Bad Request"))
        #expect(text.contains("GET /v1/Account/{auth_id}/Verify/Session/?status=verified&limit=5"))
    }
}
