import HTTPTypes
import Testing
import VerifyAPI
import VerifySandbox

/// A sandbox that keeps its event journal, as the served one does.
private func makeWatchedSandbox(
    acceptsInboxControls: Bool = true, sendsCallbacks: Bool = false, fixedCode: String? = nil
) -> VerifySandbox {
    VerifySandbox(
        configuration: .init(
            fixedCode: fixedCode, sendsCallbacks: sendsCallbacks, keepsEvents: true, acceptsInboxControls: acceptsInboxControls,
            seed: 42, startTime: start))
}

private func get(_ sandbox: VerifySandbox, _ target: String, as authID: String? = nil) -> APIResponse {
    sandbox.handle(method: .get, target: target, headerFields: authID.map { basicAuth($0) } ?? [:], body: [])
}

/// The kinds and sessions of the events after `id`, in order: `session:UUID`, `message:UUID`, `clock`…
private func kinds(_ sandbox: VerifySandbox, after id: UInt64, account authID: String? = nil) -> [String] {
    sandbox.events(after: id, account: authID).events.map { event in
        let uuid = event.data["session"]?["session_uuid"]?.stringValue ?? event.data["session_uuid"]?.stringValue
        return uuid.map { "\(event.kind.rawValue):\($0)" } ?? event.kind.rawValue
    }
}

@Suite("The inbox: events, the inbox view, timelines, expiry on request")
struct InboxTests {
    @Test func aCreateIsASessionEventThenAMessage() throws {
        let sandbox = makeWatchedSandbox()
        let before = sandbox.latestEventID
        let uuid = sandbox.createSession(["recipient": "+14155550100", "brand_name": "Acme"])
        let batch = sandbox.events(after: before)
        #expect(batch.complete)
        #expect(batch.events.map(\.kind) == [.session, .message])
        #expect(batch.events.map(\.id) == [before + 1, before + 2])
        #expect(batch.last == before + 2)
        let session = try #require(batch.events[0].data["session"])
        #expect(batch.events[0].data["auth_id"]?.stringValue == account)
        #expect(session["session_uuid"]?.stringValue == uuid)
        #expect(session["code"]?.stringValue == sandbox.code(uuid))
        #expect(session["text"]?.stringValue == "Your Acme verification code is \(sandbox.code(uuid)).")
        #expect(session["status"] == "in-progress")
        #expect(session["validations_left"] == 10)
        #expect(session["expires_in_ms"] == 600_000)
        // The message event is the outbox's message.
        let message = batch.events[1].data
        #expect(message == sandbox.outbox(sessionUUID: uuid)[0].json)
    }

    @Test func validationsAreEventsAndInTheTimeline() throws {
        let sandbox = makeWatchedSandbox()
        let uuid = sandbox.createSession()
        let before = sandbox.latestEventID
        expectError(sandbox.validate(uuid, .string(wrongCode(sandbox.code(uuid)))), 400, "incorrect otp")
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session already verified")
        // A malformed body never reaches the session's checks: no event, no entry.
        expectError(sandbox.validate(uuid, "12ab"), 400, "otp must be a string of digits")
        // Three changes of one session read as one event: its latest state.
        #expect(kinds(sandbox, after: before) == ["session:\(uuid)"])
        let latest = try #require(sandbox.events(after: before).events.first)
        #expect(latest.id == before + 3)
        #expect(latest.data["session"]?["status"] == "verified")
        #expect(latest.data["session"]?["validations_used"] == 2)
        #expect(latest.data["session"]?["validations_left"] == 8)
        let story = get(sandbox, "/__sandbox/timeline?session_uuid=\(uuid)")
        #expect(story.status == 200)
        let events = story.json?["events"]?.arrayValue ?? []
        #expect(events.map { $0["kind"]?.stringValue ?? "" } == ["created", "attempt", "attempt", "attempt", "validation", "validation", "validation"])
        #expect(events.filter { $0["kind"] == "attempt" }.map { $0["status"]?.stringValue ?? "" } == ["queued", "sent", "delivered"])
        #expect(events.filter { $0["kind"] == "validation" }.map { $0["result"]?.stringValue ?? "" } == ["incorrect", "verified", "refused"])
        #expect(events.last?["error"] == "session already verified")
        #expect(story.json?["session"]?["session_uuid"]?.stringValue == uuid)
    }

