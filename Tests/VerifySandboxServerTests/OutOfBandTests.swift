import HummingbirdTesting
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

@Suite("/__sandbox/outbox and /__sandbox/clock over HTTP")
struct OutOfBandTests {
    @Test("the outbox lists what was sent, filtered by session or recipient")
    func outbox() async throws {
        try await makeServer().application().test(.live) { client in
            let a = try await client.create(#"{"recipient": "+14155550100"}"#)
            let b = try await client.create(#"{"recipient": "+447700900123", "channel": "voice", "code_length": 8}"#)
            let all = try await client.send(.get, "/__sandbox/outbox", auth: nil)
            #expect(all.status == 200)
            #expect(all.headers[.contentType] == "application/json")
            let messages = try #require(all["messages"]?.arrayValue)
            #expect(messages.compactMap { $0["session_uuid"]?.stringValue } == [a, b])
            #expect(messages[1]["recipient"] == "447700900123")
            #expect(messages[1]["channel"] == "voice")
            #expect(messages[1]["code"]?.stringValue?.count == 8)
            #expect(messages[0]["sent_at"] == "2025-01-15T10:00:00.000000Z")

            let byRecipient = try await client.send(.get, "/__sandbox/outbox/?recipient=%2B447700900123", auth: nil)
            #expect(byRecipient["messages"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == [b])
            let bySession = try await client.send(.get, "/__sandbox/outbox?session_uuid=\(a.uppercased())", auth: nil)
            #expect(bySession["messages"]?.arrayValue?.count == 1)
            expectError(try await client.send(.get, "/__sandbox/outbox?sesion_uuid=\(a)", auth: nil), 400, "unknown parameter: sesion_uuid")
        }
    }

    @Test("the clock reads, advances, and expires sessions")
    func clock() async throws {
        try await makeServer().application().test(.live) { client in
            let uuid = try await client.create()
            let code = try await client.code(uuid)
            let now = try await client.send(.get, "/__sandbox/clock", auth: nil)
            #expect(now.status == 200)
            #expect(now["now"] == "2025-01-15T10:00:00.000000Z")

            expectError(
                try await client.send(.post, "/__sandbox/clock", json: #"{"advance": "11m"}"#, auth: nil), 401,
                "this change needs an account: send its auth_id and token with HTTP Basic auth")
            let moved = try await client.send(.post, "/__sandbox/clock", json: #"{"advance": "11m"}"#)
            #expect(moved.status == 200)
            #expect(moved["now"] == "2025-01-15T10:11:00.000000Z")

            expectError(try await client.send(.post, session(uuid), json: #"{"otp": "\#(code)"}"#), 400, "session expired")
            #expect(try await client.send(.get, session(uuid))["status"] == "expired")

            let advanceInvalid = "advance must be a duration such as 30s, 11m or 1h"
            expectError(try await client.send(.post, "/__sandbox/clock"), 400, advanceInvalid)
            expectError(try await client.send(.post, "/__sandbox/clock", json: #"{"advance": "soon"}"#), 400, advanceInvalid)
            expectError(
                try await client.send(.post, "/__sandbox/clock", json: #"{"advance": "1m", "x": 1}"#), 400,
                "unknown parameter: x")
            #expect(try await client.send(.get, "/__sandbox/clock/")["now"] == "2025-01-15T10:11:00.000000Z")
            // Without credentials: the sandbox's clock, where a new account starts.
            #expect(try await client.send(.get, "/__sandbox/clock/", auth: nil)["now"] == "2025-01-15T10:00:00.000000Z")
        }
    }
}
