import Testing
import VerifyAPI
import VerifySandbox

/// Seeding sessions in any state, outcomes out of band, the state dump, reset and snapshots.
@Suite struct SeedStateTests {
    func seed(_ sandbox: VerifySandbox, _ body: JSONValue, as authID: String? = account) -> APIResponse {
        sandbox.handle(outOfBand(.post, "/__sandbox/sessions", body: body, as: authID))
    }

    @Test func seededSessionsAreListedInTheirState() throws {
        let sandbox = makeSandbox()
        try sandbox.advanceClock(by: .seconds(3600))
        let expired = seed(sandbox, .object(["recipient": "+14155550100", "status": "expired"]))
        #expect(expired.status == 201)
        let verified = seed(sandbox, .object(["recipient": "+14155550101", "status": "verified", "created_at": "2025-01-15T10:05:00Z"]))
        let pending = seed(sandbox, .object(["recipient": "+14155550102", "code": "4321"]))
        #expect(pending.json?["code"] == "4321")
        let statuses = sandbox.list().json?["sessions"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" } ?? []
        #expect(statuses.sorted() == ["expired", "in-progress", "verified"])
        let uuid = pending.json?["session_uuid"]?.stringValue ?? ""
        #expect(sandbox.validate(uuid, "4321").status == 200, "a seeded session validates like any other")
        #expect(sandbox.retrieve(verified.json?["session_uuid"]?.stringValue ?? "").json?["created_at"] == "2025-01-15T10:05:00.000000Z")
        expectError(seed(sandbox, .object(["recipient": "+14155550103", "created_at": "2030-01-01T00:00:00Z"])), 400,
                    "created_at must be a time no later than the account's clock")
        expectError(seed(sandbox, .object(["recipient": "+14155550103", "status": "expired", "created_at": "2025-01-15T10:55:00Z"])), 400,
                    "created_at does not fit the status: a code expires 10m after its session is created")
        expectError(seed(sandbox, .object(["recipient": "+14155550103", "status": "x"])), 400, "status must be one of in-progress, verified, expired")
        #expect(seed(sandbox, .object(["recipient": "+14155550103"]), as: nil).status == 401, "seeding needs an account")
        expectError(seed(sandbox, .object(["recipient": "+14155550103", "status": "expired", "created_at": "0000-01-01T00:00:00+00:01"])), 400,
                    "created_at must be a time no later than the account's clock")
        expectError(seed(sandbox, .object(["recipient": "+14155550103", "code": "١٢٣٤"])), 400, "code must be 4 to 8 digits")
    }

    @Test func anOutcomeSetOutOfBandDecidesTheNextAttempts() throws {
        let sandbox = makeSandbox()
        let set = sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["recipient": "+14155550100", "outcome": "undelivered"])))
        #expect(set.json?["outcomes"]?[0]?["outcome"] == "undelivered")
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        #expect(sandbox.retrieve(uuid).json?["attempt_details"]?[0]?["status"] == "undelivered")
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["session_uuid": .string(uuid), "outcome": "late"])))
        _ = sandbox.createSession(["recipient": "+14155550100"])
        #expect(sandbox.retrieve(uuid).json?["attempt_details"]?[1]?["status"] == "sent", "the session's own outcome wins")
        expectError(sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["outcome": "lost"]))), 400,
                    "outcome must be one of delivered, undelivered, failed, late, no-answer, fraud-blocked, invalid-number")
        expectError(sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["outcome": "late"]))), 400,
                    "an outcome is set for a recipient or for a session_uuid: give one of them")
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["outcome": "late"]), as: nil)).status == 401)
    }

    @Test func resetEmptiesOnlyTheCallersAccount() throws {
        let sandbox = makeSandbox()
        let mine = sandbox.createSession()
        let theirs = sandbox.createSession(account: otherAccount)
        try sandbox.advanceClock(by: .seconds(60), account: account)
        let reset = sandbox.handle(outOfBand(.post, "/__sandbox/reset"))
        #expect(reset.json == .object(["reset": .string(account), "now": "2025-01-15T10:00:00.000000Z"]))
        expectError(sandbox.retrieve(mine), 404, "session not found")
        #expect(sandbox.retrieve(theirs, account: otherAccount).status == 200)
        #expect(sandbox.now(account: account) == start)
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/reset", as: nil)).status == 401)
    }

    @Test func aSnapshotRoundTrips() throws {
        let sandbox = makeSandbox()
        let a = sandbox.createSession(["recipient": "+14155550100", "brand_name": "Acme", "url": "https://app.test/hook"])
        _ = sandbox.createSession(["recipient": "+14155550100", "channel": "voice"])
        _ = sandbox.validate(a, "000000")
        let b = sandbox.createSession(["recipient": "+14155550192"], account: otherAccount)
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/faults", body: .object(["endpoint": "create", "status": 503, "times": 3])))
        _ = sandbox.handle(outOfBand(.post, "/__sandbox/outcomes", body: .object(["recipient": "+14155550111", "outcome": "failed"])))
        try sandbox.advanceClock(by: .seconds(30), account: otherAccount)
        let snapshot = sandbox.snapshot()

        let restored = makeSandbox(seed: 1)
        #expect(try restored.restore(snapshot) == 2)
        #expect(restored.snapshot() == snapshot, "what is restored is what was saved")
        #expect(restored.retrieve(a).json?["count"] == 2)
        #expect(restored.retrieve(b, account: otherAccount).json?["attempt_details"]?[0]?["status"] == "sent")
        #expect(restored.now(account: otherAccount) == start.advanced(by: .seconds(30)))
        #expect(restored.handle(createRequest(["recipient": "+14155550199"])).status == 503, "the armed fault came back")
        #expect(restored.validate(a, .string(sandbox.code(a))).status == 200, "the code and the attempts count survive")
        #expect(throws: SnapshotProblem.self) { try restored.restore(.object(["format": "something else"])) }
        #expect(restored.retrieve(a).status == 200, "a bad snapshot changes nothing")
        do {
            _ = try restored.restore(.object(["format": "vsh-sandbox-state/1", "now": "2025-01-15T10:00:00Z", "accounts": [.object(["auth_id": "nope"])]]))
            Issue.record("a malformed auth_id was restored")
        } catch {
            #expect(error.description == "accounts[0].auth_id: not a well-formed auth_id")
        }
    }
}
