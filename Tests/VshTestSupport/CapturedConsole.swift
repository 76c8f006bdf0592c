import Synchronization
import VshSystem

/// A console that keeps what is written, in order, for a test to read.
public final class CapturedConsole: Sendable {
    private let chunks = Mutex<[(Console.Stream, String)]>([])

    public init() {}

    /// The console to hand to the code under test (no colour).
    public var console: Console {
        Console(color: false) { [self] stream, text in chunks.withLock { $0.append((stream, text)) } }
    }

    /// Everything written, both streams, in order.
    public var value: String { chunks.withLock { $0.map(\.1).joined() } }
    /// What went to standard output.
    public var output: String { chunks.withLock { $0.filter { $0.0 == .output }.map(\.1).joined() } }
    /// What went to standard error.
    public var errors: String { chunks.withLock { $0.filter { $0.0 == .error }.map(\.1).joined() } }
}
