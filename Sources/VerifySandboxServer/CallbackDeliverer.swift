import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import VerifyAPI
import VerifySandbox

/// Sends the sandbox's status callbacks over HTTP, off the request path: it waits on
/// ``VerifySandbox/callbacksDue``, takes what is due, sends each (signed as Plivo signs,
/// within a timeout) and reports the outcome, which schedules Plivo's retries on the
/// account's virtual clock. A failure is a log line, never fatal.
struct CallbackDeliverer: Service {
    let sandbox: VerifySandbox
    let timeout: Duration
    let logger: Logger
    /// Callbacks in flight at once.
    static let concurrency = 16
    /// The most of a receiver's answer read (and thrown away).
    static let maxAnswerBytes = 64 * 1024

    func run() async throws {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(Int64(max(1, timeout.components.seconds))))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let inFlight = InFlight()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await _ in sandbox.callbacksDue.cancelOnGracefulShutdown() {
                    // Each callback in a task of its own: a receiver that hangs holds its slot,
                    // never the others' (nor another account's).
                    let free = inFlight.count.withLock { Self.concurrency - $0 }
                    guard free > 0 else { continue }
                    let jobs = sandbox.takeDueCallbacks(limit: free)
                    inFlight.count.withLock { $0 += jobs.count }
                    for job in jobs {
                        group.addTask {
                            let outcome = await send(job, with: client)
                            inFlight.count.withLock { $0 -= 1 }
                            // Cut short by the shutdown: not a try (it goes back to the queue below).
                            guard let outcome else { return }
                            // Signals again when more is due (the session's next callback, say).
                            sandbox.finishCallback(job, outcome: outcome)
                        }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {}
        sandbox.requeueCallbacks()
        try? await client.shutdown()
    }

    /// One try; nil when the server is shutting down (the try does not count).
    func send(_ job: CallbackJob, with client: HTTPClient) async -> CallbackOutcome? {
        let clock = ContinuousClock()
        let start = clock.now
        let form = QueryItem.encode(job.parameters)
        var request: HTTPClientRequest
        if job.method == "GET" {
            request = HTTPClientRequest(url: job.url + (job.url.contains("?") ? "&" : "?") + form)
            request.method = .GET
        } else {
            request = HTTPClientRequest(url: job.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let nonce = CallbackSignature.makeNonce()
        let signature = CallbackSignature.sign(url: job.url, nonce: nonce, token: job.token)
        request.headers.add(name: "User-Agent", value: "vsh-sandbox (Plivo Verify callbacks)")
        request.headers.add(name: CallbackSignature.signature, value: signature)
        request.headers.add(name: CallbackSignature.mainAccountSignature, value: signature)
        request.headers.add(name: CallbackSignature.nonce, value: nonce)
        // Never the query in a log line: it may carry the app's own secrets.
        let shown = "\(job.method) \(StatusCallback.displayURL(job.url))"
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            _ = try? await response.body.collect(upTo: Self.maxAnswerBytes)
            let status = Int(response.status.code)
            let after = clock.now - start
            if status == 200 {
                logger.info("callback \(job.id) \(shown) → 200")
            } else {
                logger.warning("callback \(job.id) \(shown) → \(status); retried as Plivo retries")
            }
            return .answered(status, after: after)
        } catch {
            if Task.isCancelled || error is CancellationError { return nil }
            let reason = Self.describe(error)
            logger.warning("callback \(job.id) \(shown) failed: \(reason)")
            return .failed(reason, after: clock.now - start)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) { return "timed out" }
            if error == .remoteConnectionClosed { return "the receiver closed the connection" }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "not a URL the sandbox can send to" }
            return "\(error)"
        }
        if let error = error as? IOError { return "connection failed (\(error.description))" }
        return "\(error)"
    }
}

/// The number of callbacks being sent, shared by the deliverer's tasks.
private final class InFlight: Sendable {
    let count = Mutex(0)
}
