import VerifyAPI
import VerifyCassette
import Testing

@Suite struct RecordTests {
    @Test func aRecordingKeepsEveryExchangeWithItsScriptLine() async throws {
        let (cassette, _) = try await recordedFlow()
        #expect(cassette.exchanges.map(\.request.method.rawValue) == ["POST", "POST", "GET", "GET", "POST", "GET", "GET"])
        #expect(cassette.exchanges.map(\.line) == [1, 2, 3, 4, 5, 6, 7])
        #expect(cassette.exchanges.map(\.response.status) == [202, 400, 200, 200, 200, 200, 200])
        #expect(cassette.script == "flow.vsh")
    }

    @Test func noTokenNoAuthorizationHeaderAndNoAuthIDReachTheFile() async throws {
        let (cassette, _) = try await recordedFlow()
        let text = String(decoding: HARFormat.encode(cassette), as: UTF8.self)
        #expect(!text.contains(secretToken))
        #expect(!text.contains(authID))
        #expect(!text.lowercased().contains("authorization"))
        #expect(!text.contains(Base64.encode(Array("\(authID):\(secretToken)".utf8))))
        #expect(cassette.exchanges[0].request.path == "/v1/Account/{auth_id}/Verify/Session/")
        #expect(CassetteLint.findings(in: try JSONValue(parsing: text)).isEmpty)
    }

    @Test func theTokenIsRedactedWhereverTheServerEchoedIt() async throws {
        struct Echo: Transport {
            var name: String { "echo" }
            func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
                var fields = HTTPFieldsBuilder.fields
                fields[.setCookie] = "session=abc"
                return APIResponse(status: 200, json: .object(["seen": .string(request.headerFields[.authorization] ?? ""), "token": .string(secretToken)]), headerFields: fields)
            }
            func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {}
            func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String { "1234" }
        }
        let recorder = RecordTransport(recordingThrough: Echo())
        _ = try await recorder.send(VerifyEndpoint.getSession(credentials, uuid: "8e71c6a6-0000-4000-8000-000000000000"))
        let text = String(decoding: HARFormat.encode(recorder.cassette(script: nil, baseURL: nil)), as: UTF8.self)
        #expect(!text.contains(secretToken))
        #expect(!text.lowercased().contains("set-cookie"))
        #expect(text.contains("{auth_token}"), "the placeholder replay puts its own token in")
    }

    @Test func theCodeOtpStoodForIsKeptOnTheExchangeThatCreatedTheSession() async throws {
        let (cassette, uuid) = try await recordedFlow()
        #expect(cassette.exchanges[0].otp == "123456")
        #expect(cassette.exchanges.dropFirst().allSatisfy { $0.otp == nil })
        let replay = ReplayTransport(cassette: cassette, cassetteName: "flow.har")
        #expect(try await replay.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid.uppercased())) == "123456")
    }

    @Test func withoutARecordedCodeReplayTakesTheCodeTheAcceptedValidateSent() async throws {
        var (cassette, uuid) = try await recordedFlow()
        cassette.exchanges[0].otp = nil
        let replay = ReplayTransport(cassette: cassette, cassetteName: "flow.har")
        #expect(try await replay.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid)) == "123456")
        await #expect(throws: TransportError.self) {
            try await replay.deliveredCode(for: DeliveredCodeQuery(sessionUUID: "00000000-0000-4000-8000-000000000000"))
        }
    }
}

import HTTPTypes

/// Header fields to start from in test doubles.
enum HTTPFieldsBuilder {
    static var fields: HTTPFields { [:] }
}
