import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (port 0) for the live transport's tests.
///
/// It records every request byte for byte (method, target, headers in order, body)
/// and answers as the test's script says: a normal answer, raw bytes (garbage, a
/// truncated answer), silence (a stall) or a closed connection. Raw NIO, so that
/// nothing between the transport and the test tidies the bytes up.
final class ScriptedServer: Sendable {
    struct Request: Sendable, CustomStringConvertible {
        var method: String
        var target: String
        var version: String
        var headers: [Header]
        var body: [UInt8]
        /// Which connection it came on, from 0, in accept order.
        var connection: Int

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
        var description: String { "\(method) \(target)" }
    }

    struct Header: Sendable, Equatable {
        var name: String
        var value: String
        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    enum Reply: Sendable {
        /// A complete answer; `Content-Length` is added unless `headers` has one.
        case answer(status: Int, headers: [Header] = [], body: [UInt8] = [])
        /// These bytes as they are, then close the connection or keep it.
        case raw([UInt8], close: Bool)
        /// Never answer (the connection stays open until the server stops).
        case stall
        /// Close the connection without a byte.
        case close
        /// Answer a `CONNECT` with 200 and read the tunnelled requests on the same connection.
        case tunnel

        static func json(_ status: Int, _ text: String, headers: [Header] = []) -> Reply {
            .answer(status: status, headers: [Header("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    /// Decides the answer to the `index`th request (from 0).
    typealias Script = @Sendable (Request, Int) -> Reply

    private struct State {
        var requests: [Request] = []
        var connections: [any Channel] = []
        var listener: (any Channel)?
    }

    private let script: Script
    private let state = Mutex(State())
    private let portValue = Atomic<Int>(0)

    private init(script: @escaping Script) {
        self.script = script
    }

    var port: Int { portValue.load(ordering: .relaxed) }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { state.withLock { $0.requests } }
    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Starts a server; `tls` makes it speak HTTPS with that context; `greeting` is written
    /// as soon as a connection opens (what a client that expects to speak first hears).
    static func start(tls: NIOSSLContext? = nil, greeting: [UInt8]? = nil, _ script: @escaping Script) async throws -> ScriptedServer {
        let server = ScriptedServer(script: script)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = server.accepted(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: server, connection: id, greeting: greeting))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.portValue.store(listener.localAddress?.port ?? 0, ordering: .relaxed)
        server.state.withLock { $0.listener = listener }
        return server
    }

    /// Always the same answer.
    static func start(answering reply: Reply) async throws -> ScriptedServer {
        try await start { _, _ in reply }
    }

    /// Closes the listener and every connection.
    func stop() async {
        let (listener, connections) = state.withLock { ($0.listener, $0.connections) }
        for connection in connections { try? await connection.close() }
        try? await listener?.close()
    }

    fileprivate func accepted(_ channel: any Channel) -> Int {
        state.withLock { state in
            state.connections.append(channel)
            return state.connections.count - 1
        }
    }

    fileprivate func received(_ request: Request) -> Reply {
        let index = state.withLock { state in
            state.requests.append(request)
            return state.requests.count - 1
        }
        return script(request, index)
    }
}

/// A port nothing listens on.
///
/// The port stays bound, without `listen()`, for the rest of the test process: a
/// connection to it is refused, and no other test's server can take it in between
/// (a port bound and then released could be reused, which made the refusal tests flaky).
func closedPort() async throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard fd >= 0, bound else { throw ReservationFailure() }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// No loopback port could be reserved.
struct ReservationFailure: Error {}

private final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ScriptedServer
    let connection: Int
    var pending: [UInt8] = []
    var stalled = false

    let greeting: [UInt8]?

    init(server: ScriptedServer, connection: Int, greeting: [UInt8]?) {
        self.server = server
        self.connection = connection
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        if let greeting {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: greeting)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while !stalled, let (request, used) = parse() {
            pending.removeFirst(used)
            switch server.received(request) {
            case .answer(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
                for header in headers { head += "\(header.name): \(header.value)\r\n" }
                if !headers.contains(where: { $0.name.lowercased() == "content-length" || $0.name.lowercased() == "transfer-encoding" }) {
                    head += "Content-Length: \(body.count)\r\n"
                }
                head += "\r\n"
                write(context, Array(head.utf8) + body)
            case .raw(let bytes, let close):
                write(context, bytes)
                if close {
                    context.close(promise: nil)
                    return
                }
            case .stall:
                stalled = true
            case .close:
                context.close(promise: nil)
                return
            case .tunnel:
                write(context, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func write(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    /// One whole request at the front of `pending`, and how many bytes it took.
    private func parse() -> (ScriptedServer.Request, Int)? {
        let end = Array("\r\n\r\n".utf8)
        guard pending.count >= 4, let headEnd = (0...(pending.count - 4)).first(where: { Array(pending[$0..<$0 + 4]) == end }) else { return nil }
        let lines = String(decoding: pending[..<headEnd], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard requestLine.count == 3 else { return nil }
        var headers: [ScriptedServer.Header] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let bodyStart = headEnd + 4
        guard pending.count >= bodyStart + length else { return nil }
        let request = ScriptedServer.Request(
            method: requestLine[0], target: requestLine[1], version: requestLine[2], headers: headers,
            body: Array(pending[bodyStart..<bodyStart + length]), connection: connection)
        return (request, bodyStart + length)
    }

    private func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
