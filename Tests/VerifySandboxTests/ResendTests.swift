import Testing
import VerifyAPI
import VerifySandbox

/// A session is created once per recipient (and app) within the code's lifetime; a
/// second create inside it is a new delivery attempt on the same session.
@Suite struct ResendTests {
    @Test func aSecondCreateIsANewAttemptOnTheSameSession() throws {
        let sandbox = makeSandbox()
        let first = sandbox.createSession(["recipient": "+14155550100"])
        try sandbox.advanceClock(by: .seconds(30))
        let again = sandbox.handle(createRequest(["recipient": "14155550100"]))
        #expect(again.status == 202)
        #expect(again.json?["message"] == "Session initiated")
        #expect(again.json?["session_uuid"]?.stringValue == first)

        let session = try #require(sandbox.retrieve(first).json)
        #expect(session["count"] == 2)
        let attempts = try #require(session["attempt_details"]?.arrayValue)
        #expect(attempts.count == 2)
        #expect(attempts.map { $0["time"] } == ["2025-01-15T10:00:00.000000Z", "2025-01-15T10:00:30.000000Z"])
        #expect(attempts.allSatisfy { $0["status"] == "delivered" })
        #expect(Set(attempts.compactMap { $0["attempt_uuid"]?.stringValue }).count == 2)
        let charges = try #require(session["charges"])
        #expect(charges["total_charge"] == "0.0100")
        #expect(charges["attempt_charges"]?.arrayValue?.map { $0["attempt_uuid"] } == attempts.map { $0["attempt_uuid"] })
        #expect(session["created_at"] == "2025-01-15T10:00:00.000000Z", "the session keeps its start")

        // Both messages reached the phone, with the same code.
        let messages = sandbox.outbox(sessionUUID: first)
        #expect(messages.count == 2)
        #expect(Set(messages.map(\.code)).count == 1)
        #expect(sandbox.listedUUIDs() == [first])
        // The code of the session still validates, once.
        #expect(sandbox.validate(first, .string(sandbox.code(first))).status == 200)
    }

    @Test func aResendOnVoiceIsTheChannelFallback() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        _ = sandbox.createSession(["recipient": "+14155550100", "channel": "voice"])
        let session = try #require(sandbox.retrieve(uuid).json)
        #expect(session["channel"] == "voice", "the session's channel is its latest attempt's")
        #expect(session["attempt_details"]?.arrayValue?.map { $0["channel"] } == ["sms", "voice"])
        #expect(session["attempt_details"]?[1]?["status"] == "completed")
        #expect(session["charges"]?["total_charge"] == "0.0110")
        #expect(sandbox.outbox(sessionUUID: uuid).map(\.channel) == ["sms", "voice"])
        #expect(sandbox.outbox(sessionUUID: uuid)[1].text.hasPrefix("Your verification code is "))
    }

    @Test func attemptsAreLimitedPerSession() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        for _ in 2...5 { #expect(sandbox.createSession(["recipient": "+14155550100"]) == uuid) }
        let refused = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        expectError(refused, 429, "maximum delivery attempts reached for this session")
        #expect(sandbox.retrieve(uuid).json?["count"] == 5)
        // The limit is the session's: once it is over, a new session starts.
        try sandbox.advanceClock(by: .seconds(600))
        let fresh = sandbox.createSession(["recipient": "+14155550100"])
        #expect(fresh != uuid)
        #expect(sandbox.retrieve(fresh).json?["count"] == 1)
    }

    @Test func aFinishedSessionIsNotResent() throws {
        let sandbox = makeSandbox()
        let verified = sandbox.createSession(["recipient": "+14155550100"])
        #expect(sandbox.validate(verified, .string(sandbox.code(verified))).status == 200)
        let next = sandbox.createSession(["recipient": "+14155550100"])
        #expect(next != verified, "after verification a create starts a new session")
        try sandbox.advanceClock(by: .seconds(600))
        #expect(sandbox.createSession(["recipient": "+14155550100"]) != next, "after expiry too")
    }

    @Test func anotherAppIsAnotherSession() throws {
        let sandbox = makeSandbox()
        let plain = sandbox.createSession(["recipient": "+14155550100"])
        let app = "3f0ac4f8-12f6-4a5a-9c38-6f1c3e2a7b10"
        let other = sandbox.createSession(["recipient": "+14155550100", "app_uuid": .string(app)])
        #expect(other != plain)
        #expect(sandbox.createSession(["recipient": "+14155550100", "app_uuid": .string(app.uppercased())]) == other)
    }

    @Test func aResendCountsNoValidationAttempt() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        for _ in 0..<9 { _ = sandbox.validate(uuid, .string(wrongCode(sandbox.code(uuid)))) }
        _ = sandbox.createSession(["recipient": "+14155550100"])
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200, "the 10th validation is still judged")
    }
}
