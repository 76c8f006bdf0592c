import Dispatch
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

#if canImport(Glibc)
    import Glibc
#endif

/// Faults as a client on a socket sees them: a dropped connection, a reset halfway
/// through the body, a delay, an error status with Plivo's body.
@Suite("Armed faults over HTTP")
struct ServerFaultTests {
    /// Everything the server sends to one request, until it closes; whether it ended in a reset.
    static func readAll(port: Int, _ request: String) async throws -> (bytes: [UInt8], reset: Bool, elapsed: Duration) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "fault-client").async {
                let clock = ContinuousClock()
                let start = clock.now
                let descriptor = tcpConnect(port: port)
                guard descriptor >= 0 else { return continuation.resume(throwing: SocketFailure()) }
                defer { close(descriptor) }
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let bytes = Array(request.utf8)
                _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 65536)
                var reset = false
                while received.count < 1 << 20 {
                    let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 { reset = errno == ECONNRESET }
                    if count <= 0 { break }
                    received += chunk[0..<count]
                }
                continuation.resume(returning: (received, reset, clock.now - start))
            }
        }
    }

    static func request(_ method: String, _ path: String, body: String? = nil) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: \(basicAuth())\r\nConnection: close\r\n"
        if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + (body ?? "")
    }

    func arm(_ sandbox: VerifySandbox, _ body: JSONValue) {
        var request = APIRequest(method: .post, path: "/__sandbox/faults", body: body)
        request.headerFields[.authorization] = basicAuth()
        #expect(sandbox.handle(request).status == 201)
    }

    @Test("drop: the connection closes without a byte, and nothing was created")
    func drop() async throws {
        let sandbox = makeSandbox()
        arm(sandbox, .object(["endpoint": "create", "drop": true]))
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let (bytes, _, _) = try await Self.readAll(port: address.port, Self.request("POST", sessions, body: #"{"recipient": "+14155550100"}"#))
            #expect(bytes.isEmpty)
            #expect(sandbox.outbox().isEmpty)
            // The server carries on.
            let (next, _, _) = try await Self.readAll(port: address.port, Self.request("GET", sessions))
            #expect(String(decoding: next, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("reset: the head and half the body, then a reset; the session was created")
    func reset() async throws {
        let sandbox = makeSandbox()
        arm(sandbox, .object(["endpoint": "create", "reset": true]))
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let (bytes, reset, _) = try await Self.readAll(port: address.port, Self.request("POST", sessions, body: #"{"recipient": "+14155550100"}"#))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 202"))
            #expect(text.lowercased().contains("x-vsh-fault: f1"))
            #expect(!text.lowercased().contains("x-vsh-connection-fault"), "the internal marker is never sent")
            let parts = text.components(separatedBy: "\r\n\r\n")
            let declared = Int(parts[0].lowercased().components(separatedBy: "content-length: ").last?.prefix { $0.isNumber } ?? "") ?? 0
            #expect(parts.count == 2 && parts[1].utf8.count == declared / 2, "half the declared body")
            #expect(reset, "the connection ends in an RST")
            #expect(sandbox.outbox().count == 1)
        }
    }

    @Test("delay: the answer comes after the delay, in real time")
    func delay() async throws {
        let sandbox = makeSandbox()
        arm(sandbox, .object(["endpoint": "list", "delay": "300ms", "status": 503]))
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let (bytes, _, elapsed) = try await Self.readAll(port: address.port, Self.request("GET", sessions))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 503"))
            #expect(text.hasSuffix(#""error":"service unavailable"}"#))
            #expect(elapsed >= .milliseconds(300))
        }
    }

    @Test("429 carries Retry-After")
    func retryAfter() async throws {
        let sandbox = makeSandbox()
        arm(sandbox, .object(["endpoint": "any", "status": 429, "retry_after": 7]))
        try await makeServer(sandbox: sandbox).withRunningServer { address in
            let (bytes, _, _) = try await Self.readAll(port: address.port, Self.request("GET", sessions))
            let text = String(decoding: bytes, as: UTF8.self).lowercased()
            #expect(text.hasPrefix("http/1.1 429"))
            #expect(text.contains("retry-after: 7\r\n"))
        }
    }
}
