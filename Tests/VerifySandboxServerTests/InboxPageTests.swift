import AsyncHTTPClient
import Dispatch
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import VerifyAPI
import VerifySandbox
@testable import VerifySandboxServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A raw connection that sends one request and keeps what the server writes, read on a
/// thread of its own: for an answer that does not end (the event stream).
final class StreamingConnection: Sendable {
    private let descriptor: Int32
    private let received = Mutex<[UInt8]>([])
    private let closed = Atomic<Bool>(false)

    init?(port: Int, request: String) {
        descriptor = tcpConnect(port: port)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        DispatchQueue(label: "streaming-connection").async { [self] in
            var buffer = [UInt8](repeating: 0, count: 8192)
            while !closed.load(ordering: .acquiring) {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count == 0 { break }
                if count > 0 { received.withLock { $0 += buffer[0..<count] } }
            }
        }
    }

    var text: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }

    /// Waits (10 s at most) until what was received contains `wanted`.
    func waitFor(_ wanted: String, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if text.contains(wanted) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return text.contains(wanted)
    }

    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        // The reader notices within its 100 ms timeout; the descriptor goes after it.
        let descriptor = descriptor
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { closeSocket(descriptor) }
    }

    deinit { close() }
}

private func closeSocket(_ descriptor: Int32) { close(descriptor) }

/// A server whose sandbox keeps its event journal, as `vsh sandbox serve`'s does.
private func makeWatchedServer() -> SandboxServer {
    makeServer(sandbox: VerifySandbox(configuration: .init(authToken: token, keepsEvents: true, acceptsInboxControls: true, seed: 7, startTime: start)))
}