    @Test func theClockBringsExpiriesAndLateDeliveries() throws {
        let sandbox = makeWatchedSandbox()
        let late = sandbox.createSession(["recipient": "+14155550192"])
        let plain = sandbox.createSession()
        let before = sandbox.latestEventID
        // Nothing reached the phone for the late one yet.
        #expect(sandbox.outbox(sessionUUID: late).isEmpty)
        try sandbox.advanceClock(by: .seconds(120), account: account)
        #expect(kinds(sandbox, after: before) == ["clock", "message:\(late)", "session:\(late)"])
        let afterDelivery = sandbox.latestEventID
        try sandbox.advanceClock(by: .seconds(480), account: account)
        // Both expire at 10m: one event each, the clock first.
        #expect(kinds(sandbox, after: afterDelivery) == ["clock", "session:\(late)", "session:\(plain)"])
        let expired = sandbox.events(after: afterDelivery).events.last?.data["session"]
        #expect(expired?["status"] == "expired")
        #expect(expired?["expires_in_ms"] == .null)
        // A move that changes nothing but the clock is only a clock event.
        let quiet = sandbox.latestEventID
        try sandbox.advanceClock(by: .seconds(60), account: account)
        #expect(kinds(sandbox, after: quiet) == ["clock"])
        let story = get(sandbox, "/__sandbox/timeline?session_uuid=\(late)").json?["events"]?.arrayValue ?? []
        #expect(story.last?["kind"] == "expired")
        #expect(story.last?["at"] == "2025-01-15T10:10:00.000000Z")
        #expect(story.contains { $0["status"] == "delivered" && $0["at"] == "2025-01-15T10:02:00.000000Z" && $0["pending"] == false })
    }

    @Test func aLateStepStillToComeIsPendingInTheTimeline() throws {
        let sandbox = makeWatchedSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550192"])
        let story = get(sandbox, "/__sandbox/timeline?session_uuid=\(uuid)").json?["events"]?.arrayValue ?? []
        let delivered = try #require(story.first { $0["status"] == "delivered" })
        #expect(delivered["pending"] == true)
        let entry = get(sandbox, "/__sandbox/inbox").json?["account"]?["sessions"]?[0]
        #expect(entry?["text"] == .null)
        #expect(entry?["delivered_at"] == .null)
        #expect(entry?["last_attempt_status"] == "sent")
    }

