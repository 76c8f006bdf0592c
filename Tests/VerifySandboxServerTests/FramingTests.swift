import Dispatch
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// HTTP framing on a raw loopback socket: every answer has its length, connections close
/// when HTTP says so, and whatever a client sends, the server answers the next request.
@Suite("HTTP framing on a raw socket")
struct FramingTests {
    @Test("HTTP/1.0 without keep-alive: Connection: close, the length, then the server closes")
    func http10Close() async throws {
        try await makeServer().withRunningServer { address in
            let (answers, closed) = try await RawConnection.exchange(port: address.port, "GET /__sandbox/clock HTTP/1.0\r\n\r\n")
            let answer = try #require(answers.first)
            #expect(answers.count == 1)
            #expect(answer.status == 200)
            #expect(answer.header("connection") == "close")
            #expect(answer.header("content-length") == String(answer.body.count))
            #expect(answer.text.hasPrefix(#"{"now":"#))
            #expect(closed, "the server closed the connection")
            try await expectStillServing(address)
        }
    }

    @Test("HTTP/1.0 with keep-alive, and HTTP/1.1: the connection stays open for the next request")
    func keepAlive() async throws {
        try await makeServer().withRunningServer { address in
            let request10 = "GET /__sandbox/clock HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            let request11 = "GET /__sandbox/outbox HTTP/1.1\r\nHost: x\r\n\r\n"
            let (answers, _) = try await RawConnection.exchange(
                port: address.port, request10 + request11 + "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            try #require(answers.count == 3)
            #expect(answers[0].header("connection") == "keep-alive")
            #expect(answers[1].status == 200 && answers[1].header("connection") == nil)
            #expect(answers[1].text == #"{"messages":[]}"#)
            #expect(answers[2].header("connection") == "close")
        }
    }

    @Test("Connection: Close in any case closes, after the answer")
    func closeInAnyCase() async throws {
        try await makeServer().withRunningServer { address in
            let (answers, closed) = try await RawConnection.exchange(
                port: address.port,
                "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\nGET /__sandbox/clock HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(answers.count == 1, "nothing after a close request is answered")
            #expect(answers.first?.header("connection") == "close")
            #expect(closed)
        }
    }

    @Test("HEAD on every GET endpoint: the GET answer's status and headers, Content-Length of its body, no body")
    func head() async throws {
        let sandbox = makeSandbox()
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let created = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550100"}"#)
            let uuid = try #require(created["session_uuid"]?.stringValue)
            let auth = "Authorization: \(basicAuth())\r\n"
            let targets = [
                ("/__sandbox/clock", ""), ("/__sandbox/outbox?session_uuid=\(uuid)", ""), (sessions, auth), (session(uuid), auth),
                (session("8e712097-8090-4644-81e7-8f4265d8354e"), auth), ("/nope", ""), (sessions, ""),
            ]
            for (target, headers) in targets {
                // HEAD then GET on one connection: the GET's answer starts right after the HEAD's headers.
                let head = "HEAD \(target) HTTP/1.1\r\nHost: x\r\n\(headers)\r\n"
                let get = "GET \(target) HTTP/1.1\r\nHost: x\r\n\(headers)Connection: close\r\n\r\n"
                let (answers, _) = try await RawConnection.exchange(port: address.port, head + get, heads: [true, false])
                try #require(answers.count == 2, "\(target)")
                #expect(answers[0].status == answers[1].status, "\(target)")
                #expect(answers[0].body.isEmpty, "\(target)")
                #expect(answers[0].header("content-length") == String(answers[1].body.count), "\(target)")
                #expect(answers[0].header("content-type") == answers[1].header("content-type"), "\(target)")
                #expect(answers[0].header("allow") == answers[1].header("allow"), "\(target)")
            }
            // HEAD never changes anything, and 405s name it wherever GET is allowed.
            #expect(sandbox.outbox().count == 1)
            let (answers, _) = try await RawConnection.exchange(
                port: address.port,
                "DELETE \(session(uuid)) HTTP/1.1\r\nHost: x\r\n\(auth)\r\nPUT /__sandbox/outbox HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            try #require(answers.count == 2)
            #expect(answers[0].status == 405 && answers[0].header("allow") == "GET, HEAD, POST")
            #expect(answers[1].status == 405 && answers[1].header("allow") == "GET, HEAD")
        }
    }

    @Test("CONNECT: 405 in Plivo's error shape, with its length; then the connection closes")
    func connect() async throws {
        try await makeServer().withRunningServer { address in
            let (answers, closed) = try await RawConnection.exchange(
                port: address.port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
            let answer = try #require(answers.first)
            #expect(answer.status == 405)
            #expect(answer.header("content-length") == String(answer.body.count))
            #expect(answer.header("allow") == "GET, HEAD, POST")
            #expect(answer.header("connection") == "close")
            expectErrorBody(answer, "method not allowed")
            #expect(closed)
            try await expectStillServing(address)
        }
    }

    @Test("OPTIONS, TRACE, other methods and odd targets: JSON errors with their lengths")
    func oddMethodsAndTargets() async throws {
        try await makeServer().withRunningServer { address in
            let auth = "Authorization: \(basicAuth())\r\n"
            let cases: [(request: String, status: Int, error: String, allow: String?)] = [
                ("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed", "GET, HEAD, POST"),
                ("OPTIONS \(sessions) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n", 405, "method not allowed", "GET, HEAD, POST"),
                ("OPTIONS /__sandbox/clock HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed", "GET, HEAD, POST"),
                ("TRACE /__sandbox/outbox HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed", "GET, HEAD"),
                // `/` is the inbox page: GET and HEAD only.
                ("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed", "GET, HEAD"),
                ("TRACE /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not found", nil),
                ("PROPFIND /__sandbox/clock HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed", "GET, HEAD, POST"),
                ("PATCH \(sessions) HTTP/1.1\r\nHost: x\r\n\r\n", 401, "authentication failed", nil),
                ("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request target must be a path", nil),
                // An absolute-form target is served by its path (RFC 9112 §3.2.2).
                ("GET http://127.0.0.1:\(address.port)/__sandbox/outbox HTTP/1.1\r\nHost: x\r\n\r\n", 200, "", nil),
            ]
            let all = cases.map(\.request).joined() + "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let (answers, _) = try await RawConnection.exchange(port: address.port, all)
            try #require(answers.count == cases.count + 1, "every request answered on one connection, in order")
            for (answer, expected) in zip(answers, cases) {
                let line = expected.request.prefix { $0 != "\r" }
                #expect(answer.status == expected.status, "\(line)")
                #expect(answer.header("content-length") == String(answer.body.count), "\(line)")
                #expect(answer.header("allow") == expected.allow, "\(line)")
                if !expected.error.isEmpty { expectErrorBody(answer, expected.error, apiID: expected.status != 401) }
            }
            // A bare authority with GET: refused as a target (or by the parser), in the same shape.
            let (authority, _) = try await RawConnection.exchange(
                port: address.port, "GET example.com:80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = try #require(authority.first)
            #expect(answer.status == 400)
            let text = (try? JSONValue(parsing: answer.body))?["error"]?.stringValue
            #expect(text == "request target must be a path" || text == "request is not valid HTTP", "\(answer.text)")
        }
    }

    @Test("garbage: a JSON 400 with its length and Connection: close; the server carries on")
    func garbage() async throws {
        try await makeServer().withRunningServer { address in
            let garbage = [
                "THIS IS NOT HTTP\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /x\u{1}y HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "FOOBAR / HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /__sandbox/clock HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}",
            ]
            for bytes in garbage {
                let (answers, closed) = try await RawConnection.exchange(port: address.port, bytes)
                let answer = try #require(answers.first, "\(bytes.debugDescription)")
                #expect(answer.status == 400, "\(bytes.debugDescription)")
                #expect(answer.header("connection") == "close")
                #expect(answer.header("content-length") == String(answer.body.count))
                expectErrorBody(answer, "request is not valid HTTP")
                #expect(closed)
            }
            try await expectStillServing(address)
        }
    }

    @Test("a header over 80 KiB: 431 in Plivo's error shape, then the connection closes")
    func headerOverTheLimit() async throws {
        try await makeServer().withRunningServer { address in
            let long = String(repeating: "a", count: 81 * 1024)
            let (answers, closed) = try await RawConnection.exchange(
                port: address.port, "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nX-Long: \(long)\r\n\r\n")
            let answer = try #require(answers.first)
            #expect(answer.status == 431)
            #expect(answer.header("content-length") == String(answer.body.count))
            expectErrorBody(answer, "request headers too large (limit 80 KiB)")
            #expect(closed)
            // Just under the limit is fine.
            let fits = String(repeating: "a", count: 70 * 1024)
            let (ok, _) = try await RawConnection.exchange(
                port: address.port, "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nX-Long: \(fits)\r\nConnection: close\r\n\r\n")
            #expect(ok.first?.status == 200)
            try await expectStillServing(address)
        }
    }

    @Test("a body over 64 KiB: 413, the rest is read past, and the connection serves the next request")
    func bodyOverTheLimit() async throws {
        try await makeServer().withRunningServer { address in
            let body = "{" + String(repeating: " ", count: 70_000) + "}"
            let post = "POST \(sessions) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let (answers, _) = try await RawConnection.exchange(
                port: address.port, post + "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            try #require(answers.count == 2)
            #expect(answers[0].status == 413)
            expectErrorBody(answers[0], "request body too large (limit 64 KiB)")
            #expect(answers[1].status == 200)
        }
    }

    @Test("pipelined requests are answered in order; garbage after them is answered last, then the close")
    func pipelined() async throws {
        let sandbox = makeSandbox()
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let auth = "Authorization: \(basicAuth())\r\n"
            let create = #"{"recipient": "+14155550100"}"#
            let requests =
                "POST \(sessions) HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nContent-Length: \(create.utf8.count)\r\n\r\n\(create)"
                + "GET \(sessions) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                + "POST /__sandbox/clock HTTP/1.1\r\nHost: x\r\n\(auth)Transfer-Encoding: chunked\r\n\r\n10\r\n{\"advance\": \"1m\"\r\n1\r\n}\r\n0\r\n\r\n"
                + "GET /__sandbox/clock HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
            let (answers, closed) = try await RawConnection.exchange(port: address.port, requests + "NOT HTTP\r\n\r\n")
            try #require(answers.count == 5)
            #expect(answers.map(\.status) == [202, 200, 200, 200, 400])
            #expect(answers[1].text.contains(#""sessions":[{"#))
            #expect(answers[2].text == #"{"now":"2025-01-15T10:01:00.000000Z"}"#)
            expectErrorBody(answers[4], "request is not valid HTTP")
            #expect(closed)
            #expect(sandbox.outbox().count == 1)
        }
    }

    @Test("a client that closes mid-body, or sends a broken chunk: the server carries on")
    func closesMidBody() async throws {
        try await makeServer().withRunningServer { address in
            for _ in 0..<3 {
                _ = try await RawConnection.exchange(
                    port: address.port, "POST /__sandbox/clock HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"adv", readAnswers: false)
            }
            let (answers, closed) = try await RawConnection.exchange(
                port: address.port, "POST /__sandbox/clock HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n")
            let answer = try #require(answers.first)
            #expect(answer.status == 400)
            #expect(answer.header("connection") == "close")
            expectErrorBody(answer, "request is not valid HTTP")
            #expect(closed)
            try await expectStillServing(address)
        }
    }
}

/// The body is `{"api_id": <uuid>, "error": text}` (no `api_id` on a 401), sent as JSON.
func expectErrorBody(_ answer: RawAnswer, _ text: String, apiID: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
    let json = try? JSONValue(parsing: answer.body)
    #expect(json?["error"]?.stringValue == text, "body: \(answer.text)", sourceLocation: sourceLocation)
    if apiID { #expect(json?["api_id"]?.stringValue?.count == 36, sourceLocation: sourceLocation) }
    #expect(answer.header("content-type") == "application/json", sourceLocation: sourceLocation)
}

/// A fresh connection still gets the whole flow's first step.
func expectStillServing(_ address: SandboxServer.Address, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let answer = try await send(address.url, .GET, "/__sandbox/clock", auth: nil)
    #expect(answer.status == 200, sourceLocation: sourceLocation)
}

/// One answer as read off the socket.
struct RawAnswer: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The value of a header (names compared case-insensitively); nil when absent.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking loopback client, run on a thread of its own; every read is bounded by a
/// 5 s receive timeout, so a server that fails to answer fails the test instead of hanging it.
enum RawConnection {
    /// Sends `request` at once, then reads answers (framed by their Content-Length; `heads`
    /// says which requests were HEAD) until the server closes or stops sending.
    /// Returns the answers and whether the server closed the connection.
    static func exchange(port: Int, _ request: String, heads: [Bool] = [], readAnswers: Bool = true) async throws -> (
        [RawAnswer], Bool
    ) {
        try await withCheckedThrowingContinuation { continuation in
            // A queue of its own, not the global one: blocked in recv, a global queue's thread
            // is one the Swift runtime's pool (the server's responder) may be waiting for.
            DispatchQueue(label: "raw-connection").async {
                continuation.resume(with: Result { try exchangeBlocking(port: port, Array(request.utf8), heads: heads, readAnswers: readAnswers) })
            }
        }
    }

    static func exchangeBlocking(port: Int, _ bytes: [UInt8], heads: [Bool], readAnswers: Bool) throws -> ([RawAnswer], Bool) {
        let descriptor = tcpConnect(port: port)
        guard descriptor >= 0 else { throw SocketFailure() }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server closed early (after a 431, say): read what it said
            sent += count
        }
        guard readAnswers else { return ([], false) }
        var buffer: [UInt8] = []
        var closed = false
        var answers: [RawAnswer] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        /// Reads more; false when the server closed or went quiet for 5 s.
        var failure: Int32 = 0
        func fill() -> Bool {
            var count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            while count < 0 && errno == EINTR {
                count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            }
            if count < 0 { failure = errno }
            if count == 0 || (count < 0 && errno == ECONNRESET) { closed = true }
            if count <= 0 { return false }
            buffer += chunk[0..<count]
            return true
        }
        parsing: while true {
            // The head, up to the blank line.
            var end: Int?
            while end == nil {
                end = headEnd(buffer)
                if end == nil && !fill() { break parsing }
            }
            guard let headEnd = end else { break }
            let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
            var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            let statusLine = lines.removeFirst()
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
            let headers = lines.filter { !$0.isEmpty }.map { line -> (name: String, value: String) in
                let colon = line.firstIndex(of: ":") ?? line.endIndex
                return (String(line[..<colon]), String(line[colon...].dropFirst().drop { $0 == " " }))
            }
            buffer.removeFirst(headEnd + 4)
            let isHead = answers.count < heads.count && heads[answers.count]
            let length = isHead ? 0 : Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
            while buffer.count < length { if !fill() { break } }
            let body = Array(buffer.prefix(length))
            buffer.removeFirst(min(length, buffer.count))
            answers.append(RawAnswer(status: status, headers: headers, body: body))
            if buffer.isEmpty && !fill() { break }
        }
        if answers.isEmpty && failure != 0 && failure != ECONNRESET { throw RecvFailure(errno: failure, sent: sent) }
        return (answers, closed)
    }

    struct RecvFailure: Error { var errno: Int32; var sent: Int }

    /// Where `\r\n\r\n` starts, if it is there.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
