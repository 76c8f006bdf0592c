import HummingbirdTesting
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

@Suite("The four endpoints over HTTP")
struct EndpointTests {
    @Test("create → outbox → validate wrong and right → get", arguments: Door.allCases)
    func wholeFlow(door: Door) async throws {
        try await makeServer().application().test(door.setup) { client in
            let created = try await client.send(.post, sessions, json: #"{"recipient": "+14155550100", "brand_name": "Acme"}"#)
            #expect(created.status == 202)
            #expect(created.headers[.contentType] == "application/json")
            #expect(created["message"] == "Session initiated")
            #expect(created["api_id"]?.stringValue?.count == 36)
            let uuid = try #require(created["session_uuid"]?.stringValue)

            let code = try await client.code(uuid)
            #expect(code.count == 6)

            let wrong = try await client.send(.post, session(uuid), json: #"{"otp": "000000"}"#)
            expectError(wrong, 400, "incorrect otp")

            let right = try await client.send(.post, session(uuid), json: #"{"otp": "\#(code)"}"#)
            #expect(right.status == 200)
            #expect(right["message"] == "session validated successfully.")
            #expect(right["session_uuid"]?.stringValue == uuid)

            let again = try await client.send(.post, session(uuid), json: #"{"otp": "\#(code)"}"#)
            expectError(again, 400, "session already verified")

            let got = try await client.send(.get, session(uuid))
            #expect(got.status == 200)
            #expect(got["session_uuid"]?.stringValue == uuid)
            #expect(got["status"] == "verified")
            #expect(got["recipient"] == "14155550100")
            #expect(got["channel"] == "sms")
            #expect(got["created_at"] == "2025-01-15T10:00:00.000000Z")
            let requestor = try #require(got["requestor_ip"]?.stringValue)
            #expect(["127.0.0.1", "::1"].contains(requestor))
        }
    }

    @Test("list: filters and paging with meta.next and meta.previous", arguments: [Door.router, .live])
    func listWithPaging(door: Door) async throws {
        try await makeServer().application().test(door.setup) { client in
            var uuids: [String] = []
            for recipient in ["+14155550100", "+14155550101", "+14155550102"] {
                uuids.append(try await client.create(#"{"recipient": "\#(recipient)"}"#))
            }
            let first = try await client.send(.get, sessions + "?limit=2")
            #expect(first.status == 200)
            #expect(first["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == [uuids[2], uuids[1]])
            #expect(first["meta"]?["limit"]?.intValue == 2)
            #expect(first["meta"]?["offset"]?.intValue == 0)
            #expect(first["meta"]?["previous"]?.isNull == true)
            let next = try #require(first["meta"]?["next"]?.stringValue)
            #expect(next == sessions + "?limit=2&offset=2")

            let second = try await client.send(.get, next)
            #expect(second["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == [uuids[0]])
            #expect(second["meta"]?["next"]?.isNull == true)
            #expect(second["meta"]?["previous"]?.stringValue == sessions + "?limit=2&offset=0")

            let filtered = try await client.send(.get, sessions + "?recipient=%2B14155550101&status=in-progress")
            #expect(filtered["sessions"]?.arrayValue?.count == 1)
            #expect(filtered["sessions"]?[0]?["session_uuid"]?.stringValue == uuids[1])

            let bad = try await client.send(.get, sessions + "?limit=21")
            expectError(bad, 400, "limit must be an integer from 1 to 20")
        }
    }

    @Test("validate takes otp, OTP and the Python SDK's redundant session_uuid")
    func validateBodyShapes() async throws {
        try await makeServer(sandbox: makeSandbox(fixedCode: "4321")).application().test(.router) { client in
            let a = try await client.create()
            let upper = try await client.send(.post, session(a), json: #"{"OTP": "4321"}"#)
            #expect(upper.status == 200)

            let b = try await client.create()
            let python = try await client.send(.post, session(b), json: #"{"otp": "4321", "session_uuid": "\#(b)"}"#)
            #expect(python.status == 200)

            let c = try await client.create()
            let mismatch = try await client.send(.post, session(c), json: #"{"otp": "4321", "session_uuid": "\#(a)"}"#)
            expectError(mismatch, 400, "session_uuid in the body does not match the path")
        }
    }

    @Test("the uuid in the path is matched in any case; an unknown one is 404")
    func retrieveUnknownAndUpperCase() async throws {
        try await makeServer().application().test(.router) { client in
            let uuid = try await client.create()
            let upper = try await client.send(.get, session(uuid.uppercased()))
            #expect(upper.status == 200)
            let unknown = try await client.send(.get, session("8e712097-8090-4644-81e7-8f4265d8354e"))
            expectError(unknown, 404, "session not found")
        }
    }

    @Test("create's parameters are checked over HTTP as in-process")
    func createValidation() async throws {
        try await makeServer().application().test(.router) { client in
            expectError(try await client.send(.post, sessions, json: "{}"), 400, "recipient is required")
            expectError(try await client.send(.post, sessions), 400, "recipient is required")
            expectError(
                try await client.send(.post, sessions, json: #"{"recipient": "+14155550100", "colour": "red"}"#), 400,
                "unknown parameter: colour")
            expectError(
                try await client.send(.post, sessions, json: #"{"recipient": "+14155550100", "code_length": "6"}"#), 400,
                "code_length must be an integer from 4 to 8")
            expectError(
                try await client.send(.post, sessions, json: #"{"recipient": "+14155550100", "channel": "fax"}"#), 400,
                "channel must be sms or voice")
        }
    }
}
