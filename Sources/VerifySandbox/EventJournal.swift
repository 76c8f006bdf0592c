import DequeModule
import VerifyAPI

/// Something in an account that a watcher of the sandbox (the inbox page, a script on
/// `GET /__sandbox/events`) would want to see: a reference, not a copy, so the event
/// shows the state as it is when it is read.
enum SandboxChange: Sendable, Hashable {
    /// A session was created, resent, validated (right, wrong or refused), expired, or
    /// one of its attempts moved on as the clock passed.
    case session(uuid: String)
    /// A code reached the phone (an outbox message).
    case message(session: String, attempt: String)
    /// A status callback was taken for sending or tried.
    case callback(id: Int)
    /// The account's clock moved.
    case clock
    /// A fault was armed, used or cleared.
    case faults
    /// The account was reset: it is empty again.
    case reset

    /// Changes that are events each time they happen, not a state to show: a message, a reset.
    var isEachTime: Bool {
        switch self {
        case .message, .reset: true
        default: false
        }
    }
}

/// A journal entry with what it refers to, copied under the lock, rendered outside it.
struct PendingEvent: Sendable {
    enum Source: Sendable {
        case session(SessionRecord, now: Timestamp)
        case message(OutboxMessage)
        case callback(StatusCallback)
        case clock(now: Timestamp)
        case faults([SandboxFault])
        case reset(now: Timestamp)
    }

    var id: UInt64
    var authID: String
    var source: Source

    func rendered(maxAttempts: Int) -> SandboxEvent {
        func make(_ kind: SandboxEvent.Kind, _ pairs: [(key: String, value: JSONValue)]) -> SandboxEvent {
            SandboxEvent(id: id, kind: kind, data: .object([(key: "auth_id", value: .string(authID))] + pairs))
        }
        switch source {
        case .session(let session, let now):
            return make(.session, [("session", InboxView.entry(session, authID: authID, now: now, maxAttempts: maxAttempts))])
        case .message(let message):
            guard case .object(let pairs) = message.json else { return make(.message, []) }
            return make(.message, pairs.filter { $0.key != "auth_id" })
        case .callback(let callback):
            return make(.callback, InboxView.callbackFields(callback).filter { $0.key != "kind" })
        case .clock(let now):
            return make(.clock, [("now", .string(now.iso8601))])
        case .faults(let faults):
            return make(.faults, [("faults", .array(faults.map(\.json)))])
        case .reset(let now):
            return make(.reset, [("now", .string(now.iso8601))])
        }
    }

    /// About how many bytes the event's JSON takes: what a batch is kept under.
    var estimatedSize: Int {
        switch source {
        case .session(let session, _):
            500 + 2 * ((session.brandName?.utf8.count ?? 0) + (session.appHash?.utf8.count ?? 0))
        case .message(let message): 400 + message.text.utf8.count
        case .callback(let callback): 400 + callback.url.utf8.count + 100 * callback.tries.count
        case .clock, .reset: 100
        case .faults(let faults): 100 + 150 * faults.count
        }
    }
}

/// The pending events of one read of the journal.
struct PendingEvents: Sendable {
    var items: [PendingEvent]
    var last: UInt64
    var complete: Bool

    /// The events, rendered, as far as ``SandboxEventBatch/maximumBytes`` allows: a batch
    /// cut short ends at its last event, and the reader asks after it next time.
    func rendered(maxAttempts: Int) -> SandboxEventBatch {
        rendered { $0.rendered(maxAttempts: maxAttempts) }
    }

    func rendered(_ render: (PendingEvent) -> SandboxEvent) -> SandboxEventBatch {
        guard complete else { return SandboxEventBatch(events: [], last: last, complete: false) }
        var events: [SandboxEvent] = []
        var bytes = 0
        for item in items {
            if !events.isEmpty, bytes + item.estimatedSize > SandboxEventBatch.maximumBytes {
                return SandboxEventBatch(events: events, last: events[events.count - 1].id, complete: true)
            }
            bytes += item.estimatedSize
            events.append(render(item))
        }
        return SandboxEventBatch(events: events, last: last, complete: true)
    }
}

/// The recent changes of every account, numbered in one sequence: what the event stream
/// reads. A ring of ``capacity`` entries; a reader who asks for changes older than the
/// ring holds is told so (``Read/complete`` false) and starts again from a fresh inbox,
/// as a Kubernetes watch does after `410 Gone`.
struct EventJournal: Sendable {
    struct Entry: Sendable, Equatable {
        var sequence: UInt64
        var authID: String
        var change: SandboxChange
    }

    /// What a reader gets: the entries after its sequence, and whether nothing was lost.
    struct Read {
        var entries: [Entry]
        /// False when changes after the reader's sequence were dropped (or the sandbox's
        /// state was replaced whole): it must reload what it shows.
        var complete: Bool
        /// The sequence to ask after next time.
        var last: UInt64
    }

    static let capacity = 10_000

    private(set) var entries: Deque<Entry> = []
    /// The sequence of the latest change; 0 before the first.
    private(set) var last: UInt64 = 0
    /// Changes at or before this one can no longer be read in full (dropped, or a restore).
    private var forgottenThrough: UInt64 = 0

    mutating func append(_ change: SandboxChange, account authID: String) {
        last += 1
        entries.append(Entry(sequence: last, authID: authID, change: change))
        if entries.count > Self.capacity {
            forgottenThrough = entries.removeFirst().sequence
        }
    }

    /// Everything before now is void: the state was replaced (a restore).
    mutating func forgetAll() {
        last += 1
        forgottenThrough = last
        entries.removeAll()
    }

    /// The entries after `sequence`, of one account or every account (nil): at most `limit`
    /// of the journal's entries are looked at, and `last` is the last of them (the journal's
    /// latest when it has no more), so a reader far behind catches up in steps.
    func read(after sequence: UInt64, account authID: String?, limit: Int = .max) -> Read {
        // A sequence from the future (a stale Last-Event-ID after a restart) reads as "lost".
        guard sequence >= forgottenThrough, sequence <= last else { return Read(entries: [], complete: false, last: last) }
        // Sequences are consecutive in the ring: the first wanted is found by arithmetic.
        let skip = entries.first.map { Int(sequence + 1 - min($0.sequence, sequence + 1)) } ?? 0
        let looked = entries.dropFirst(skip).prefix(limit)
        let wanted = looked.filter { authID == nil || $0.authID == authID }
        return Read(entries: Array(wanted), complete: true, last: looked.last?.sequence ?? last)
    }
}
