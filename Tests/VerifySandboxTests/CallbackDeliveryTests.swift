import Testing
import VerifyAPI
import VerifySandbox

/// What the deliverer (`vsh-sandbox`'s) sees of the callback queue, in-process: what it
/// takes, and how a finished try lands in the account's log.
@Suite("Status callbacks, as the deliverer takes and finishes them")
struct CallbackDeliveryTests {
    func sandbox() -> VerifySandbox {
        VerifySandbox(configuration: .init(sendsCallbacks: true, seed: 42, startTime: start))
    }

    func createWithURL(_ sandbox: VerifySandbox, _ recipient: String = "+14155550100") throws -> String {
        let answer = sandbox.handle(
            createRequest(["recipient": .string(recipient), "url": "http://127.0.0.1:9/hook"]))
        return try #require(answer.json?["session_uuid"]?.stringValue)
    }

    @Test("one session's callbacks one at a time, in order; a 200 is delivered")
    func inOrder() throws {
        let sandbox = sandbox()
        let uuid = try createWithURL(sandbox)
        var statuses: [String] = []
        // Bounded: an sms attempt has three statuses (queued, sent, delivered) due by now + 3 s.
        try sandbox.advanceClock(by: .seconds(5))
        for _ in 0..<10 {
            let jobs = sandbox.takeDueCallbacks()
            #expect(jobs.count <= 1, "a session's next callback waits for the one being sent")
            guard let job = jobs.first else { break }
            statuses.append(job.parameters.first { $0.name == "ChannelStatus" }?.value ?? "?")
            sandbox.finishCallback(job, outcome: .answered(200, after: .milliseconds(1)))
        }
        #expect(statuses == ["queued", "sent", "delivered"])
        #expect(sandbox.callbacks(account: account).filter { $0.sessionUUID == uuid }.map(\.state) == [.delivered, .delivered, .delivered, .pending])
    }

    @Test("a try that ends after its account was reset changes nothing of the account's new life")
    func resetWhileSending() throws {
        let sandbox = sandbox()
        _ = try createWithURL(sandbox)
        let old = try #require(sandbox.takeDueCallbacks().first)
        #expect(sandbox.handle(outOfBand(.post, "/__sandbox/reset")).status == 200)
        // The same auth_id, the same seed: the new life's first callback has the same number.
        _ = try createWithURL(sandbox)
        let new = try #require(sandbox.takeDueCallbacks().first)
        #expect(new.id == old.id)
        sandbox.finishCallback(old, outcome: .answered(200, after: .milliseconds(1)))
        #expect(sandbox.callbacks(account: account).first?.state == .sending, "the old try did not finish the new callback")
        sandbox.finishCallback(new, outcome: .answered(500, after: .milliseconds(1)))
        let first = try #require(sandbox.callbacks(account: account).first)
        #expect(first.state == .pending)
        #expect(first.tries.map(\.statusCode) == [500])
    }
}
