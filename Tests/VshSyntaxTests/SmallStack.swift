import Foundation

/// Holds a thread's result for the thread that waits for it.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Runs `body` on a thread with a 2 MiB stack (a quarter of the 8 MiB a thread gets by default here) and waits for it:
/// recursion that input can deepen must fit there.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 2048 << 10
    thread.start()
    done.wait()
    return box.value!
}
