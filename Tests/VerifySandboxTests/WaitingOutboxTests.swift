import HTTPTypes
import Testing
import VerifyAPI
import Synchronization
@testable import VerifySandbox

/// `waitingOutbox`, in-process: woken by changes, ended by cancellation (the server
/// cancels it when the client leaves), its places given back.
@Suite("The waiting outbox, in-process")
struct WaitingOutboxTests {
    static let target = "/__sandbox/outbox?recipient=%2B14155550100&wait=60s"

    @Test("a create wakes a request waiting for its recipient, long before the deadline")
    func createWakes() async throws {
        let sandbox = makeSandbox()
        let clock = ContinuousClock()
        let started = clock.now
        async let waited = sandbox.waitingOutbox(target: Self.target, headerFields: [:], wait: .seconds(60))
        try await waitUntilWaiting(sandbox, 1)
        // Some changes that bring nothing for it first: it looks again and goes on waiting.
        #expect(sandbox.handle(createRequest(["recipient": "+14155550101"])).status == 202)
        try sandbox.advanceClock(by: .seconds(1))
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"])).status == 202)
        let answer = await waited
        #expect(answer.json?["messages"]?.arrayValue?.map { $0["recipient"]?.stringValue } == ["14155550100"])
        #expect(clock.now - started < .seconds(30), "woken by the create, not at the 60 s deadline")
    }

    @Test("cancelled, it answers at once with what there is, and gives its place back")
    func cancelled() async throws {
        let sandbox = makeSandbox()
        let clock = ContinuousClock()
        let started = clock.now
        // Every place taken, then each waiter cancelled (its client left).
        let waiters = (0..<OutboxWait.maximumWaiting).map { _ in
            Task { await sandbox.waitingOutbox(target: Self.target, headerFields: [:], wait: .seconds(60)) }
        }
        try await waitUntilWaiting(sandbox, OutboxWait.maximumWaiting)
        let refused = await sandbox.waitingOutbox(target: Self.target, headerFields: [:], wait: .seconds(60))
        #expect(refused.status == 429, "the 65th waiting request is refused while 64 wait")
        for waiter in waiters { waiter.cancel() }
        for waiter in waiters {
            let answer = await waiter.value
            #expect(answer.status == 200)
            #expect(answer.json?["messages"] == [])
        }
        #expect(clock.now - started < .seconds(30), "cancelled waits end at once, not at their deadline")
        // Given back: the next request waits (here: till a create brings its message).
        async let next = sandbox.waitingOutbox(target: Self.target, headerFields: [:], wait: .seconds(60))
        try await waitUntilWaiting(sandbox, 1)
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"])).status == 202)
        #expect(await next.json?["messages"]?.arrayValue?.count == 1)
    }
}

/// Until `count` requests wait on the outbox (bounded: 5 s).
func waitUntilWaiting(_ sandbox: VerifySandbox, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<1000 where sandbox.waiting.load(ordering: .relaxed) != count {
        try await Task.sleep(for: .milliseconds(5))
    }
    #expect(sandbox.waiting.load(ordering: .relaxed) == count, sourceLocation: sourceLocation)
}
