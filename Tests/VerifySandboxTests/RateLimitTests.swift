import Testing
import VerifyAPI
import VerifySandbox

/// Plivo's rate limits, per account, on its virtual clock.
@Suite struct RateLimitTests {
    @Test func listingIsTwentyAMinute() throws {
        let sandbox = makeSandbox()
        for _ in 0..<20 { #expect(sandbox.list().status == 200) }
        let refused = sandbox.list()
        expectError(refused, 429, "too many requests")
        #expect(refused.headerFields[.retryAfter] == "60")
        #expect(sandbox.list(account: otherAccount).status == 200, "another account has its own window")
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"])).status == 202, "other endpoints are not limited")

        try sandbox.advanceClock(by: .seconds(45))
        #expect(sandbox.list().headerFields[.retryAfter] == "15", "refused requests do not count")
        try sandbox.advanceClock(by: .seconds(15))
        for _ in 0..<20 { #expect(sandbox.list().status == 200, "a minute later the window is empty again") }
        #expect(sandbox.list().status == 429)
    }

    @Test func theWindowSlides() throws {
        let sandbox = makeSandbox()
        for second in 0..<20 {
            #expect(sandbox.list().status == 200)
            if second < 19 { try sandbox.advanceClock(by: .seconds(1)) }
        }
        #expect(sandbox.list().headerFields[.retryAfter] == "41")
        try sandbox.advanceClock(by: .seconds(41))
        #expect(sandbox.list().status == 200, "the first one's slot is free")
        #expect(sandbox.list().headerFields[.retryAfter] == "1", "the second one's frees a second later")
        try sandbox.advanceClock(by: .seconds(1))
        #expect(sandbox.list().status == 200)
    }

    @Test func offMeansNever() {
        let sandbox = makeSandbox(rateLimits: .off)
        for _ in 0..<100 { #expect(sandbox.list().status == 200) }
    }

    @Test func allAddsTheAccountWideLimit() throws {
        let sandbox = makeSandbox(rateLimits: .all)
        for _ in 0..<300 { _ = sandbox.createSession() }
        let refused = sandbox.handle(createRequest(body: .object(["recipient": .string(freshRecipient())])))
        expectError(refused, 429, "too many requests")
        #expect(refused.headerFields[.retryAfter] == "5")
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/outbox")).status == 200, "out of band is never limited")
        try sandbox.advanceClock(by: .seconds(5))
        #expect(sandbox.handle(createRequest(body: .object(["recipient": .string(freshRecipient())]))).status == 202)
    }

    @Test func theDefaultIsVerifysOwn() {
        let sandbox = makeSandbox()
        for _ in 0..<400 { _ = sandbox.createSession() }
        #expect(sandbox.outbox().count == 400, "creates are not limited by default")
    }
}
