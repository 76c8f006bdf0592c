import Synchronization

/// The moment a client closes its side of the connection (or the connection is gone):
/// where a long wait of its request (the waiting outbox, an armed delay) ends, so that it
/// gives back what it holds at once instead of living out its minute for no one.
///
/// An event stream (``EventStream``) also ends this way when the server shuts down: its
/// connection's departure is declared then, as the client will be gone a moment later.
///
/// A client that only half-closes (sends its request, then shuts its writing side, as
/// `nc -N` does) still reads the answer: the wait ends early and answers what there is
/// then, as nginx ends a request whose client closed (its 499).
final class ClientDeparture: Sendable {
    private struct State {
        var left = false
        var nextID = 0
        var onDeparture: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Whether the client has left (or been declared gone).
    var hasLeft: Bool { state.withLock { $0.left } }

    /// The client left: every wait of its requests is cancelled, and any that starts later is at once.
    func left() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.left else { return [] }
            state.left = true
            defer { state.onDeparture = [:] }
            return Array(state.onDeparture.values)
        }
        for action in actions { action() }
    }

    /// Runs `body` in a task that is cancelled when the client leaves (or the caller's task
    /// is), and returns what it returns: `body` ends early on cancellation with what it has.
    func cancellingOnDeparture<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await body() }
        let id = state.withLock { state -> Int? in
            guard !state.left else { return nil }
            state.nextID += 1
            state.onDeparture[state.nextID] = { task.cancel() }
            return state.nextID
        }
        if id == nil { task.cancel() }
        // Unregistered when done: a keep-alive connection's many requests leave nothing behind.
        defer { if let id { _ = state.withLock { $0.onDeparture.removeValue(forKey: id) } } }
        return await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
    }

    /// The departure of the client whose request this task answers, set for each
    /// connection's task by ``SandboxHTTP1Channel``; nil without one (the router test client).
    @TaskLocal static var current: ClientDeparture?
}
