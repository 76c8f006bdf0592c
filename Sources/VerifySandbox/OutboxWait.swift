import HTTPTypes
import Synchronization
import VerifyAPI

/// `GET /__sandbox/outbox?…&wait=10s`: the answer as soon as a message matching the
/// filters has reached the phone, or the empty list at the deadline. For tests that drive
/// a browser or a phone UI and need the code the moment it is "sent", without a polling
/// loop of their own.
public enum OutboxWait {
    /// The longest wait a request may ask for.
    public static let maximum = Duration.seconds(60)
    /// Requests waiting at once; the next is `429`. Each one looks again at every change.
    public static let maximumWaiting = 64

    /// The `wait` of a query: a duration of at most ``maximum``.
    public static func duration(_ text: String) -> Duration? {
        guard case .success(let duration) = DurationText.read(text), duration <= maximum else { return nil }
        return duration
    }

    /// The `wait` of a request to the outbox, if it asks for one and it is valid.
    public static func requested(target: String) -> Duration? {
        guard target.hasPrefix(SandboxPath.outbox), let mark = target.firstIndex(of: "?") else { return nil }
        return QueryItem.decode(target[target.index(after: mark)...]).last { $0.name == "wait" }.flatMap { duration($0.value) }
    }
}

extension VerifySandbox {
    /// Whether waiting can be rewarded: a `session_uuid` of no session, or a `recipient` that
    /// is no phone number, will never get a message, so the answer comes at once.
    func messageCanArrive(target: String) -> Bool {
        guard let mark = target.firstIndex(of: "?") else { return true }
        for item in QueryItem.decode(target[target.index(after: mark)...]) {
            switch item.name {
            case "session_uuid" where outbox(sessionUUID: item.value).isEmpty && !hasSession(item.value): return false
            case "recipient" where PhoneNumber.normalize(PhoneNumber.filterForm(item.value)) == nil: return false
            default: continue
            }
        }
        return true
    }

    /// The outbox's answer to `target` as soon as it lists a message: asked again at each
    /// change of the sandbox's state (a create, a clock move, a reset), never on a timer,
    /// until `wait` has passed or the task is cancelled (the client left).
    public func waitingOutbox(
        target: String, headerFields: HTTPFields, wait: Duration, clock: ContinuousClock = ContinuousClock()
    ) async -> APIResponse {
        let deadline = clock.now.advanced(by: wait)
        guard messageCanArrive(target: target) else { return handle(method: .get, target: target, headerFields: headerFields, body: []) }
        guard waiting.add(1, ordering: .relaxed).newValue <= OutboxWait.maximumWaiting else {
            waiting.subtract(1, ordering: .relaxed)
            return response(for: .tooManyWaiting)
        }
        defer { waiting.subtract(1, ordering: .relaxed) }
        while true {
            // The generation before the look: a change during it wakes the wait below at once.
            let seen = changes.generation
            let response = handle(method: .get, target: target, headerFields: headerFields, body: [])
            let found = response.json?["messages"]?.arrayValue?.isEmpty == false
            if found || response.status != 200 || clock.now >= deadline || Task.isCancelled { return response }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: deadline, clock: clock) }
                group.addTask { await self.changes.change(after: seen) }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
