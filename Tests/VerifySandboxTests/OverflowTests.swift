import Testing
import VerifyAPI
import VerifySandbox

/// Absurd numbers in requests are answered with a 400 naming the parameter; the sandbox
/// keeps running and its clock stays where it was.
@Suite struct SandboxOverflowTests {
    func advance(_ sandbox: VerifySandbox, _ text: String) -> APIResponse {
        sandbox.handle(
            method: .post, target: "/__sandbox/clock", headerFields: basicAuth(), body: Array("{\"advance\": \"\(text)\"}".utf8))
    }

    @Test func anAdvanceOverTheMaximumIsA400() {
        let sandbox = makeSandbox()
        let before = sandbox.now(account: account)
        for text in ["999999999d", "99999999999999999999999999d", "36501d"] {
            let answer = advance(sandbox, text)
            #expect(answer.status == 400, "\(text)")
            #expect(answer.errorText == "advance must be at most 36500d", "\(text)")
        }
        #expect(sandbox.now(account: account) == before)
        #expect(advance(sandbox, "11m").status == 200)
    }

    @Test func theClockStopsAtTheYear9999WithA400() {
        let sandbox = makeSandbox()
        var last = advance(sandbox, "36500d")
        var steps = 0
        while last.status == 200, steps < 100 {
            last = advance(sandbox, "36500d")
            steps += 1
        }
        #expect(last.status == 400)
        #expect(last.errorText == "the clock cannot pass 9999-12-31T23:59:59.999999Z")
        let stopped = sandbox.now(account: account)
        #expect(stopped <= Timestamp.latest)
        // Still answering, and a session created now expires no later than the clock's end.
        let uuid = sandbox.createSession()
        #expect(sandbox.handle(APIRequest(method: .get, path: sessionPath(uuid))).status == 200)
        #expect(throws: SandboxError.clockAtEnd) { try sandbox.advanceClock(by: DurationText.maximum) }
        #expect(throws: SandboxError.clockAtEnd) { try sandbox.advanceClock(by: DurationText.maximum, account: account) }
        #expect(sandbox.now(account: account) == stopped)
        #expect(sandbox.now == start, "a sandbox-wide advance that one account cannot take moves no clock")
    }

    @Test(arguments: ["9223372036854775800", "9223372036854775807", "99999999999999999999999", "1000000001", "-1", "1e3", " 1"])
    func anOffsetOutOfRangeIsA400AboutOffset(offset: String) {
        let sandbox = makeSandbox()
        expectError(sandbox.handle(listRequest([("offset", offset)])), 400, "offset must be an integer from 0 to 1000000000")
    }

    @Test func theLargestOffsetListsNothingAndWritesItsMetaAsDigits() {
        let sandbox = makeSandbox()
        _ = sandbox.createSession()
        let answer = sandbox.handle(listRequest([("offset", "1000000000")]))
        #expect(answer.status == 200)
        #expect(answer.json?["sessions"]?.arrayValue?.isEmpty == true)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("\"offset\":1000000000"))
    }
}
