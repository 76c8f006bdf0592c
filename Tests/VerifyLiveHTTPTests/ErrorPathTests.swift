import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOSSL
import Testing
import VerifyAPI

@testable import VerifyLiveHTTP

/// Every way an exchange can go wrong: error statuses (answers, not transport errors),
/// retries of GET and never of POST, and each failure's one message.
@Suite struct ErrorPathTests {
    static let get = VerifyEndpoint.getSession(account, uuid: sessionUUID)
    static let list = VerifyEndpoint.listSessions(account, filters: [QueryItem("limit", "5")])
    static let create = VerifyEndpoint.createSession(account, parameters: [("recipient", "+14155550100")])
    static let validate = VerifyEndpoint.validateSession(account, uuid: sessionUUID, otp: "123456")

    // MARK: Error statuses are answers

    @Test(arguments: [
        (401, #"{"error":"authentication failed"}"#, "authentication failed"),
        (404, #"{"api_id":"x","error":"session not found"}"#, "session not found"),
        (500, #"{"api_id":"x","error":"internal error"}"#, "internal error"),
    ])
    func errorStatusesAreAnswersAndNotRetried(status: Int, body: String, text: String) async throws {
        let server = try await ScriptedServer.start(answering: .json(status, body))
        let (response, waits) = try await withLive(server) { transport, log in
            (try await transport.send(Self.get), log.waits)
        }
        #expect(response.status == status)
        #expect(response.errorText == text)
        #expect(server.requests.count == 1)
        #expect(waits.isEmpty)
    }

    @Test func aGarbageBodyIsAnAnswerWithoutJSON() async throws {
        let server = try await ScriptedServer.start(
            answering: .answer(status: 502, headers: [.init("Content-Type", "text/html")], body: Array("<html><body>Bad gateway</body></html>".utf8)))
        let response = try await withLive(server) { transport, _ in try await transport.send(Self.validate) }
        #expect(response.status == 502)
        #expect(response.json == nil)
        #expect(response.errorText == nil)
        #expect(response.statusLine == "502 Bad Gateway")
        #expect(response.text.hasPrefix("<html>"))
    }

    @Test func anEmptyBodyIsAnAnswerToo() async throws {
        let server = try await ScriptedServer.start(answering: .answer(status: 500))
        let response = try await withLive(server) { transport, _ in try await transport.send(Self.create) }
        #expect(response.status == 500)
        #expect(response.body.isEmpty)
        #expect(response.errorText == nil)
    }

    @Test func aJSONBodyThatIsNotAnObjectHasNoErrorText() async throws {
        let server = try await ScriptedServer.start(answering: .json(400, #"["not","an","object"]"#))
        let response = try await withLive(server) { transport, _ in try await transport.send(Self.get) }
        #expect(response.errorText == nil)
    }

    // MARK: Retries

    @Test func a429WithRetryAfterIsRetriedOnGetAfterTheWaitItAsks() async throws {
        let server = try await ScriptedServer.start { _, index in
            index == 0 ? .json(429, #"{"error":"too many requests"}"#, headers: [.init("Retry-After", "2")]) : .json(200, #"{"sessions":[]}"#)
        }
        let (response, waits) = try await withLive(server) { transport, log in (try await transport.send(Self.list), log.waits) }
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
        #expect(waits == [.seconds(2)])
    }

    @Test func aRetryAfterDateIsHonoured() async throws {
        // The date is written when the request arrives, so a slow start on a loaded machine
        // does not eat into it.
        let server = try await ScriptedServer.start { _, index in
            index == 0 ? .json(503, "{}", headers: [.init("Retry-After", HTTPDateTests.format(RetryPolicy.wallClockSeconds() + 20))]) : .json(200, "{}")
        }
        let (response, waits) = try await withLive(server) { transport, log in (try await transport.send(Self.get), log.waits) }
        #expect(response.status == 200)
        try #require(waits.count == 1)
        // Up to 20 s, less the time the answer took to arrive; more
        // than the 0.5 s backoff, which is what a date that was not understood would give.
        #expect(waits[0] > .seconds(1) && waits[0] <= .seconds(20), "\(waits[0])")
    }

    @Test func aRetryAfterBeyondTheCapIsNotWaitedFor() async throws {
        let server = try await ScriptedServer.start(answering: .json(429, #"{"error":"slow down"}"#, headers: [.init("Retry-After", "120")]))
        let (response, waits) = try await withLive(server) { transport, log in (try await transport.send(Self.get), log.waits) }
        #expect(response.status == 429)
        #expect(response.errorText == "slow down")
        #expect(server.requests.count == 1)
        #expect(waits.isEmpty)
    }

    @Test func a503OnGetIsTriedThreeTimesWithBackoffThenAnswered() async throws {
        let server = try await ScriptedServer.start(answering: .json(503, #"{"error":"unavailable"}"#))
        let (response, waits) = try await withLive(server) { transport, log in (try await transport.send(Self.get), log.waits) }
        #expect(response.status == 503)
        #expect(server.requests.count == 3)
        try #require(waits.count == 2)
        #expect(waits[0] >= .milliseconds(250) && waits[0] <= .milliseconds(500))
        #expect(waits[1] >= .milliseconds(500) && waits[1] <= .seconds(1))
    }

    @Test(arguments: [429, 503])
    func postIsNeverRetried(status: Int) async throws {
        for request in [Self.create, Self.validate] {
            let server = try await ScriptedServer.start(answering: .json(status, "{}", headers: [.init("Retry-After", "1")]))
            let (response, waits) = try await withLive(server) { transport, log in (try await transport.send(request), log.waits) }
            #expect(response.status == status)
            #expect(server.requests.count == 1)
            #expect(waits.isEmpty)
        }
    }

    @Test func a500IsNotRetried() async throws {
        let server = try await ScriptedServer.start(answering: .json(500, "{}"))
        _ = try await withLive(server) { transport, _ in try await transport.send(Self.get) }
        #expect(server.requests.count == 1)
    }

    // MARK: No answer

    @Test func aStallPastTheTimeoutIsATimeout() async throws {
        let server = try await ScriptedServer.start(answering: .stall)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await withLive(server, { $0.requestTimeout = .seconds(1) }) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message == "no complete answer from 127.0.0.1:\(server.port) within 1 s (request timeout)")
        #expect(error?.notes == ["to wait longer, run with --timeout SECONDS"])
        // Not a hang: well under the 30 s default that would apply if the setting were ignored.
        #expect(clock.now - start < .seconds(20))
        #expect(server.requests.count <= 1, "a timeout is not retried")
    }

    @Test func aStallInTheMiddleOfTheBodyIsATimeoutToo() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"api_id\":"
        let server = try await ScriptedServer.start(answering: .raw(Array(head.utf8), close: false))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await withLive(server, { $0.requestTimeout = .milliseconds(300) }) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.create) }
        }
        #expect(error?.kind == .timeout)
        #expect(error?.notes.contains("the request may have reached the server; vsh does not send a create or validate twice") == true)
        #expect(clock.now - start < .seconds(20), "not a hang")
    }

    @Test func aDroppedConnectionOnGetIsRetriedThenReported() async throws {
        let server = try await ScriptedServer.start(answering: .close)
        let (error, waits) = try await withLive(server) { transport, log in
            (await transportError { () async throws(TransportError) in try await transport.send(Self.get) }, log.waits)
        }
        #expect(error?.kind == .connection)
        #expect(error?.message == "connection to 127.0.0.1:\(server.port) closed before the answer was complete")
        #expect(error?.notes == ["tried 3 times"])
        #expect(server.requests.count == 3)
        #expect(waits.count == 2)
    }

    @Test func aDroppedConnectionOnPostIsReportedOnceWithAWarning() async throws {
        let server = try await ScriptedServer.start(answering: .close)
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.create) }
        }
        #expect(error?.message == "connection to 127.0.0.1:\(server.port) closed before the answer was complete")
        #expect(error?.notes == ["the request may have reached the server; vsh does not send a create or validate twice"])
        #expect(server.requests.count == 1)
    }

    @Test func aConnectionDroppedMidBodyIsReported() async throws {
        let partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"api_id\":"
        let server = try await ScriptedServer.start(answering: .raw(Array(partial.utf8), close: true))
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.validate) }
        }
        #expect(error?.message == "connection to 127.0.0.1:\(server.port) closed before the answer was complete")
        #expect(server.requests.count == 1)
    }

    @Test func aDropThenAnAnswerSucceedsOnGet() async throws {
        let server = try await ScriptedServer.start { _, index in index == 0 ? .close : .json(200, #"{"ok":true}"#) }
        let response = try await withLive(server) { transport, _ in try await transport.send(Self.get) }
        #expect(response.json?["ok"] == .bool(true))
        #expect(server.requests.count == 2)
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        let port = try await closedPort()
        let (error, waits) = try await withLive(nil, base: "http://127.0.0.1:\(port)") { transport, log in
            (await transportError { () async throws(TransportError) in try await transport.send(Self.get) }, log.waits)
        }
        #expect(error?.kind == .connection)
        #expect(error?.message == "cannot connect to 127.0.0.1:\(port): connection refused")
        #expect(error?.notes == ["tried 3 times"])
        #expect(waits.count == 2)
    }

    @Test func aRefusedPostIsTriedOnceAndSaysSo() async throws {
        let port = try await closedPort()
        let error = try await withLive(nil, base: "http://127.0.0.1:\(port)") { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.validate) }
        }
        #expect(error?.message == "cannot connect to 127.0.0.1:\(port): connection refused")
        #expect(error?.notes == [], "nothing was sent, so no warning that it may have been")
    }

    @Test func notHTTPAtAllIsAnInvalidResponse() async throws {
        let server = try await ScriptedServer.start(answering: .raw(Array("SSH-2.0-OpenSSH_9.6\r\n\r\n".utf8), close: true))
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message.hasPrefix("127.0.0.1:\(server.port) did not answer with valid HTTP") == true)
    }

    @Test func anAnswerOverTheCapIsRefused() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
        for reply in [
            ScriptedServer.Reply.answer(status: 200, body: big),
            .raw(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n".utf8) + big + Array("\r\n0\r\n\r\n".utf8), close: false),
        ] {
            let server = try await ScriptedServer.start(answering: reply)
            let error = try await withLive(server, { $0.maxResponseBytes = 1024 }) { transport, _ in
                await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
            }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.message == "the answer from 127.0.0.1:\(server.port) is larger than 1 KiB; vsh reads at most that much")
        }
    }

    @Test func theCapHoldsForABodyDelimitedByClose() async throws {
        // No Content-Length to refuse up front: the cap is counted while reading.
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        let server = try await ScriptedServer.start(answering: .raw(Array("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n".utf8) + big, close: true))
        let error = try await withLive(server, { $0.maxResponseBytes = 1024 }) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "the answer from 127.0.0.1:\(server.port) is larger than 1 KiB; vsh reads at most that much")
    }

    @Test func anHTTP10AnswerDelimitedByCloseIsReadWhole() async throws {
        let server = try await ScriptedServer.start(answering: .raw(Array("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ok\":true}".utf8), close: true))
        let response = try await withLive(server) { transport, _ in try await transport.send(Self.get) }
        #expect(response.status == 200)
        #expect(response.json?["ok"] == .bool(true))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>", "(200 OK, Content-Type text/html) is not JSON: invalid JSON at byte 0: unexpected character"),
        ("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"api_id\":\"", "(202 Accepted) is not JSON: invalid JSON at byte 11: unterminated string"),
        ("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"api_id\":", "(200 OK) is not JSON: invalid JSON at byte 10: unexpected end of input"),
    ])
    func aSuccessWhoseBodyIsNotJSONIsAnInvalidResponse(raw: String, message: String) async throws {
        let server = try await ScriptedServer.start(answering: .raw(Array(raw.utf8), close: true))
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.create) }
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "the answer from 127.0.0.1:\(server.port) \(message)")
        #expect(error?.notes == ["the request may have reached the server; vsh does not send a create or validate twice"])
        #expect(server.requests.count == 1)
    }

    @Test func aGarbageChunkSizeIsNamed() async throws {
        let raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
        let server = try await ScriptedServer.start(answering: .raw(Array(raw.utf8), close: false))
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "127.0.0.1:\(server.port) did not answer with valid HTTP (a chunk size that is not a hexadecimal number)")
    }

    @Test func theDefaultCapIsOneMebibyte() {
        #expect(LiveTransport.Configuration().maxResponseBytes == 1_048_576)
        #expect(ByteCount.text(1 << 20) == "1 MiB")
    }

    @Test func httpsToAPlainServerIsATLSFailure() async throws {
        // What a plain HTTP server says to a TLS ClientHello.
        let server = try await ScriptedServer.start(greeting: Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".utf8)) { _, _ in .close }
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await withLive(server, base: "https://127.0.0.1:\(server.port)") { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .connection)
        #expect(error?.message == "TLS failure with 127.0.0.1:\(server.port): handshake failed (WRONG_VERSION_NUMBER)")
        #expect(error?.notes == ["the server does not seem to speak TLS; for a plain-HTTP server use an http:// base URL"])
        #expect(clock.now - start < .seconds(20), "the handshake fails at once, not at the 30 s timeout")
    }

    @Test func anUntrustedCertificateIsATLSFailure() async throws {
        let context = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(SelfSigned.certificate.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(SelfSigned.key.utf8), format: .pem))))
        let server = try await ScriptedServer.start(tls: context) { _, _ in .json(200, "{}") }
        let error = try await withLive(server, base: "https://127.0.0.1:\(server.port)") { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
        }
        #expect(error?.kind == .connection)
        #expect(error?.message == "TLS failure with 127.0.0.1:\(server.port): its certificate is not trusted (CERTIFICATE_VERIFY_FAILED)")
        #expect(server.requests.isEmpty)
    }

    @Test func messagesNeverHoldTheToken() async throws {
        let server = try await ScriptedServer.start(answering: .close)
        let error = try await withLive(server) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.send(Self.create) }
        }
        let text = ([error?.message ?? ""] + (error?.notes ?? [])).joined(separator: "\n")
        #expect(!text.contains("s3cret-token"))
        #expect(!text.contains(Base64.encode(Array("MA2025RK4E639VJFZAGV:s3cret-token".utf8))))
    }

    @Test func afterShutdownRequestsFailCleanly() async throws {
        let server = try await ScriptedServer.start(answering: .json(200, "{}"))
        try await withLive(server) { transport, _ in
            await transport.shutdown()
            let error = await transportError { () async throws(TransportError) in try await transport.send(Self.get) }
            #expect(error?.kind == .cancelled)
            await transport.shutdown()  // twice is fine
        }
    }

    @Test func cancellingARequestEndsItAtOnce() async throws {
        let server = try await ScriptedServer.start(answering: .stall)
        try await withLive(server) { transport, _ in
            let task = Task { try await transport.send(Self.get) }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            let result = await task.result
            guard case .failure(let error as TransportError) = result else {
                Issue.record("expected a TransportError, got \(result)")
                return
            }
            #expect(error.kind == .cancelled)
        }
    }

    // MARK: Classification of what cannot be staged on loopback

    @Test func aConnectTimeoutIsRetryableAndSaysSo() {
        let timeout = Failure.classify(HTTPClientError.connectTimeout, server: .plivo, proxy: nil, connectTimeout: .seconds(5), requestTimeout: .seconds(30))
        #expect(timeout.retryable)
        let error = timeout.transportError(attempts: 3, unsafeToRepeat: false)
        #expect(error.kind == .timeout)
        #expect(error.message == "cannot connect to api.plivo.com:443: no connection within 5 s (connect timeout)")
        #expect(error.notes == ["tried 3 times"])
    }

    @Test func durationsAndSizesInMessages() {
        #expect(Failure.seconds(.seconds(30)) == "30 s")
        #expect(Failure.seconds(.milliseconds(300)) == "0.3 s")
        #expect(Failure.seconds(.milliseconds(2500)) == "2.5 s")
        #expect(ByteCount.text(64 * 1024) == "64 KiB")
        #expect(ByteCount.text(1000) == "1000 bytes")
    }

    @Test func anUnknownHostIsADNSFailureAndNotRetried() async throws {
        // `.invalid` never resolves (RFC 6761).
        let (error, waits) = try await withLive(nil, base: "http://vsh-test.invalid:8790") { transport, log in
            (await transportError { () async throws(TransportError) in try await transport.send(Self.get) }, log.waits)
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.hasPrefix("cannot connect to vsh-test.invalid:8790: DNS lookup failed (") == true, "\(error?.message ?? "")")
        #expect(waits.isEmpty)
    }
}
