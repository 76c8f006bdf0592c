import Foundation

/// Runs blocking or CPU-heavy test work on a thread of its own, off Swift's cooperative pool
/// (two threads on a 2-core machine): the prompt's loop blocks while each statement's task
/// runs, and a test that holds a pool thread for seconds starves the network tests'
/// event-loop callbacks into false timeouts. The thread has a 16 MiB stack, as the main
/// thread has. Assert on the result outside.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 16 << 20
        thread.start()
    }
}
