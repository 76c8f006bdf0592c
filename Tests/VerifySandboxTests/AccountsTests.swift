import HTTPTypes
import Testing
import VerifyAPI
import VerifySandbox

/// One account per auth_id: sessions, codes and clocks of one are invisible to another.
@Suite struct AccountsTests {
    @Test func twoAccountsNeverSeeEachOthersSessionsOrCodes() throws {
        let sandbox = makeSandbox()
        let mine = sandbox.createSession(["recipient": "+14155550100"])
        let theirs = sandbox.createSession(["recipient": "+14155550100"], account: otherAccount)
        #expect(mine != theirs, "the same recipient on two accounts is two sessions")
        #expect(sandbox.listedUUIDs() == [mine])
        #expect(sandbox.listedUUIDs(account: otherAccount) == [theirs])
        expectError(sandbox.retrieve(theirs), 404, "session not found")
        expectError(sandbox.validate(theirs, .string(sandbox.code(theirs))), 404, "session not found")

        func outboxSessions(as authID: String?) -> [String] {
            sandbox.handle(outOfBand(.get, "/__sandbox/outbox", as: authID)).json?["messages"]?.arrayValue?.compactMap {
                $0["session_uuid"]?.stringValue
            } ?? []
        }
        #expect(outboxSessions(as: account) == [mine])
        #expect(outboxSessions(as: otherAccount) == [theirs])
        #expect(outboxSessions(as: nil) == [mine, theirs], "without credentials the outbox reads across accounts")
        let message = sandbox.handle(outOfBand(.get, "/__sandbox/outbox", as: nil)).json?["messages"]?[1]
        #expect(message?["auth_id"]?.stringValue == otherAccount)
        #expect(sandbox.accounts == [account, otherAccount])
    }

    @Test func eachAccountHasItsOwnClock() throws {
        let sandbox = makeSandbox()
        let mine = sandbox.createSession()
        let theirs = sandbox.createSession(account: otherAccount)
        let moved = sandbox.handle(outOfBand(.post, "/__sandbox/clock", body: .object(["advance": "11m"]), as: otherAccount))
        #expect(moved.json?["now"] == "2025-01-15T10:11:00.000000Z")
        #expect(sandbox.retrieve(theirs, account: otherAccount).json?["status"] == "expired")
        #expect(sandbox.retrieve(mine).json?["status"] == "in-progress")
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/clock")).json?["now"] == "2025-01-15T10:00:00.000000Z")
        // A new account starts on the sandbox's clock, not on another account's.
        let third = "MA2025THIRDACCOUNT01"
        _ = sandbox.createSession(account: third)
        #expect(sandbox.now(account: third) == start)
    }

    @Test func aChangeWithoutCredentialsIsRefused() throws {
        let sandbox = makeSandbox()
        let refused = sandbox.handle(outOfBand(.post, "/__sandbox/clock", body: .object(["advance": "11m"]), as: nil))
        expectError(refused, 401, "this change needs an account: send its auth_id and token with HTTP Basic auth")
        #expect(refused.headerFields[.wwwAuthenticate] == "Basic realm=\"vsh sandbox\"")
        #expect(sandbox.now == start)
    }

    @Test func outOfBandCredentialsAreCheckedLikeTheAPIs() throws {
        let sandbox = makeSandbox(authToken: "s3cret-token")
        let good = outOfBand(.get, "/__sandbox/clock")
        var withToken = good
        withToken.headerFields = basicAuth(token: "s3cret-token")
        #expect(sandbox.handle(withToken).status == 200)
        expectError(sandbox.handle(good), 401, "authentication failed")  // a wrong token
        var malformed = good
        malformed.headerFields = basicAuth("not-an-auth-id", token: "s3cret-token")
        expectError(sandbox.handle(malformed), 401, "authentication failed")
        var notBasic = good
        notBasic.headerFields[.authorization] = "Bearer s3cret-token"
        expectError(sandbox.handle(notBasic), 401, "authentication failed")
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/clock", as: nil)).status == 200, "reading needs none")
    }

    @Test func atMostTenThousandAccountsAreKept() {
        let sandbox = makeSandbox()
        func id(_ n: Int) -> String { "MA" + String(repeating: "0", count: 18 - String(n).count) + String(n) }
        for n in 0..<10_000 { #expect(sandbox.handle(outOfBand(.get, "/__sandbox/clock", as: id(n))).status == 200) }
        expectError(
            sandbox.handle(createRequest(["recipient": "+14155550100"], account: id(10_000))), 429,
            "the sandbox keeps at most 10000 accounts; reset one (POST /__sandbox/reset)")
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/reset", as: id(0))).status == 200)
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"], account: id(10_000))).status == 202)
    }

    @Test func seededAccountsDrawTheSameIdsWhateverOtherAccountsDo() throws {
        let quiet = makeSandbox(seed: 9)
        let busy = makeSandbox(seed: 9)
        for _ in 0..<5 { _ = busy.createSession(account: otherAccount) }
        let a = quiet.createSession(["recipient": "+14155550100"])
        let b = busy.createSession(["recipient": "+14155550100"])
        #expect(a == b)
        #expect(quiet.code(a) == busy.code(b))
    }

    @Test func concurrentAccountsNeverMix() async throws {
        let sandbox = makeSandbox(seed: nil)
        let accounts = (0..<8).map { "MA2025CONCURRENT00\($0)0" }
        let made = await withTaskGroup(of: (String, [String]).self) { group in
            for authID in accounts {
                group.addTask { (authID, (0..<50).map { _ in sandbox.createSession(account: authID) }) }
            }
            var all: [String: [String]] = [:]
            for await (authID, uuids) in group { all[authID] = uuids }
            return all
        }
        for authID in accounts {
            let uuids = try #require(made[authID])
            #expect(Set(sandbox.outbox(account: authID).map(\.sessionUUID)) == Set(uuids))
            #expect(uuids.allSatisfy { sandbox.retrieve($0, account: authID).status == 200 })
            #expect(sandbox.retrieve(uuids[0], account: accounts.first { $0 != authID }!).status == 404)
        }
    }
}
