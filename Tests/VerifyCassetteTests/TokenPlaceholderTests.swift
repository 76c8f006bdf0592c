import Testing
import VerifyAPI
import VerifyCassette

/// Issue 10: a script that sends the token in a body field or a query records a cassette
/// that replays, and whose miss report is readable.
@Suite struct TokenPlaceholderTests {
    static func create(_ brand: String, token: String = secretToken) -> APIRequest {
        let credentials = Credentials(authID: authID, authToken: token)
        return origin(VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100"), ("brand_name", .string(brand))]), line: 1)
    }

    static func list(_ brand: String, token: String = secretToken) -> APIRequest {
        let credentials = Credentials(authID: authID, authToken: token)
        return origin(VerifyEndpoint.listSessions(credentials, filters: [QueryItem("brand_name", brand)]), line: 2)
    }

    static func record(_ requests: [APIRequest], known: [String] = []) async throws -> Cassette {
        let recorder = RecordTransport(recordingThrough: makeSandbox(), redaction: SharedRedactor(Redactor(known)))
        for request in requests { _ = try await recorder.send(request) }
        return recorder.cassette(script: "brand.vsh", baseURL: nil)
    }

    @Test func theTokenInABodyFieldOrAQueryIsRecordedAsAPlaceholder() async throws {
        let cassette = try await Self.record([Self.create(secretToken), Self.list(secretToken)])
        let text = String(decoding: HARFormat.encode(cassette), as: UTF8.self)
        #expect(!text.contains(secretToken))
        #expect(cassette.exchanges[0].request.json?["brand_name"] == "{auth_token}")
        #expect(cassette.exchanges[1].request.query == [QueryItem("brand_name", "{auth_token}")])
        #expect(CassetteLint.findings(in: try JSONValue(parsing: text)).isEmpty)
    }

    @Test func theSameScriptReplaysUnderAnyToken() async throws {
        let cassette = try await Self.record([Self.create(secretToken), Self.list(secretToken)])
        let other = "Another0Token1Of2Forty3Characters4567890"
        let replay = ReplayTransport(cassette: cassette, cassetteName: "brand.har", redaction: SharedRedactor(Redactor([other])))
        let created = try await replay.send(Self.create(other, token: other))
        #expect(created.status == 202)
        let listed = try await replay.send(Self.list(other, token: other))
        #expect(listed.status == 200)
    }

    @Test func aShortTokenIsAPlaceholderOnlyWhereTheWholeValueIsTheToken() async throws {
        let cassette = try await Self.record([Self.create("tk"), Self.list("tk and more")], known: ["tk"])
        #expect(cassette.exchanges[0].request.json?["brand_name"] == "{auth_token}")
        #expect(cassette.exchanges[1].request.query == [QueryItem("brand_name", "tk and more")])
    }

    @Test func theMissReportShowsThePlaceholderNotTwoRedactions() async throws {
        let cassette = try await Self.record([Self.create(secretToken)])
        let replay = ReplayTransport(cassette: cassette, cassetteName: "brand.har", redaction: SharedRedactor(Redactor([secretToken])))
        do {
            _ = try await replay.send(Self.create("Acme"))
            Issue.record("a different brand must miss")
        } catch {
            let report = ([error.message] + error.notes).joined(separator: "\n")
            #expect(report.contains("body.brand_name: recorded \"{auth_token}\", sent \"Acme\""), "report: \(report)")
            #expect(!report.contains(secretToken))
        }
    }
}
