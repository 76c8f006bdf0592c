import Testing
import VerifyAPI
import VerifySandbox

@Suite("GET …/Verify/Session/ (list)")
struct ListSessionsTests {
    @Test func hasTheWireShape() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let response = sandbox.list()
        #expect(response.status == 200)
        #expect(keys(response.json) == ["api_id", "meta", "sessions"])
        #expect(keys(response.json?["meta"]) == ["limit", "offset", "next", "previous"])
        #expect(response.json?["meta"]?["limit"] == 20)
        #expect(response.json?["meta"]?["offset"] == 0)
        #expect(response.json?["meta"]?["next"] == .null)
        #expect(response.json?["meta"]?["previous"] == .null)
        let entry = response.json?["sessions"]?[0]
        #expect(keys(entry) == Array(RetrieveSessionTests.fieldOrder.dropFirst()))
        var retrieved = sandbox.retrieve(uuid).json
        if case .object(let pairs)? = retrieved { retrieved = .object(Array(pairs.dropFirst())) }
        #expect(entry == retrieved)
    }

    @Test func newestFirstEvenAtTheSameInstant() throws {
        let sandbox = makeSandbox()
        let a = sandbox.createSession()
        let b = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(60))
        let c = sandbox.createSession()
        let d = sandbox.createSession()
        #expect(sandbox.listedUUIDs() == [d, c, b, a])
    }

    @Test func statusFilterIsCaseInsensitiveAndSeesExpiry() throws {
        let sandbox = makeSandbox()
        let expired = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(660))
        let verified = sandbox.createSession()
        #expect(sandbox.validate(verified, .string(sandbox.code(verified))).status == 200)
        let pending = sandbox.createSession()
        #expect(sandbox.listedUUIDs([("status", "verified")]) == [verified])
        #expect(sandbox.listedUUIDs([("status", "Expired")]) == [expired])
        #expect(sandbox.listedUUIDs([("status", "IN-PROGRESS")]) == [pending])
        expectError(sandbox.list([("status", "failed")]), 400, "status must be one of in-progress, verified, expired")
        expectError(sandbox.list([("status", "")]), 400, "status must be one of in-progress, verified, expired")
    }

    @Test func recipientFilterTakesThePlusOrNot() throws {
        let sandbox = makeSandbox()
        let us = sandbox.createSession(["recipient": "+14155550100"])
        _ = sandbox.createSession(["recipient": "+447700900123"])
        #expect(sandbox.listedUUIDs([("recipient", "+14155550100")]) == [us])
        #expect(sandbox.listedUUIDs([("recipient", "14155550100")]) == [us])
        // A raw `+` in a query string decodes to a space.
        let raw = sandbox.handle(method: .get, target: sessionsPath() + "?recipient=+14155550100", body: [])
        #expect(raw.json?["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == [us])
        #expect(sandbox.listedUUIDs([("recipient", "+15555550100")]) == [])
    }

    @Test func textFiltersMatchExactly() throws {
        let sandbox = makeSandbox()
        let app = "d5a6f7b0-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
        let plain = sandbox.createSession(["recipient": "+14155550100"])
        let branded = sandbox.createSession([
            "recipient": "+447700900123", "app_uuid": .string(app), "brand_name": "Acme", "app_hash": "FA9qCX9VSu",
        ])
        #expect(sandbox.listedUUIDs([("app_uuid", app)]) == [branded])
        #expect(sandbox.listedUUIDs([("app_uuid", app.uppercased())]) == [branded])
        #expect(sandbox.listedUUIDs([("country", "GB")]) == [branded])
        #expect(sandbox.listedUUIDs([("country", "us")]) == [plain])
        #expect(sandbox.listedUUIDs([("alias", "default_verify_app")]) == [plain])
        #expect(sandbox.listedUUIDs([("brand_name", "Acme")]) == [branded])
        #expect(sandbox.listedUUIDs([("brand_name", "acme")]) == [])
        #expect(sandbox.listedUUIDs([("app_hash", "FA9qCX9VSu")]) == [branded])
        #expect(sandbox.listedUUIDs([("country", "GB"), ("brand_name", "Acme")]) == [branded])
        #expect(sandbox.listedUUIDs([("country", "US"), ("brand_name", "Acme")]) == [])
    }

    @Test func subaccountFilterMatchesTheCreatingSubaccount() throws {
        let sandbox = makeSandbox()
        let sub = sandbox.createSession(account: otherAccount)
        #expect(sandbox.listedUUIDs([("subaccount", otherAccount)], account: otherAccount) == [sub])
        #expect(sandbox.listedUUIDs([("subaccount", "SA0000000000000000AA")], account: otherAccount) == [])
        #expect(sandbox.listedUUIDs([("subaccount", otherAccount)], account: account) == [])
    }

    @Test func listIsScopedToThePathsAccount() throws {
        let sandbox = makeSandbox()
        let mine = sandbox.createSession(account: account)
        let theirs = sandbox.createSession(account: otherAccount)
        #expect(sandbox.listedUUIDs(account: account) == [mine])
        #expect(sandbox.listedUUIDs(account: otherAccount) == [theirs])
        #expect(sandbox.listedUUIDs(account: "MA0000000000000000ZZ") == [])
    }

    // MARK: - Time filters

    /// Sessions at 10:00:00, 10:00:30.250 and 10:01:00; the clock then at 10:02.
    func threeSessions() throws -> (VerifySandbox, [String]) {
        let sandbox = makeSandbox()
        let a = sandbox.createSession()
        try sandbox.advanceClock(by: .milliseconds(30250))
        let b = sandbox.createSession()
        try sandbox.advanceClock(by: .milliseconds(29750))
        let c = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(60))
        return (sandbox, [a, b, c])
    }

    @Test func sessionTimeMatchesToTheGivenPrecision() throws {
        let (sandbox, s) = try threeSessions()
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00")]) == [s[1], s[0]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:01")]) == [s[2]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:30")]) == [s[1]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:30.2")]) == [s[1]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:30.25")]) == [s[1]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:30.250000")]) == [s[1]])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:30.250001")]) == [])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15 10:00:31")]) == [])
        #expect(sandbox.listedUUIDs([("session_time", "2025-01-15T10:00:30Z")]) == [s[1]])
    }

    @Test func comparisonsOnSessionTime() throws {
        let (sandbox, s) = try threeSessions()
        #expect(sandbox.listedUUIDs([("session_time__gt", "2025-01-15 10:00")]) == [s[2], s[1]])
        #expect(sandbox.listedUUIDs([("session_time__gte", "2025-01-15 10:00")]) == [s[2], s[1], s[0]])
        #expect(sandbox.listedUUIDs([("session_time__lt", "2025-01-15 10:01")]) == [s[1], s[0]])
        #expect(sandbox.listedUUIDs([("session_time__lte", "2025-01-15 10:01")]) == [s[2], s[1], s[0]])
        #expect(
            sandbox.listedUUIDs([("session_time__gt", "2025-01-15 10:00"), ("session_time__lt", "2025-01-15 10:01")]) == [s[1]])
    }

    @Test func withoutATimeFilterOnlyTheLast24HoursAreListed() throws {
        let sandbox = makeSandbox()
        let old = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(24 * 3600))
        #expect(sandbox.listedUUIDs() == [old])  // exactly 24 hours old: still in
        try sandbox.advanceClock(by: .seconds(1))
        #expect(sandbox.listedUUIDs() == [])
        let new = sandbox.createSession()
        #expect(sandbox.listedUUIDs() == [new])
        #expect(sandbox.listedUUIDs([("session_time__gte", "2025-01-15 00:00")]) == [new, old])
        #expect(sandbox.listedUUIDs([("status", "expired")]) == [])
    }

    @Test func timeFiltersReachAtMost90DaysBack() throws {
        let sandbox = makeSandbox()
        let old = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(90 * 86_400))
        #expect(sandbox.listedUUIDs([("session_time__gte", "2025-01-15 10:00")]) == [old])
        for name in ["session_time", "session_time__gt", "session_time__gte", "session_time__lt", "session_time__lte"] {
            expectError(sandbox.list([(name, "2025-01-15 09:59")]), 400, "session_time filters reach at most 90 days back")
        }
        try sandbox.advanceClock(by: .seconds(1))
        // Only later filters: the session is now beyond the 90-day horizon.
        #expect(sandbox.listedUUIDs([("session_time__lte", "2025-04-15 10:00")]) == [])
    }

    @Test(arguments: [
        "2025-01-15", "yesterday", "2025-01-15 10", "2025-13-01 10:00", "2025-01-15 24:00", "2025-01-15 10:00:00.", "",
    ])
    func timeFiltersMustBeWellFormed(value: String) throws {
        let sandbox = makeSandbox()
        for name in ["session_time", "session_time__gt", "session_time__gte", "session_time__lt", "session_time__lte"] {
            expectError(sandbox.list([(name, value)]), 400, "\(name) must be a time as YYYY-MM-DD HH:MM[:ss[.uuuuuu]]")
        }
    }

    // MARK: - Paging

    @Test func pagesLinkToTheirNeighbours() throws {
        let sandbox = makeSandbox()
        let made = (0..<5).map { _ in sandbox.createSession() }
        let newest = Array(made.reversed())
        let path = sessionsPath()

        let first = sandbox.list([("limit", "2")])
        #expect(first.json?["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == Array(newest[0..<2]))
        #expect(first.json?["meta"]?["limit"] == 2)
        #expect(first.json?["meta"]?["next"]?.stringValue == path + "?limit=2&offset=2")
        #expect(first.json?["meta"]?["previous"] == .null)

        let second = sandbox.list([("limit", "2"), ("offset", "2")])
        #expect(sandbox.listedUUIDs([("limit", "2"), ("offset", "2")]) == Array(newest[2..<4]))
        #expect(second.json?["meta"]?["offset"] == 2)
        #expect(second.json?["meta"]?["next"]?.stringValue == path + "?limit=2&offset=4")
        #expect(second.json?["meta"]?["previous"]?.stringValue == path + "?limit=2&offset=0")

        let last = sandbox.list([("offset", "4"), ("limit", "2")])
        #expect(sandbox.listedUUIDs([("limit", "2"), ("offset", "4")]) == [newest[4]])
        #expect(last.json?["meta"]?["next"] == .null)
        #expect(last.json?["meta"]?["previous"]?.stringValue == path + "?limit=2&offset=2")

        let beyond = sandbox.list([("limit", "2"), ("offset", "9")])
        #expect(beyond.json?["sessions"] == [])
        #expect(beyond.json?["meta"]?["previous"]?.stringValue == path + "?limit=2&offset=7")
    }

    @Test func linksRepeatTheFiltersInOrder() throws {
        let sandbox = makeSandbox()
        // One recipient, three apps: three sessions.
        for app in ["a", "b", "c"] {
            _ = sandbox.createSession(["recipient": "+14155550100", "app_uuid": .string("00000000-0000-4000-8000-00000000000\(app)")])
        }
        let response = sandbox.list([
            ("status", "in-progress"), ("recipient", "+14155550100"), ("limit", "1"), ("session_time__gte", "2025-01-15 09:00"),
        ])
        #expect(
            response.json?["meta"]?["next"]?.stringValue
                == sessionsPath()
                + "?status=in-progress&recipient=%2B14155550100&session_time__gte=2025-01-15%2009%3A00&limit=1&offset=1")
        // Following the link gives the next page.
        let next = response.json?["meta"]?["next"]?.stringValue ?? ""
        let page2 = sandbox.handle(method: .get, target: next, body: [])
        #expect(page2.json?["meta"]?["offset"] == 1)
        #expect(page2.json?["sessions"]?.arrayValue?.count == 1)
        #expect(
            page2.json?["meta"]?["previous"]?.stringValue
                == sessionsPath()
                + "?status=in-progress&recipient=%2B14155550100&session_time__gte=2025-01-15%2009%3A00&limit=1&offset=0")
    }

    @Test func defaultLimitIs20() throws {
        let sandbox = makeSandbox()
        for _ in 0..<25 { _ = sandbox.createSession() }
        #expect(sandbox.listedUUIDs().count == 20)
        #expect(sandbox.list().json?["meta"]?["next"]?.stringValue == sessionsPath() + "?limit=20&offset=20")
        #expect(sandbox.listedUUIDs([("offset", "20")]).count == 5)
        #expect(sandbox.listedUUIDs([("limit", "20")]).count == 20)
        #expect(sandbox.listedUUIDs([("limit", "1")]).count == 1)
    }

    @Test(arguments: ["0", "21", "-1", "abc", "", "1.5", "+5", "99999999999999999999999"])
    func limitMustBeFrom1To20(value: String) throws {
        expectError(makeSandbox().list([("limit", value)]), 400, "limit must be an integer from 1 to 20")
    }

    @Test(arguments: ["-1", "abc", "", "2.0", "+5", "99999999999999999999999"])
    func offsetMustBeANonNegativeInteger(value: String) throws {
        expectError(makeSandbox().list([("offset", value)]), 400, "offset must be an integer from 0 to 1000000000")
    }

    @Test func unknownQueryNamesAreRejected() throws {
        let sandbox = makeSandbox()
        expectError(sandbox.list([("page", "2")]), 400, "unknown parameter: page")
        expectError(sandbox.list([("status", "verified"), ("Status", "verified")]), 400, "unknown parameter: Status")
    }
}

/// Plivo's Go SDK sends `AppHash=&BrandName=` on every list.
@Suite struct GoSDKListCompatibilityTests {
    @Test func emptyGoSDKFieldsAreIgnored() throws {
        let sandbox = makeSandbox()
        _ = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        let response = sandbox.handle(listRequest([("limit", "20"), ("AppHash", ""), ("BrandName", "")]))
        #expect(response.status == 200)
        #expect(response.json?["sessions"]?.arrayValue?.count == 1)
    }

    @Test func nonEmptyOrOtherUnknownNamesAreStillRefused() throws {
        let sandbox = makeSandbox()
        expectError(sandbox.handle(listRequest([("AppHash", "x")])), 400, "unknown parameter: AppHash")
        expectError(sandbox.handle(listRequest([("Status", "")])), 400, "unknown parameter: Status")
    }
}
