import HummingbirdTesting
import Testing
import VerifyAPI
import VerifySandbox
@testable import VerifySandboxServer

@Suite("Request logs")
struct LoggingTests {
    @Test("one line per request, never the token, the Authorization header or a query", arguments: [Door.router, .live])
    func noSecrets(door: Door) async throws {
        let capture = LogCapture()
        try await makeServer(logger: capture.logger).application().test(door.setup) { client in
            let uuid = try await client.create()
            _ = try await client.send(.get, session(uuid))
            _ = try await client.send(.get, sessions + "?recipient=%2B14155550100&status=in-progress")
            _ = try await client.send(.get, sessions, auth: basicAuth(account, token + "x"))
            _ = try await client.send(.get, sessions, auth: "Bearer \(token)")
            _ = try await client.send(.post, session(uuid), json: #"{"otp": "000000"}"#)
            _ = try await client.send(.get, "/__sandbox/outbox?session_uuid=\(uuid)", auth: nil)
        }
        // The logger is at trace, so Hummingbird's own messages are in `all` too; the checks below cover them.
        let requestLines = capture.all.filter { $0.hasPrefix("info GET ") || $0.hasPrefix("info POST ") }
        #expect(requestLines.count == 7, "\(capture.all)")
        let credentials = Base64.encode(Array("\(account):\(token)".utf8))
        for line in capture.all {
            #expect(!line.contains(token), "\(line)")
            #expect(!line.contains(credentials), "\(line)")
            #expect(!line.lowercased().contains("authorization"), "\(line)")
            #expect(!line.lowercased().contains("basic "), "\(line)")
            #expect(!line.contains("recipient"), "\(line)")
            #expect(!line.contains("000000"), "\(line)")
        }
        #expect(requestLines.contains { $0.contains("POST \(sessions) 202 ") })
        #expect(requestLines.contains { $0.contains("GET \(sessions)?… 200 ") })
        #expect(requestLines.filter { $0.contains("GET \(sessions) 401 ") }.count == 2)
        #expect(requestLines.contains { $0.contains("GET /__sandbox/outbox?… 200 ") })
    }

    @Test("the line: method, path without query, status, milliseconds")
    func lineFormat() {
        #expect(
            SandboxResponder.logLine(method: .get, target: "/v1/a/?limit=2", status: 200, duration: .microseconds(1234))
                == "GET /v1/a/?… 200 1.234ms")
        #expect(SandboxResponder.logLine(method: .post, target: "/x", status: 413, duration: .nanoseconds(999)) == "POST /x 413 0.000ms")
        #expect(SandboxResponder.logLine(method: .delete, target: nil, status: 404, duration: .seconds(2)) == "DELETE - 404 2000.000ms")
    }
}
