import Testing
import VerifyAPI
import VerifySandbox

@Suite("/__sandbox/outbox and /__sandbox/clock")
struct OutOfBandTests {
    @Test func outboxListsMessagesInSendOrder() throws {
        let sandbox = makeSandbox()
        let first = sandbox.createSession(["recipient": "+14155550100"])
        try sandbox.advanceClock(by: .seconds(90))
        let second = sandbox.createSession(["recipient": "+447700900123", "channel": "voice"])
        let response = sandbox.handle(APIRequest(method: .get, path: "/__sandbox/outbox"))
        #expect(response.status == 200)
        #expect(keys(response.json) == ["messages"])
        let messages = response.json?["messages"]?.arrayValue ?? []
        #expect(messages.count == 2)
        #expect(
            keys(messages.first) == [
                "auth_id", "session_uuid", "attempt_uuid", "recipient", "channel", "code", "text", "sent_at", "delivered_at",
            ])
        #expect(messages[0]["auth_id"]?.stringValue == account)
        #expect(messages[0]["text"]?.stringValue == "Your verification code is \(sandbox.code(first)).")
        #expect(messages[0]["delivered_at"] == "2025-01-15T10:00:00.000000Z")
        #expect(messages[0]["session_uuid"]?.stringValue == first)
        #expect(messages[0]["recipient"] == "14155550100")
        #expect(messages[0]["channel"] == "sms")
        #expect(messages[0]["code"]?.stringValue == sandbox.code(first))
        #expect(messages[0]["sent_at"] == "2025-01-15T10:00:00.000000Z")
        #expect(messages[1]["session_uuid"]?.stringValue == second)
        #expect(messages[1]["channel"] == "voice")
        #expect(messages[1]["sent_at"] == "2025-01-15T10:01:30.000000Z")
        #expect(sandbox.outbox().map(\.sessionUUID) == [first, second])
        #expect(sandbox.outbox().map(\.json) == messages)
    }

    @Test func outboxFilters() throws {
        let sandbox = makeSandbox()
        let first = sandbox.createSession(["recipient": "+14155550100"])
        let second = sandbox.createSession(["recipient": "+447700900123"])
        func uuids(_ target: String) -> [String] {
            sandbox.handle(method: .get, target: target, body: []).json?["messages"]?.arrayValue?.compactMap {
                $0["session_uuid"]?.stringValue
            } ?? []
        }
        #expect(uuids("/__sandbox/outbox?session_uuid=\(second)") == [second])
        #expect(uuids("/__sandbox/outbox?session_uuid=\(second.uppercased())") == [second])
        #expect(uuids("/__sandbox/outbox?recipient=%2B14155550100") == [first])
        #expect(uuids("/__sandbox/outbox?recipient=+14155550100") == [first])
        #expect(uuids("/__sandbox/outbox?recipient=447700900123") == [second])
        #expect(uuids("/__sandbox/outbox?recipient=447700900123&session_uuid=\(first)") == [])
        #expect(uuids("/__sandbox/outbox/") == [first, second])
        #expect(sandbox.outbox(sessionUUID: first).map(\.sessionUUID) == [first])
        #expect(sandbox.outbox(sessionUUID: "8e712097-8090-4644-81e7-8f4265d8354e").isEmpty)
    }

    @Test func outboxRejectsUnknownFilters() throws {
        expectError(
            makeSandbox().handle(method: .get, target: "/__sandbox/outbox?code=1", body: []), 400, "unknown parameter: code")
    }

    @Test func clockReadsAndAdvances() throws {
        let sandbox = makeSandbox()
        let read = sandbox.handle(outOfBand(.get, "/__sandbox/clock"))
        #expect(read.status == 200)
        #expect(read.json == .object(["now": "2025-01-15T10:00:00.000000Z"]))
        let moved = sandbox.handle(outOfBand(.post, "/__sandbox/clock", body: .object(["advance": "11m"])))
        #expect(moved.status == 200)
        #expect(moved.json == .object(["now": "2025-01-15T10:11:00.000000Z"]))
        #expect(sandbox.now(account: account) == start.advanced(by: .seconds(660)))
        let again = sandbox.handle(
            method: .post, target: "/__sandbox/clock/", headerFields: basicAuth(), body: Array(#"{"advance":"1h30m"}"#.utf8))
        #expect(again.json?["now"] == "2025-01-15T11:41:00.000000Z")
        // Without credentials: the clock a new account starts on, and each account's.
        let anonymous = sandbox.handle(outOfBand(.get, "/__sandbox/clock", as: nil))
        #expect(
            anonymous.json
                == .object([
                    "now": "2025-01-15T10:00:00.000000Z",
                    "accounts": [.object(["auth_id": .string(account), "now": "2025-01-15T11:41:00.000000Z"])],
                ]))
    }

    @Test func advancingTheClockExpiresSessions() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/clock", body: .object(["advance": "11m"])))
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session expired")
    }

    @Test(arguments: ["11 minutes", "", "11", "-5m", "1y", "m"] as [JSONValue] + [660, nil])
    func advanceMustBeADuration(advance: JSONValue) throws {
        let sandbox = makeSandbox()
        let response = sandbox.handle(outOfBand(.post, "/__sandbox/clock", body: .object(["advance": advance])))
        expectError(response, 400, "advance must be a duration such as 30s, 11m or 1h")
        #expect(sandbox.now(account: account) == start)
    }

    @Test func clockBodyErrors() throws {
        let sandbox = makeSandbox()
        let clock = "/__sandbox/clock"
        expectError(
            sandbox.handle(outOfBand(.post, clock)), 400, "advance must be a duration such as 30s, 11m or 1h")
        expectError(
            sandbox.handle(outOfBand(.post, clock, body: ["11m"])), 400, "request body must be a JSON object")
        expectError(
            sandbox.handle(outOfBand(.post, clock, body: .object(["advance": "1m", "to": "x"]))), 400,
            "unknown parameter: to")
        expectError(
            sandbox.handle(method: .post, target: clock, headerFields: basicAuth(), body: Array("advance=11m".utf8)), 400,
            "request body is not valid JSON")
        #expect(sandbox.now(account: account) == start)
    }

    @Test func clockStandsStillAndNeverGoesBack() throws {
        let sandbox = makeSandbox()
        _ = sandbox.createSession()
        #expect(sandbox.now == start)
        try sandbox.advanceClock(by: .seconds(-60))
        #expect(sandbox.now == start)
        try sandbox.advanceClock(by: .milliseconds(1500))
        #expect(sandbox.now == Timestamp(parsing: "2025-01-15T10:00:01.5Z"))
    }

    @Test func clockStartsAtTheWallClockByDefault() throws {
        let before = Timestamp.now()
        let sandbox = VerifySandbox()
        let after = Timestamp.now()
        #expect(before <= sandbox.now && sandbox.now <= after)
    }
}
