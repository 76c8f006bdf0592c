import DequeModule
import HTTPTypes
import VerifyAPI

/// One thing that happened in the sandbox, as `GET /__sandbox/events` sends it: an id (the
/// journal's sequence, what a client resumes after), a kind, and JSON data that always
/// names the `auth_id`. Rendered when read, so it shows the state as it is then.
public struct SandboxEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A session was created, resent, validated, expired, or an attempt moved on:
        /// `{"auth_id", "session": <inbox entry>}`.
        case session
        /// A code reached the phone: an outbox message (`session_uuid`, `code`, `text`, …).
        case message
        /// A status callback was taken for sending or tried: its state and tries.
        case callback
        /// The account's clock moved: `{"auth_id", "now"}`.
        case clock
        /// The armed faults changed: `{"auth_id", "faults": […]}`.
        case faults
        /// The account was reset (it is empty): `{"auth_id", "now"}`.
        case reset
    }

    public var id: UInt64
    public var kind: Kind
    public var data: JSONValue
    /// `data` written as compact JSON, on one line (what a `data:` line of the stream carries):
    /// written once, however many streams send it.
    public var dataText: String

    public init(id: UInt64, kind: Kind, data: JSONValue) {
        self.id = id
        self.kind = kind
        self.data = data
        dataText = data.compactText
    }

    /// As the JSON form lists it: `{"id", "type", "data"}`.
    public var json: JSONValue {
        .object(["id": .number(Double(id)), "type": .string(kind.rawValue), "data": data])
    }
}

/// What a reader of the event journal gets.
public struct SandboxEventBatch: Sendable, Equatable {
    public var events: [SandboxEvent]
    /// The id to read after next time (the journal's latest, even when no event here is for the reader's account).
    public var last: UInt64
    /// False when events after the reader's id were lost (the journal is bounded, or the state
    /// was restored): the reader must reload the inbox before it follows again.
    public var complete: Bool

    /// The most journal entries one batch reads, and about the most bytes its events take:
    /// a reader far behind catches up in steps, so neither the lock nor the memory a
    /// reader holds grows with how far behind it is.
    public static let maximumEntries = 256
    public static let maximumBytes = 256 * 1024
}

/// The query of `GET /__sandbox/events`: `after` (an event id; default: from now on) and
/// `account` (one account's events; with credentials, only the caller's).
public struct EventRequest: Sendable, Equatable {
    public var after: UInt64?
    public var account: String?

    init(query: [QueryItem], caller: OutOfBandCaller) throws(SandboxError) {
        for item in query {
            switch item.name {
            case "after":
                guard !item.value.isEmpty, item.value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                    let value = UInt64(item.value)
                else { throw .eventIDInvalid }
                after = value
            case "account": account = item.value
            default: throw .unknownParameter(item.name)
            }
        }
        if let authID = caller.authID {
            // Credentials limit the stream to their account, whatever `account` asks.
            account = authID
        }
    }
}

/// How many event streams a served sandbox keeps open at once; the next is `429`.
public enum EventStreamLimit {
    public static let maximum = 64
}

extension VerifySandbox {
    /// The id of the latest event: where a reader that wants only what comes next starts.
    public var latestEventID: UInt64 { withState { $0.journal.last } }

    /// The events after `id`, of one account or every account (nil): at most one batch
    /// (``SandboxEventBatch/maximumEntries``); ask again after its `last` for more. What they
    /// refer to is copied under the lock and rendered outside it.
    public func events(after id: UInt64, account authID: String? = nil) -> SandboxEventBatch {
        let pending = withState { $0.pendingEvents(after: id, account: authID, limit: SandboxEventBatch.maximumEntries) }
        let maxAttempts = configuration.maxAttempts
        return pending.rendered { item in
            // Each streams reads the same events: the first to read one renders it for all. A
            // later change is a later entry, rendered when read, so a reader never misses it.
            if let cached = renderedEvents.withLock({ $0.event(item.id) }) { return cached }
            let event = item.rendered(maxAttempts: maxAttempts)
            renderedEvents.withLock { $0.keep(event) }
            return event
        }
    }

    /// The query and caller of a `GET /__sandbox/events` request, checked as the sandbox
    /// checks every out-of-band request (a bad query or credentials: the error to answer).
    public func eventRequest(target: String, headerFields: HTTPFields) -> Result<EventRequest, SandboxError> {
        Result { () throws(SandboxError) -> EventRequest in
            let query = target.firstIndex(of: "?").map { QueryItem.decode(target[target.index(after: $0)...]) } ?? []
            return try EventRequest(query: query, caller: Self.caller(headerFields, configuration: configuration))
        }
    }

    /// The events after `id` as soon as there are any (at once when there are), or an empty
    /// batch (with the latest id) when `timeout` passes or the task is cancelled first. It
    /// looks again at each change of the sandbox, never on a timer.
    public func nextEvents(
        after id: UInt64, account authID: String?, timeout: Duration, clock: ContinuousClock = ContinuousClock()
    ) async -> SandboxEventBatch {
        let deadline = clock.now.advanced(by: timeout)
        var cursor = id
        while true {
            let seen = eventChanges.generation
            let batch = events(after: cursor, account: authID)
            if !batch.events.isEmpty || !batch.complete || clock.now >= deadline || Task.isCancelled { return batch }
            cursor = batch.last
            // A batch of other accounts' entries only: read on, there may be more already.
            if cursor < latestEventID { continue }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: deadline, clock: clock) }
                group.addTask { await self.eventChanges.change(after: seen) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Takes one of the ``EventStreamLimit/maximum`` places for a stream; false when none is free.
    public func openEventStream() -> Bool {
        guard openStreams.add(1, ordering: .relaxed).newValue <= EventStreamLimit.maximum else {
            openStreams.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back the place of a stream that ended.
    public func closeEventStream() {
        openStreams.subtract(1, ordering: .relaxed)
    }
}

/// The events rendered lately, by id, for the streams that read them after the first.
struct RenderedEvents: Sendable {
    static let capacity = 4096
    private var byID: [UInt64: SandboxEvent] = [:]
    private var order = Deque<UInt64>()

    func event(_ id: UInt64) -> SandboxEvent? { byID[id] }

    mutating func keep(_ event: SandboxEvent) {
        guard byID.updateValue(event, forKey: event.id) == nil else { return }
        order.append(event.id)
        if order.count > Self.capacity { byID[order.removeFirst()] = nil }
    }
}
