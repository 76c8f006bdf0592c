import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import VerifyAPI
import VerifySandbox

/// `GET /__sandbox/events`: the sandbox's events as Server-Sent Events (the WHATWG HTML
/// standard's `text/event-stream`), for the inbox page's `EventSource` and for scripts
/// (`curl -N`). Each event is `id:` (the journal's sequence), `event:` (the kind) and one
/// `data:` line of JSON. The stream starts after the `Last-Event-ID` a reconnecting
/// `EventSource` sends, else after `?after=N`, else at the latest event; a reader that fell behind
/// the journal gets `event: resync` (reload the inbox, then follow on). A comment line
/// every ``heartbeat`` keeps proxies from closing a quiet stream and finds departed readers.
///
/// A stream ends when its client leaves (``ClientDeparture``) or the server shuts down
/// gracefully, at once, so a stream never holds a shutdown for its grace period.
enum EventStream {
    static let heartbeat = Duration.seconds(15)
    /// How long a stream lets events gather after it wrote some, before it looks again.
    static let coalescing = Duration.milliseconds(25)

    /// The header a browser's `EventSource` sends when it reconnects.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// The answer: the stream, or a JSON error (a bad query, bad credentials, too many streams).
    static func response(target: String, headerFields: HTTPFields, sandbox: VerifySandbox) -> Response {
        let request: EventRequest
        switch sandbox.eventRequest(target: target, headerFields: headerFields) {
        case .success(let parsed): request = parsed
        case .failure(let error): return json(sandbox.response(for: error))
        }
        guard sandbox.openEventStream() else { return json(sandbox.response(for: .tooManyStreams)) }
        // Given back when the body is done with, or dropped unrun (a client gone before the head was written).
        let slot = StreamSlot(sandbox: sandbox)
        // A reconnecting EventSource sends its Last-Event-ID to the URL it first opened, `after` and all.
        let start = headerFields[lastEventID].flatMap { UInt64($0.trimmingCharacters(in: " ")) } ?? request.after ?? sandbox.latestEventID
        let account = request.account
        let ending = ClientDeparture.current ?? ClientDeparture()
        return Response(
            status: .ok, headers: Self.headers,
            body: ResponseBody { writer in
                defer { withExtendedLifetime(slot) {} }
                try await writer.write(ByteBuffer(string: "retry: 1000\n: vsh sandbox events\n\n"))
                var cursor = start
                try await withGracefulShutdownHandler {
                    while true {
                        let after = cursor
                        let batch = await ending.cancellingOnDeparture {
                            await sandbox.nextEvents(after: after, account: account, timeout: heartbeat)
                        }
                        if Task.isCancelled || ending.hasLeft { break }
                        cursor = batch.last
                        try await writer.write(ByteBuffer(string: text(of: batch)))
                        // Under a burst (a load test creating thousands of sessions a second), what
                        // comes in the next moment goes out in one write: far fewer wake-ups and
                        // writes for the API to share its cores with; a person sees no difference.
                        if !batch.events.isEmpty, cursor == sandbox.latestEventID { try? await Task.sleep(for: coalescing) }
                    }
                } onGracefulShutdown: {
                    ending.left()
                }
                try await writer.finish(nil)
            })
    }

    /// The headers of the stream (and of its `HEAD`).
    static var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // nginx, a common reverse proxy in front of such a server, would buffer it otherwise.
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return headers
    }

    /// The stream's text for one batch: its events, a `resync`, or (none) a heartbeat comment.
    static func text(of batch: SandboxEventBatch) -> String {
        guard batch.complete else {
            return "id: \(batch.last)\nevent: resync\ndata: {\"last\":\(batch.last)}\n\n"
        }
        guard !batch.events.isEmpty else { return ": keep-alive\n\n" }
        var text = ""
        for event in batch.events {
            // JSON written compactly has no line break: the whole of it is one data line.
            text += "id: \(event.id)\nevent: \(event.kind.rawValue)\ndata: \(event.dataText)\n\n"
        }
        return text
    }

    private static func json(_ answer: APIResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: answer.status), headers: answer.headerFields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// One of the ``EventStreamLimit/maximum`` places, held by a stream's body: given back when
/// the body is released, whether it ran to its end, failed, or never ran at all.
final class StreamSlot: Sendable {
    let sandbox: VerifySandbox
    init(sandbox: VerifySandbox) { self.sandbox = sandbox }
    deinit { sandbox.closeEventStream() }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let start = firstIndex { !set.contains($0) } ?? endIndex
        let end = lastIndex { !set.contains($0) }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