    @Test func theInboxListsNewestFirstWithTheAccountsSummaries() throws {
        let sandbox = makeWatchedSandbox()
        let first = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(5))
        let second = sandbox.createSession()
        let theirs = sandbox.createSession(account: otherAccount)
        // A resend brings the first back to the top.
        try sandbox.advanceClock(by: .seconds(5))
        let recipient = sandbox.retrieve(first).json?["recipient"]?.stringValue ?? ""
        #expect(sandbox.createSession(["recipient": .string("+" + recipient)]) == first)
        let inbox = get(sandbox, "/__sandbox/inbox?account=\(account)")
        #expect(inbox.status == 200)
        #expect(keys(inbox.json) == ["sequence", "now", "controls", "accounts", "account"])
        #expect(inbox.json?["sequence"]?.numberValue == Double(sandbox.latestEventID))
        let summaries = inbox.json?["accounts"]?.arrayValue ?? []
        #expect(summaries.map { $0["auth_id"]?.stringValue ?? "" } == [account, otherAccount])
        #expect(summaries[0]["sessions"] == 2)
        #expect(summaries[0]["messages"] == 3)
        let shown = inbox.json?["account"]
        #expect(shown?["auth_id"]?.stringValue == account)
        #expect(shown?["sessions"]?.arrayValue?.map { $0["session_uuid"]?.stringValue ?? "" } == [first, second])
        #expect(shown?["sessions"]?[0]?["attempts"] == 2)
        #expect(shown?["sessions"]?[0]?["messages"] == 2)
        #expect(shown?["omitted"] == 0)
        // Without `account`: the one that sent last (here: this one, by the resend).
        #expect(get(sandbox, "/__sandbox/inbox").json?["account"]?["auth_id"]?.stringValue == account)
        // With credentials: only the caller's account, whatever `account` asks for.
        let other = get(sandbox, "/__sandbox/inbox?account=\(account)", as: otherAccount)
        #expect(other.json?["accounts"]?.arrayValue?.count == 1)
        #expect(other.json?["account"]?["sessions"]?.arrayValue?.map { $0["session_uuid"]?.stringValue ?? "" } == [theirs])
        expectError(get(sandbox, "/__sandbox/inbox?recipient=1"), 400, "unknown parameter: recipient")
    }

    @Test func anEmptySandboxHasAnEmptyInbox() {
        let inbox = get(makeWatchedSandbox(), "/__sandbox/inbox")
        #expect(inbox.status == 200)
        #expect(inbox.json?["accounts"] == .array([]))
        #expect(inbox.json?["account"] == .null)
        #expect(inbox.json?["sequence"] == 0)
    }

    @Test func accountsSeeOnlyTheirOwnEventsAndTimelines() throws {
        let sandbox = makeWatchedSandbox()
        let mine = sandbox.createSession()
        let theirs = sandbox.createSession(account: otherAccount)
        #expect(kinds(sandbox, after: 0, account: account) == ["session:\(mine)", "message:\(mine)"])
        #expect(kinds(sandbox, after: 0, account: otherAccount) == ["session:\(theirs)", "message:\(theirs)"])
        // The events endpoint with credentials is the caller's account only, whatever it asks.
        let answer = get(sandbox, "/__sandbox/events?after=0&account=\(account)", as: otherAccount)
        #expect(answer.json?["events"]?.arrayValue?.compactMap { $0["data"]?["auth_id"]?.stringValue } == [otherAccount, otherAccount])
        expectError(get(sandbox, "/__sandbox/timeline?session_uuid=\(mine)", as: otherAccount), 404, "session not found")
        #expect(get(sandbox, "/__sandbox/timeline?session_uuid=\(mine)", as: account).status == 200)
        expectError(get(sandbox, "/__sandbox/timeline"), 400, "session_uuid is required")
        expectError(get(sandbox, "/__sandbox/events?after=x"), 400, "after must be an event id (a whole number)")
        expectError(get(sandbox, "/__sandbox/events?after=-1"), 400, "after must be an event id (a whole number)")
        expectError(get(sandbox, "/__sandbox/events?since=1"), 400, "unknown parameter: since")
        expectError(get(sandbox, "/__sandbox/events?after=%2B5"), 400, "after must be an event id (a whole number)")
        expectError(get(sandbox, "/__sandbox/events?after="), 400, "after must be an event id (a whole number)")
    }

    @Test func expiringOnRequest() throws {
        let sandbox = makeWatchedSandbox()
        let uuid = sandbox.createSession()
        let before = sandbox.latestEventID
        let expired = sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(uuid)])))
        #expect(expired.status == 200)
        #expect(expired.json?["status"] == "expired")
        #expect(sandbox.retrieve(uuid).json?["status"] == "expired")
        #expect(sandbox.retrieve(uuid).json?["updated_at"] == "2025-01-15T10:00:00.000000Z")
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session expired")
        #expect(kinds(sandbox, after: before) == ["session:\(uuid)"])
        // Again: it stays as it is.
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(uuid)]))).status == 200)
        // The next create for that recipient is a new session, not a resend.
        let recipient = sandbox.retrieve(uuid).json?["recipient"]?.stringValue ?? ""
        #expect(sandbox.createSession(["recipient": .string("+" + recipient)]) != uuid)

        let verified = sandbox.createSession()
        #expect(sandbox.validate(verified, .string(sandbox.code(verified))).status == 200)
        expectError(
            sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(verified)]))), 400,
            "session already verified")
        expectError(sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object([:]))), 400, "session_uuid is required")
        expectError(
            sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(uuid)]), as: otherAccount)), 404,
            "session not found")
        expectError(
            sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(uuid)]), as: nil)), 401,
            SandboxError.accountRequired.text)
    }

    @Test func expiringOnRequestSendsTheExpiryCallbackNow() throws {
        let sandbox = makeWatchedSandbox(sendsCallbacks: true)
        let uuid = sandbox.createSession(["recipient": .string(freshRecipient()), "url": "http://127.0.0.1:9/hook?key=secret"])
        // A session's callbacks are handed out one at a time, in order.
        for _ in 0..<10 {
            let jobs = sandbox.takeDueCallbacks()
            if jobs.isEmpty { break }
            for job in jobs { sandbox.finishCallback(job, outcome: .answered(200, after: .milliseconds(1))) }
        }
        #expect(sandbox.takeDueCallbacks().isEmpty)
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/expire", body: .object(["session_uuid": .string(uuid)])))
        let due = sandbox.takeDueCallbacks()
        #expect(due.count == 1)
        #expect(due.first?.parameters.first { $0.name == "SessionStatus" }?.value == "expired")
        let before = sandbox.latestEventID
        sandbox.finishCallback(try #require(due.first), outcome: .answered(500, after: .milliseconds(3)))
        let event = try #require(sandbox.events(after: before).events.first)
        #expect(event.kind == .callback)
        #expect(event.data["state"] == "pending")
        #expect(event.data["tries"]?[0]?["status_code"] == 500)
        // The URL without its query, which may hold the receiver's own secret.
        #expect(event.data["url"] == "http://127.0.0.1:9/hook")
        let story = get(sandbox, "/__sandbox/timeline?session_uuid=\(uuid)")
        #expect(!story.body.contains(subsequence: Array("secret".utf8)))
        #expect(story.json?["events"]?.arrayValue?.filter { $0["kind"] == "callback" }.count == 4)
    }

    @Test func resetFaultsAndRestoreAreEvents() throws {
        let sandbox = makeWatchedSandbox()
        let uuid = sandbox.createSession()
        let before = sandbox.latestEventID
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/faults", body: .object(["endpoint": "create", "status": 503]))).status == 201)
        #expect(sandbox.handle(createRequest(["recipient": .string(freshRecipient())])).status == 503)
        // Armed and used: one event, the faults as they are now (none left).
        #expect(kinds(sandbox, after: before) == ["faults"])
        #expect(sandbox.events(after: before).events.first?.data["faults"] == .array([]))
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/reset")).status == 200)
        // What was noted before the reset is gone with the account.
        #expect(kinds(sandbox, after: before) == ["reset"])
        #expect(kinds(sandbox, after: 0) == ["reset"])
        #expect(!kinds(sandbox, after: 0).contains("session:\(uuid)"))
        let snapshot = sandbox.snapshot()
        let restoredAt = sandbox.latestEventID
        _ = try sandbox.restore(snapshot)
        // A restore replaces everything: a reader from before must reload.
        #expect(!sandbox.events(after: restoredAt).complete)
        #expect(sandbox.events(after: sandbox.latestEventID).complete)
    }

    @Test func aReaderFromTheFutureOrTooFarBehindIsToldToReload() throws {
        let sandbox = makeWatchedSandbox()
        #expect(!sandbox.events(after: 99).complete)
        let uuid = sandbox.createSession()
        // Past the journal's capacity, the oldest go; a reader from before them must reload.
        for _ in 0..<10_001 { _ = sandbox.validate(uuid, .string(wrongCode(sandbox.code(uuid)))) }
        #expect(sandbox.latestEventID > 10_000)
        #expect(!sandbox.events(after: 0).complete)
        #expect(sandbox.events(after: sandbox.latestEventID - 10).complete)
        // The session's log kept its judged attempts and the latest refusals only.
        let story = get(sandbox, "/__sandbox/timeline?session_uuid=\(uuid)").json?["events"]?.arrayValue ?? []
        let validations = story.filter { $0["kind"] == "validation" }
        #expect(validations.count == 50)
        #expect(validations.filter { $0["result"] == "incorrect" }.count == 10)
        #expect(story.contains { $0["kind"] == "note" })
    }

    @Test func anEmbeddedSandboxKeepsNoJournal() {
        let sandbox = makeSandbox()
        _ = sandbox.createSession()
        #expect(sandbox.latestEventID == 0)
        #expect(sandbox.events(after: 0).events.isEmpty)
    }

    @Test func thePageHeaderNamesTheAccountOnlyWhereTheSandboxTakesIt() {
        func reset(_ sandbox: VerifySandbox, header: String) -> APIResponse {
            var fields = HTTPFields()
            fields[VerifySandbox.inboxAccountHeader] = header
            return sandbox.handle(method: .post, target: "/__sandbox/reset", headerFields: fields, body: [])
        }
        let open = makeWatchedSandbox(acceptsInboxControls: true)
        _ = open.createSession()
        #expect(reset(open, header: account).status == 200)
        #expect(open.accounts.isEmpty)
        expectError(reset(open, header: "not-an-account"), 401, "authentication failed")
        #expect(get(open, "/__sandbox/inbox").json?["controls"] == true)

        let closed = makeWatchedSandbox(acceptsInboxControls: false)
        _ = closed.createSession()
        expectError(reset(closed, header: account), 403, SandboxError.inboxControlsOff.text)
        #expect(closed.accounts == [account])
        #expect(get(closed, "/__sandbox/inbox").json?["controls"] == false)
        // Credentials still work, and then the inbox says the caller may change its account.
        #expect(get(closed, "/__sandbox/inbox", as: account).json?["controls"] == true)
    }

    @Test func aReaderFarBehindCatchesUpInBatches() throws {
        let sandbox = makeWatchedSandbox()
        var made: [String] = []
        for _ in 0..<300 { made.append(sandbox.createSession()) }
        // 600 entries (a session and a message each): more than one batch reads.
        var cursor: UInt64 = 0
        var seen: [String] = []
        var batches = 0
        while cursor < sandbox.latestEventID, batches < 100 {
            let batch = sandbox.events(after: cursor)
            #expect(batch.complete)
            #expect(batch.events.count <= SandboxEventBatch.maximumEntries)
            #expect(batch.last > cursor)
            seen += batch.events.filter { $0.kind == .session }.compactMap { $0.data["session"]?["session_uuid"]?.stringValue }
            cursor = batch.last
            batches += 1
        }
        #expect(batches == 3)
        #expect(seen == made)
        // Big events make smaller batches: about 256 KiB each.
        let big = makeWatchedSandbox()
        let brand = String(repeating: "B", count: 20_000)
        for _ in 0..<40 { _ = big.createSession(["recipient": .string(freshRecipient()), "brand_name": .string(brand)]) }
        let first = big.events(after: 0)
        #expect(first.events.count < 20)
        #expect(first.events.reduce(0) { $0 + $1.data.compactBytes.count } < 2 * SandboxEventBatch.maximumBytes)
        #expect(first.last == first.events.last?.id)
    }

    @Test func callbackURLsAreShownWithoutWhatMayBeSecret() {
        #expect(StatusCallback.displayURL("https://u:p@app.test/hook;k=1?key=2#x") == "https://app.test/hook")
        #expect(StatusCallback.displayURL("http://127.0.0.1:5000/cb?token=abc") == "http://127.0.0.1:5000/cb")
        #expect(StatusCallback.displayURL("https://user@app.test:8443/a/b") == "https://app.test:8443/a/b")
        #expect(StatusCallback.displayURL("https://app.test/p@th") == "https://app.test/p@th")
        #expect(StatusCallback.displayURL("https://app.test") == "https://app.test")
    }

    @Test func anAccountAskedForByNameAndGoneIsShownAsNone() {
        let sandbox = makeWatchedSandbox()
        _ = sandbox.createSession()
        _ = sandbox.createSession(account: otherAccount)
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/reset", as: otherAccount))
        let inbox = get(sandbox, "/__sandbox/inbox?account=\(otherAccount)")
        #expect(inbox.json?["account"] == .null)
        #expect(inbox.json?["accounts"]?.arrayValue?.count == 1)
    }

    @Test func theInboxListsAtMostAThousandSessions() {
        let sandbox = makeWatchedSandbox()
        for index in 0..<1_005 { _ = sandbox.createSession(["recipient": .string("+1313555\(String(1000 + index))")]) }
        let shown = get(sandbox, "/__sandbox/inbox").json?["account"]
        #expect(shown?["sessions"]?.arrayValue?.count == 1000)
        #expect(shown?["omitted"] == 5)
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
