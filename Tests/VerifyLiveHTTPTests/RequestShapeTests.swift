import HTTPTypes
import Testing
import VerifyAPI

@testable import VerifyLiveHTTP

/// What goes on the wire, byte for byte, compared with what Plivo's SDKs send:
/// `POST|GET /v1/Account/{auth_id}/Verify/Session/[{uuid}/]`, Basic auth, JSON.
@Suite struct RequestShapeTests {
    static let created = #"{"api_id":"3335cb16-d297-4e00-a5e7-66a2b4d0e1d0","message":"Session initiated","session_uuid":"8e712097-8090-4644-81e7-8f4265d8354e"}"#
    static let basic = "Basic " + Base64.encode(Array("MA2025RK4E639VJFZAGV:s3cret-token".utf8))

    @Test func createIsAJSONPostWithTheSDKHeaders() async throws {
        let server = try await ScriptedServer.start(answering: .json(202, Self.created))
        let port = server.port
        let response = try await withLive(server) { transport, _ in
            try await transport.send(
                VerifyEndpoint.createSession(account, parameters: [("recipient", "+14155550100"), ("channel", "sms"), ("code_length", .number(6))]))
        }
        #expect(response.status == 202)
        #expect(response.json?["session_uuid"] == .string(sessionUUID))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.target == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/")
        #expect(request.version == "HTTP/1.1")
        #expect(request.bodyText == #"{"recipient":"+14155550100","channel":"sms","code_length":6}"#)
        #expect(request.header("Authorization") == Self.basic)
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("User-Agent") == "vsh/\(VshVersion.current) (Swift: \(UserAgent.swiftVersion))")
        #expect(request.header("Host") == "127.0.0.1:\(port)")
        #expect(request.header("Content-Length") == String(request.body.count))
        // In this order, and nothing else: no cookies, no compression, no Expect: 100-continue.
        #expect(request.headers.map(\.name) == ["Host", "Accept", "Content-Type", "Authorization", "User-Agent", "Content-Length"])
    }

    @Test func validateSendsTheOTPToTheSessionPath() async throws {
        let server = try await ScriptedServer.start(answering: .json(200, #"{"api_id":"x","message":"session validated successfully."}"#))
        let response = try await withLive(server) { transport, _ in
            try await transport.send(VerifyEndpoint.validateSession(account, uuid: sessionUUID, otp: "123456"))
        }
        #expect(response.json?["message"] == "session validated successfully.")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.target == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/\(sessionUUID)/")
        #expect(request.bodyText == #"{"otp":"123456"}"#)
        #expect(request.header("Content-Type") == "application/json")
    }

    @Test func getAndListAreBodilessGetsWithTheQuery() async throws {
        let server = try await ScriptedServer.start(answering: .json(200, #"{"api_id":"x","sessions":[]}"#))
        try await withLive(server) { transport, _ in
            _ = try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
            _ = try await transport.send(
                VerifyEndpoint.listSessions(account, filters: [QueryItem("status", "verified"), QueryItem("recipient", "+14155550100"), QueryItem("limit", "5")]))
        }
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "GET")
        #expect(requests[0].target == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/\(sessionUUID)/")
        #expect(requests[1].target == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/?status=verified&recipient=%2B14155550100&limit=5")
        for request in requests {
            #expect(request.body.isEmpty)
            #expect(request.header("Content-Type") == nil)
            #expect(request.header("Accept") == "application/json")
            #expect(request.header("Authorization") == Self.basic)
            #expect(request.header("User-Agent")?.hasPrefix("vsh/") == true)
        }
    }

    @Test func oneKeepAliveConnectionServesTheRun() async throws {
        let server = try await ScriptedServer.start(answering: .json(200, "{}"))
        try await withLive(server) { transport, _ in
            for _ in 0..<5 { _ = try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID)) }
        }
        #expect(server.requests.count == 5)
        #expect(Set(server.requests.map(\.connection)) == [0])
    }

    @Test func theAnswerIsPassedOnAsItCame() async throws {
        let body = Array(#"{"api_id":"a","sessions":[{"recipient":"14155550100"}],"emoji":"✓"}"#.utf8)
        let server = try await ScriptedServer.start(
            answering: .answer(status: 200, headers: [.init("Content-Type", "application/json"), .init("X-Request-Id", "abc")], body: body))
        let response = try await withLive(server) { transport, _ in
            try await transport.send(VerifyEndpoint.listSessions(account, filters: []))
        }
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.headerFields[HTTPField.Name("X-Request-Id")!] == "abc")
        #expect(response.headerFields[.contentType] == "application/json")
        #expect(response.json?["sessions"]?[0]?["recipient"] == "14155550100")
    }

    @Test func aChunkedAnswerIsReadWhole() async throws {
        let chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"
        let server = try await ScriptedServer.start(answering: .raw(Array(chunked.utf8), close: false))
        let response = try await withLive(server) { transport, _ in
            try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
        }
        #expect(response.text == #"{"a":1}"#)
    }

    @Test func aBasePathPrefixGoesBeforeThePath() async throws {
        let server = try await ScriptedServer.start(answering: .json(200, "{}"))
        try await withLive(server, base: server.baseURL + "/gateway/plivo/") { transport, _ in
            _ = try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
        }
        #expect(server.requests.first?.target == "/gateway/plivo/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/\(sessionUUID)/")
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try await ScriptedServer.start(answering: .answer(status: 302, headers: [.init("Location", "http://127.0.0.1:1/elsewhere")]))
        let response = try await withLive(server) { transport, _ in
            try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
        }
        #expect(response.status == 302)
        #expect(server.requests.count == 1)
    }
}