@Suite("The inbox page and the event stream, over HTTP")
struct InboxPageTests {
    @Test func thePageAndItsFilesAreServedFromTheBinary() async throws {
        try await makeWatchedServer().withRunningServer { address in
            let page = try await send(address.url, .GET, "/", auth: nil)
            #expect(page.status == 200)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.hasPrefix("<!doctype html>"))
            #expect(page.text.contains("/__sandbox/ui/inbox.js"))
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            for (path, type) in [
                ("/__sandbox/ui/inbox.js", "text/javascript; charset=utf-8"), ("/__sandbox/ui/inbox.css", "text/css; charset=utf-8"),
                ("/__sandbox/ui/icon.svg", "image/svg+xml"),
            ] {
                let file = try await send(address.url, .GET, path, auth: nil)
                #expect(file.status == 200, "\(path)")
                #expect(file.headers[.contentType] == type, "\(path)")
                #expect(!file.body.isEmpty)
                #expect(!file.text.contains(token), "no token in \(path)")
            }
            let script = try await send(address.url, .GET, "/__sandbox/ui/inbox.js", auth: nil).text
            #expect(!script.contains("Authorization"), "the page sends no credentials")
            #expect(!script.contains("innerHTML"), "the page puts no server text in as markup")
            expectError(try await send(address.url, .GET, "/__sandbox/ui/other.js", auth: nil), 404, "not found")
            expectError(try await send(address.url, .POST, "/", json: "{}", auth: nil), 405, "method not allowed")
            // HEAD: the GET's headers, no body.
            let head = try await rawExchange(port: address.port, Array("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(head.hasPrefix("HTTP/1.1 200 OK"))
            #expect(head.contains("Content-Length: \(page.body.count)"))
            #expect(head.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func theStreamSendsEachChangeAsItHappens() async throws {
        try await makeWatchedServer().withRunningServer { address in
            let stream = try #require(
                StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"))
            defer { stream.close() }
            #expect(await stream.waitFor("retry: 1000\n"))
            #expect(stream.text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(stream.text.contains("Content-Type: text/event-stream; charset=utf-8"))
            #expect(stream.text.contains("Cache-Control: no-store"))
            let created = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550100"}"#)
            let uuid = try #require(created["session_uuid"]?.stringValue)
            #expect(await stream.waitFor("event: message\n"))
            #expect(stream.text.contains("id: 1\nevent: session\ndata: {\"auth_id\":\"\(account)\",\"session\":{\"session_uuid\":\"\(uuid)\""))
            #expect(stream.text.contains("id: 2\nevent: message\ndata: {\"auth_id\":\"\(account)\",\"session_uuid\":\"\(uuid)\""))
            _ = try await send(address.url, .POST, "/__sandbox/clock", json: #"{"advance": "11m"}"#)
            #expect(await stream.waitFor("event: clock\n"))
            #expect(await stream.waitFor("\"status\":\"expired\""))
            #expect(!stream.text.contains(token))
        }
    }

    @Test func aReconnectingReaderResumesAfterItsLastEventID() async throws {
        try await makeWatchedServer().withRunningServer { address in
            _ = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550100"}"#)
            _ = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550101"}"#)
            let resumed = try #require(
                StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 2\r\n\r\n"))
            defer { resumed.close() }
            #expect(await resumed.waitFor("id: 4\n"))
            #expect(!resumed.text.contains("id: 2\n") && resumed.text.contains("id: 3\n"))
            // The header wins over `after` (a reconnecting EventSource keeps its first URL); one from the future says reload.
            let reconnected = try #require(
                StreamingConnection(port: address.port, request: "GET /__sandbox/events?after=0 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 3\r\n\r\n"))
            defer { reconnected.close() }
            #expect(await reconnected.waitFor("id: 4\n"))
            #expect(!reconnected.text.contains("id: 1\n") && !reconnected.text.contains("id: 3\n"))
            let stale = try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events?after=99 HTTP/1.1\r\nHost: x\r\n\r\n"))
            defer { stale.close() }
            #expect(await stale.waitFor("event: resync\ndata: {\"last\":4}\n"))
            let bad = try await send(address.url, .GET, "/__sandbox/events?after=soon", auth: nil)
            expectError(bad, 400, "after must be an event id (a whole number)")
        }
    }

    @Test func aStreamDoesNotHoldTheShutdown() async throws {
        var configuration = makeWatchedServer().configuration
        configuration.shutdownGracePeriod = .seconds(30)
        let server = SandboxServer(configuration: configuration)
        let clock = ContinuousClock()
        var stopping = clock.now
        var stream: StreamingConnection?
        try await server.withRunningServer { address in
            stream = StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await stream?.waitFor("retry: 1000") == true)
            stopping = clock.now
        }
        // Were the stream left to the grace period, this would take 30 s.
        #expect(clock.now - stopping < .seconds(10))
        #expect(await stream?.waitFor("0\r\n\r\n", timeout: .seconds(2)) == true, "the stream's chunked body ends")
        stream?.close()
    }

    @Test func streamsAreCappedAndAClientThatLeavesGivesItsPlaceBack() async throws {
        try await makeWatchedServer().withRunningServer { address in
            var streams: [StreamingConnection] = []
            for _ in 0..<EventStreamLimit.maximum {
                let stream = try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n"))
                streams.append(stream)
            }
            for stream in streams { #expect(await stream.waitFor("retry: 1000")) }
            expectError(try await send(address.url, .GET, "/__sandbox/events", auth: nil), 429, SandboxError.tooManyStreams.text)
            streams.removeLast().close()
            // Its place comes back once the server sees it gone (at once on a close).
            var reopened: StreamingConnection?
            for _ in 0..<100 {
                let attempt = try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n"))
                if await attempt.waitFor("\r\n\r\n", timeout: .seconds(2)), attempt.text.hasPrefix("HTTP/1.1 200") {
                    reopened = attempt
                    break
                }
                attempt.close()
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(reopened != nil)
            reopened?.close()
            for stream in streams { stream.close() }
        }
    }

    @Test func thePageHeaderIsTakenOnlyFromThePage() async throws {
        try await makeServer(sandbox: VerifySandbox(configuration: .init(authToken: token, keepsEvents: true, acceptsInboxControls: true)))
            .withRunningServer { address in
                _ = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550100"}"#)
                func reset(_ headers: String) async throws -> String {
                    try await rawExchange(
                        port: address.port,
                        Array("POST /__sandbox/reset HTTP/1.1\r\n\(headers)X-Vsh-Account: \(account)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                }
                let port = address.port
                for (foreign, refusal) in [
                    ("Host: 127.0.0.1:\(port)\r\nOrigin: http://evil.example\r\n", SandboxError.inboxControlsForeign),
                    ("Host: evil.example:\(port)\r\nOrigin: http://evil.example:\(port)\r\n", .browserHostForeign),
                    ("Host: 127.0.0.1.evil.example:\(port)\r\n", .inboxControlsForeign),
                    ("Host: 127.0.0.1:\(port)\r\nSec-Fetch-Site: cross-site\r\n", .inboxControlsForeign),
                    ("Host: 127.0.0.1:\(port)\r\nOrigin: null\r\n", .inboxControlsForeign),
                ] {
                    let answer = try await reset(foreign)
                    #expect(answer.hasPrefix("HTTP/1.1 403"), "\(foreign.debugDescription): \(answer)")
                    #expect(answer.contains(refusal.text), "\(foreign.debugDescription)")
                }
                let reads = try await send(address.url, .GET, "/__sandbox/inbox", auth: nil)
                #expect(reads["accounts"]?.arrayValue?.count == 1, "nothing was reset")
                let fromThePage = try await reset("Host: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\nSec-Fetch-Site: same-origin\r\n")
                #expect(fromThePage.hasPrefix("HTTP/1.1 200"), "\(fromThePage)")
                let localhost = try await reset("Host: localhost:\(port)\r\n")
                #expect(localhost.hasPrefix("HTTP/1.1 200"), "\(localhost)")
            }
    }

    @Test func whichTargetsAreThePageAndTheStream() {
        for page in ["/", "/?utm=1", "/index.html", "/__sandbox/ui/inbox.js", "/__sandbox/ui/inbox.css?v=2", "/__sandbox/ui/icon.svg"] {
            #expect(InboxPage.asset(target: page) != nil, "\(page)")
        }
        for other in ["/v1/Account/x/Verify/Session/", "/__sandbox/ui/", "/__sandbox/ui/x.js", "/index.htm", "/i", "//", "", "/__sandbox/outbox"] {
            #expect(InboxPage.asset(target: other) == nil, "\(other)")
        }
        for stream in ["/__sandbox/events", "/__sandbox/events/", "/__sandbox/events?after=1", "/__sandbox/events/?after=1"] {
            #expect(SandboxResponder.isEventStream(stream), "\(stream)")
        }
        for other in ["/__sandbox/eventsx", "/__sandbox/events/x", "/__sandbox/event", "/__sandbox/outbox"] {
            #expect(!SandboxResponder.isEventStream(other), "\(other)")
        }
    }

    @Test func localAuthorities() {
        for local in [
            "127.0.0.1:8790", "127.0.0.1", "[::1]:8790", "[::1]", "localhost:8790", "LOCALHOST", "app.localhost:80", "10.0.0.7:8790",
            "devbox:8790", "DevBox",
        ] {
            #expect(InboxPage.isLocal(authority: local, allowedHosts: ["devbox"]), "\(local)")
        }
        for foreign in [
            "evil.example:8790", "127.0.0.1.evil.example", "localhost.evil.example", "256.1.1.1", "1.2.3", "01.2.3.4", "[::1",
            "", "[::1].evil.example", "[]", "[::1]x", "127.0.0.1:8790 evil", "127.0.0.1:", "127.0.0.1:123456", ".localhost", "localhost.",
            "devbox.evil.example",
        ] {
            #expect(!InboxPage.isLocal(authority: foreign, allowedHosts: ["devbox"]), "\(foreign)")
        }
    }

    @Test func aBrowserIsServedOnlyAtALocalName() async throws {
        var configuration = makeWatchedServer().configuration
        configuration.allowedHosts = ["sandbox"]
        try await SandboxServer(configuration: configuration).withRunningServer { address in
            func inbox(_ headers: String) async throws -> String {
                try await rawExchange(port: address.port, Array("GET /__sandbox/inbox HTTP/1.1\r\n\(headers)Connection: close\r\n\r\n".utf8))
            }
            // A page at a rebound name reads nothing: not the inbox, not the page, not the stream.
            for request in [
                "Host: evil.example:\(address.port)\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\n",
                "Host: evil.example\r\nOrigin: http://evil.example\r\n",
            ] {
                let answer = try await inbox(request)
                #expect(answer.hasPrefix("HTTP/1.1 403"), "\(answer)")
                #expect(answer.contains(SandboxError.browserHostForeign.text))
            }
            let page = try await rawExchange(
                port: address.port, Array("GET / HTTP/1.1\r\nHost: evil.example\r\nSec-Fetch-Mode: navigate\r\nConnection: close\r\n\r\n".utf8))
            #expect(page.hasPrefix("HTTP/1.1 403"))
            let stream = try await rawExchange(
                port: address.port,
                Array("GET /__sandbox/events HTTP/1.1\r\nHost: evil.example\r\nSec-Fetch-Mode: cors\r\nConnection: close\r\n\r\n".utf8))
            #expect(stream.hasPrefix("HTTP/1.1 403"))
            // A client that is no browser (an SDK, curl, a container by its service name) is served as before.
            #expect(try await inbox("Host: some-service:8790\r\n").hasPrefix("HTTP/1.1 200"))
            // A browser at this machine's address, or at an --allow-host name, is served.
            #expect(try await inbox("Host: 127.0.0.1:\(address.port)\r\nSec-Fetch-Site: same-origin\r\n").hasPrefix("HTTP/1.1 200"))
            #expect(try await inbox("Host: sandbox:\(address.port)\r\nSec-Fetch-Site: same-origin\r\n").hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aStreamResetByItsClientGivesItsPlaceBack() async throws {
        try await makeWatchedServer().withRunningServer { address in
            // Twice the cap of clients that connect, ask, and reset (an RST, no FIN).
            for _ in 0..<(2 * EventStreamLimit.maximum) {
                let descriptor = tcpConnect(port: address.port)
                #expect(descriptor >= 0)
                let request = Array("GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
                _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                closeSocket(descriptor)
            }
            // Every place comes back (each once the server sees its connection gone).
            var served = false
            for _ in 0..<200 where !served {
                let probe = try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n"))
                served = await probe.waitFor("\r\n\r\n", timeout: .seconds(2)) && probe.text.hasPrefix("HTTP/1.1 200")
                probe.close()
                if !served { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(served, "a stream is served after the resets")
            var streams: [StreamingConnection] = []
            for _ in 0..<(EventStreamLimit.maximum - 1) {
                streams.append(try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events HTTP/1.1\r\nHost: x\r\n\r\n")))
            }
            var all = true
            for stream in streams { all = await stream.waitFor("retry: 1000") && all }
            #expect(all, "all but one of the places are free again")
            for stream in streams { stream.close() }
        }
    }

    @Test func headAndASlashAreTheStreamToo() async throws {
        try await makeWatchedServer().withRunningServer { address in
            let head = try await rawExchange(port: address.port, Array("HEAD /__sandbox/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.contains("Content-Type: text/event-stream; charset=utf-8"))
            #expect(!head.contains("retry:"))
            let slash = try #require(StreamingConnection(port: address.port, request: "GET /__sandbox/events/ HTTP/1.1\r\nHost: x\r\n\r\n"))
            defer { slash.close() }
            #expect(await slash.waitFor("retry: 1000"))
            #expect(slash.text.contains("text/event-stream"))
        }
    }

}
