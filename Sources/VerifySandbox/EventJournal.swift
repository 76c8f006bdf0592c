import DequeModule

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

    /// The entries after `sequence`, of one account or every account (nil).
    func read(after sequence: UInt64, account authID: String?) -> Read {
        // A sequence from the future (a stale Last-Event-ID after a restart) reads as "lost".
        guard sequence >= forgottenThrough, sequence <= last else { return Read(entries: [], complete: false, last: last) }
        // Sequences are consecutive in the ring: the first wanted is found by arithmetic.
        let skip = entries.first.map { Int(sequence + 1 - min($0.sequence, sequence + 1)) } ?? 0
        let wanted = entries.dropFirst(skip).filter { authID == nil || $0.authID == authID }
        return Read(entries: Array(wanted), complete: true, last: last)
    }
}
