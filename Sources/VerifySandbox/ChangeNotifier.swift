import Synchronization

/// Wakes the requests that wait for the sandbox's state to change (the waiting outbox),
/// instead of each one looking again on a timer: a waiter names the generation it saw,
/// and ``change(after:)`` returns at the next change after it, or at once when one came
/// meanwhile, or when the waiting task is cancelled (its client left).
///
/// Written here rather than taken from a library: it is a condition variable for Swift
/// tasks, a dozen lines over `Mutex` and continuations, and the packages at hand offer
/// none that is cancellable.
final class ChangeNotifier: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// How many changes there have been: what a waiter passes to ``change(after:)``.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Something changed: every waiter wakes.
    func changed() {
        let woken = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the generation is past `seen` (at once if it already is), or when the
    /// task is cancelled.
    func change(after seen: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    // Cancelled before this registers: the handler below found nothing to resume.
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
