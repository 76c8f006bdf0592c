import AsyncHTTPClient
import Dispatch
import NIOCore
import NIOHTTP1
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("The server on a real loopback socket")
struct SocketTests {
    @Test("withRunningServer listens on 127.0.0.1 at a free port and serves the whole flow")
    func realSocket() async throws {
        let sandbox = makeSandbox()
        let server = makeServer(sandbox: sandbox)
        try await server.withRunningServer { address in
            #expect(address.host == "127.0.0.1")
            #expect(address.port > 0 && address.port != 8790)
            #expect(address.url == "http://127.0.0.1:\(address.port)")
            let created = try await send(address.url, .POST, sessions, json: #"{"recipient": "+14155550100"}"#)
            #expect(created.status == 202)
            let uuid = try #require(created["session_uuid"]?.stringValue)
            // The object behind the socket is the one we hold.
            let code = try #require(sandbox.outbox(sessionUUID: uuid).first?.code)
            #expect(try await send(address.url, .POST, session(uuid), json: #"{"otp": "\#(code)"}"#).status == 200)
            let got = try await send(address.url, .GET, session(uuid))
            #expect(got["status"] == "verified")
            #expect(got["requestor_ip"] == "127.0.0.1")
            #expect(got.headers[.contentLength] == String(got.body.count))
        }
    }

    @Test("after withRunningServer returns, the port is closed")
    func stopsWhenDone() async throws {
        let port = try await makeServer().withRunningServer { address in
            #expect(connectSucceeds(port: address.port))
            return address.port
        }
        #expect(!connectSucceeds(port: port))
    }

    @Test("a client stalled mid-request does not hold the shutdown past the grace period")
    func stalledClientAtShutdown() async throws {
        var configuration = makeServer().configuration
        configuration.shutdownGracePeriod = .milliseconds(300)
        let server = SandboxServer(configuration: configuration)
        let clock = ContinuousClock()
        var descriptor: Int32 = -1
        var stopping = clock.now
        try await server.withRunningServer { address in
            descriptor = tcpConnect(port: address.port)
            let head = Array("POST /__sandbox/clock HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{".utf8)
            _ = head.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            try await Task.sleep(for: .milliseconds(100))
            stopping = clock.now
        }
        #expect(clock.now - stopping < .seconds(20), "well before the 60 s idle timeout")
        if descriptor >= 0 { close(descriptor) }
    }

    @Test("a port in use is a StartFailure.addressInUse")
    func portInUse() async throws {
        try await makeServer().withRunningServer { address in
            let second = makeServer(port: address.port)
            await #expect(throws: SandboxServer.StartFailure.addressInUse(host: "127.0.0.1", port: address.port)) {
                try await second.withRunningServer { _ in }
            }
            await #expect(throws: SandboxServer.StartFailure.addressInUse(host: "127.0.0.1", port: address.port)) {
                try await second.run()
            }
            // The first one is unharmed.
            let clock = try await send(address.url, .GET, "/__sandbox/clock", auth: nil)
            #expect(clock.status == 200)
        }
    }

    @Test("50 concurrent creates on many connections: every session is kept")
    func concurrentCreates() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 50)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await makeServer().withRunningServer { address in
                let uuids = try await withThrowingTaskGroup(of: String?.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let recipient = "+1415555\(String(1000 + index))"
                            let answer = try await send(
                                address.url, .POST, sessions, json: #"{"recipient": "\#(recipient)"}"#, client: client)
                            return answer.status == 202 ? answer["session_uuid"]?.stringValue : nil
                        }
                    }
                    var uuids: [String] = []
                    for try await uuid in group { uuids.append(uuid ?? "failed") }
                    return uuids
                }
                #expect(Set(uuids).count == 50)
                #expect(!uuids.contains("failed"))

                let outbox = try await send(address.url, .GET, "/__sandbox/outbox", auth: nil, client: client)
                #expect(Set(outbox["messages"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } ?? []) == Set(uuids))

                var listed: [String] = []
                var next: String? = sessions + "?limit=20"
                while let target = next {
                    let page = try await send(address.url, .GET, target, client: client)
                    listed += page["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } ?? []
                    next = page["meta"]?["next"]?.stringValue
                }
                #expect(listed.count == 50)
                #expect(Set(listed) == Set(uuids))
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("two accounts under concurrent load: each keeps its own sessions, outbox and clock")
    func twoAccountsAtOnce() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 40)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let accounts = [account, otherAccount]
        do {
            try await makeServer().withRunningServer { address in
                // 30 creates an account, interleaved, and each account moving its own clock meanwhile.
                let made = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                    for index in 0..<60 {
                        let owner = accounts[index % 2]
                        group.addTask {
                            if index < 6 {
                                _ = try await send(address.url, .POST, "/__sandbox/clock", json: #"{"advance": "1s"}"#, auth: basicAuth(owner), client: client)
                            }
                            let answer = try await send(
                                address.url, .POST, "/v1/Account/\(owner)/Verify/Session/",
                                json: #"{"recipient": "+1415555\#(String(2000 + index))"}"#, auth: basicAuth(owner), client: client)
                            return (owner, answer.status == 202 ? answer["session_uuid"]?.stringValue : nil)
                        }
                    }
                    var made: [String: Set<String>] = [:]
                    for try await (owner, uuid) in group { made[owner, default: []].insert(uuid ?? "failed") }
                    return made
                }
                for owner in accounts {
                    let own = made[owner] ?? []
                    #expect(own.count == 30 && !own.contains("failed"), "\(owner): \(own.count) sessions")
                    let outbox = try await send(address.url, .GET, "/__sandbox/outbox", auth: basicAuth(owner), client: client)
                    #expect(Set(outbox["messages"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } ?? []) == own)
                    let listed = try await send(address.url, .GET, "/v1/Account/\(owner)/Verify/Session/?limit=20", auth: basicAuth(owner), client: client)
                    #expect(listed["meta"]?["next"]?.stringValue != nil, "30 sessions: a second page")
                    let page = Set(listed["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } ?? [])
                    #expect(page.count == 20 && page.isSubset(of: own))
                    // Three advances of 1 s each, by this account only.
                    let clock = try await send(address.url, .GET, "/__sandbox/clock", auth: basicAuth(owner), client: client)
                    #expect(clock["now"]?.stringValue == "2025-01-15T10:00:03.000000Z", "\(owner)'s clock")
                }
                let all = try await send(address.url, .GET, "/__sandbox/outbox", auth: nil, client: client)
                #expect(all["messages"]?.arrayValue?.count == 60)
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("a chunked body over 64 KiB is 413 too, and the connection stays usable")
    func chunkedBodyOverTheLimit() async throws {
        try await makeServer().withRunningServer { address in
            var request = HTTPClientRequest(url: address.url + sessions)
            request.method = .POST
            request.headers.add(name: "Authorization", value: basicAuth())
            request.headers.add(name: "Content-Type", value: "application/json")
            let chunks = AsyncStream<ByteBuffer> { continuation in
                for _ in 0..<65 { continuation.yield(ByteBuffer(repeating: UInt8(ascii: " "), count: 1024)) }
                continuation.yield(ByteBuffer(string: "{}"))
                continuation.finish()
            }
            request.body = .stream(chunks, length: .unknown)
            let answer = try await Answer(HTTPClient.shared.execute(request, timeout: .seconds(20)))
            expectError(answer, 413, "request body too large (limit 64 KiB)")
            #expect(try await send(address.url, .GET, "/__sandbox/clock", auth: nil).status == 200)
        }
    }

    @Test("garbage on the wire gets HTTP's 400 and the server carries on")
    func garbageOnTheWire() async throws {
        try await makeServer().withRunningServer { address in
            let garbage: [[UInt8]] = [
                Array("THIS IS NOT HTTP\r\n\r\n".utf8),
                Array("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".utf8),
                Array("POST /v1/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8),
                [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03],  // a TLS ClientHello
            ]
            for bytes in garbage {
                let reply = try await rawExchange(port: address.port, bytes)
                #expect(reply.hasPrefix("HTTP/1.1 400"), "\(reply.prefix(40))")
            }
            // A client that sends half a request and leaves.
            _ = try await rawExchange(port: address.port, Array("POST /v1/ HTTP/1.1\r\nContent-Length: 100\r\n\r\n{".utf8), readReply: false)
            #expect(try await send(address.url, .GET, "/__sandbox/clock", auth: nil).status == 200)
            // A well-formed request over the raw socket gets the JSON 404 of the sandbox.
            let notFound = try await rawExchange(port: address.port, Array("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(notFound.hasPrefix("HTTP/1.1 404"))
            #expect(notFound.contains(#""error":"not found""#))
        }
    }
}

/// Whether a TCP connection to 127.0.0.1:port is accepted.
func connectSucceeds(port: Int) -> Bool {
    let descriptor = tcpConnect(port: port)
    if descriptor >= 0 { close(descriptor) }
    return descriptor >= 0
}

/// A connected socket to 127.0.0.1:port, or -1.
func tcpConnect(port: Int) -> Int32 {
    #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { return -1 }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        close(descriptor)
        return -1
    }
    return descriptor
}

/// Sends raw bytes and reads until the server closes (5 s at most), off the cooperative pool.
func rawExchange(port: Int, _ bytes: [UInt8], readReply: Bool = true) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        // Its own queue (an overcommitting one): a blocked thread of the global queue may be one
        // the Swift runtime's pool, and so the server under test, is waiting for.
        DispatchQueue(label: "raw-exchange").async {
            let descriptor = tcpConnect(port: port)
            guard descriptor >= 0 else {
                continuation.resume(throwing: SocketFailure())
                return
            }
            defer { close(descriptor) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard readReply else {
                continuation.resume(returning: "")
                return
            }
            var reply: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                reply += buffer[0..<count]
            }
            continuation.resume(returning: String(decoding: reply, as: UTF8.self))
        }
    }
}

struct SocketFailure: Error {}
