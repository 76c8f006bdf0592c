import Dispatch
import Synchronization

/// Runs async work from synchronous code and waits for it.
///
/// vsh keeps its main thread synchronous (the REPL's line editor and Ctrl-C need
/// it), and bridges to the async interpreter and transports through this.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await body()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}
