import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import VerifyAPI
import VerifySandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hummingbird's HTTP/1.1 child channel, with the sandbox's framing rules in the pipeline.
///
/// The same handlers as Hummingbird's `HTTP1Channel` (NIO's encoder and decoder, the
/// conversion to HTTP types, the idle-timeout handler), set up by hand so that two
/// things are the sandbox's to decide rather than NIO's:
///
/// * NIO's server pipeline strips `Content-Length` from, and drops the body of, every
///   answer to `CONNECT`, so a refused `CONNECT` went out as a bare `404` with no length.
///   Here every answer carries its length and body; `HEAD` answers drop the body in
///   ``HTTPFramingHandler`` (and the responder sends none).
/// * ``HTTPFramingHandler`` sits between NIO's HTTP/1 parts (which still know the
///   version and keep-alive) and the HTTP types (which do not): see there.
struct SandboxHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    /// A connection: its channel, and the handler's news of the client leaving.
    struct Value: ServerChildChannelValue {
        let asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
        let departure: ClientDeparture
        var channel: any Channel { asyncChannel.channel }
    }

    /// The largest header field, and all header fields together, that the parser takes.
    static let maxHeaderSize = 80 * 1024

    let responder: HTTPChannelHandler.Responder
    let idleTimeout: Duration
    /// The answer to a request the parser refused, with an `api_id` from the sandbox.
    let errorResponse: @Sendable (SandboxError) -> APIResponse

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = Self.maxHeaderSize
            limits.maxHeaderListSize = Self.maxHeaderSize
            limits.maxHeaderFieldCount = 1000
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(HTTPResponseEncoder(configuration: .init()))
            try pipeline.addHandler(
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)))
            let framing = HTTPFramingHandler(errorResponse: errorResponse)
            try pipeline.addHandler(framing)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
            return Value(
                asyncChannel: try NIOAsyncChannel(
                    wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)),
                departure: framing.departure)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // The responder runs in this task: what it waits on long can end when the client leaves.
        await ClientDeparture.$current.withValue(value.departure) {
            await handleHTTP(asyncChannel: value.asyncChannel, logger: logger)
        }
    }
}

/// Connection management that HTTP types cannot express, on NIO's HTTP/1 parts:
///
/// * **Persistence (RFC 9112 §9.3).** A request that does not keep the connection alive
///   (HTTP/1.0 without `Connection: keep-alive`, any `Connection: close` in any case, a
///   `CONNECT`, an `Upgrade` request) gets `Connection: close` on its answer, and the
///   connection is closed after it: the request is marked `connection: close` for
///   Hummingbird's request loop, which then half-closes, and nothing the client sends
///   after it is read. An HTTP/1.0 request with `keep-alive` gets `Connection: keep-alive`.
/// * **Parse errors.** Bytes NIO's parser refuses get a JSON answer in Plivo's error shape
///   (`400 request is not valid HTTP`, `431` for headers over the limit) with its length and
///   `Connection: close`, after any answers still owed to earlier (pipelined) requests; then
///   the connection is closed. A parse error in the middle of a body goes to the responder
///   reading it, which answers the same way.
/// * **HEAD.** No body bytes are written for an answer to `HEAD`, whatever the responder sent;
///   its headers (`Content-Length` included) are the GET answer's.
/// * **Connection faults** armed in the sandbox (``SandboxResponder/connectionFaultHeader``
///   on the answer, never sent): `drop` closes the connection instead of answering; `reset`
///   sends the head and half the body, then resets the connection (an RST, as a peer that
///   crashed would).
final class HTTPFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request read whose answer is not written to the end yet.
    private struct Exchange {
        var method: HTTPMethod
        var version: HTTPVersion
        var closes: Bool
    }

    private let errorResponse: (SandboxError) -> APIResponse
    /// In order of arrival; the first is the one being answered.
    private var owed = CircularBuffer<Exchange>(initialCapacity: 2)
    /// Between a request's head and its end.
    private var readingRequest = false
    /// No more requests are read: one asked to close, or the parser failed.
    private var stopReading = false
    /// A parse error met while answers were still owed: answered after them.
    private var pendingError: SandboxError?
    /// The answer being written is to a HEAD request: its body is not sent.
    private var answeringHead = false
    /// The answer being written is cut by an armed fault.
    private var connectionFault: ConnectionFault?

    enum ConnectionFault: String {
        case drop, reset
    }

    /// Told when the client closes its side, or the connection goes: the responder's long
    /// waits end there (``ClientDeparture``).
    let departure = ClientDeparture()

    init(errorResponse: @escaping (SandboxError) -> APIResponse) {
        self.errorResponse = errorResponse
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if stopReading { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(var head):
            let closes = !head.isKeepAlive || head.method == .CONNECT || Self.isUpgrade(head.headers)
            if closes {
                // Hummingbird's request loop stops after a request whose `connection` is exactly "close".
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            owed.append(Exchange(method: head.method, version: head.version, closes: closes))
            readingRequest = true
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            readingRequest = false
            if owed.last?.closes == true { stopReading = true }
            context.fireChannelRead(data)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Hummingbird allows half-closure: a client's FIN arrives as this event, not as a close.
        if let event = event as? ChannelEvent, event == .inputClosed { departure.left() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        departure.left()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        departure.left()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // Closing already (after a `Connection: close` request): the rest is not read, nor answered.
        if stopReading { return }
        let answer: SandboxError = parserError == .headerOverflow ? .headersTooLarge : .malformedRequest
        stopReading = true
        if readingRequest {
            readingRequest = false
            if owed.isEmpty {
                // The request was answered already (413 before its body): nobody reads the rest.
                context.close(promise: nil)
            } else {
                // The responder is reading this body: it answers, and the connection closes after.
                owed[owed.index(before: owed.endIndex)].closes = true
                context.fireErrorCaught(error)
            }
        } else if owed.isEmpty {
            writeError(answer, context: context)
        } else {
            pendingError = answer
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if let fault = head.headers.first(name: SandboxResponder.connectionFaultHeader).flatMap(ConnectionFault.init) {
                head.headers.remove(name: SandboxResponder.connectionFaultHeader)
                connectionFault = fault
                stopReading = true
                if fault == .drop {
                    promise?.succeed(())
                    return
                }
            }
            if let exchange = owed.first {
                answeringHead = exchange.method == .HEAD
                if exchange.closes || (pendingError != nil && owed.count == 1) {
                    head.headers.replaceOrAdd(name: "connection", value: "close")
                } else if exchange.version.major == 1 && exchange.version.minor == 0 {
                    head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
                }
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body(let part):
            if connectionFault == .drop {
                promise?.succeed(())
            } else if connectionFault == .reset {
                // Half the body, then the reset (at the end of the answer).
                guard case .byteBuffer(var buffer) = part else {
                    promise?.succeed(())
                    return
                }
                let half = buffer.readSlice(length: buffer.readableBytes / 2) ?? ByteBuffer()
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(half))), promise: promise)
            } else if answeringHead {
                promise?.succeed(())
            } else {
                context.write(data, promise: promise)
            }
        case .end:
            answeringHead = false
            if let fault = connectionFault {
                promise?.succeed(())
                let channel = context.channel
                context.flush()
                if fault == .reset {
                    // SO_LINGER 0: the close sends an RST instead of a FIN.
                    if let socket = channel as? any SocketOptionProvider {
                        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
                    } else {
                        channel.close(promise: nil)
                    }
                } else {
                    channel.close(promise: nil)
                }
                return
            }
            if !owed.isEmpty { owed.removeFirst() }
            context.write(data, promise: promise)
            if owed.isEmpty, let error = pendingError {
                pendingError = nil
                writeError(error, context: context)
            }
        }
    }

    /// The JSON answer to a request the parser refused, then the connection closes: output
    /// first (the client reads the answer to its end), all of it once the client is gone or
    /// after two seconds.
    private func writeError(_ error: SandboxError, context: ChannelHandlerContext) {
        let answer = errorResponse(error)
        var headers = HTTPHeaders()
        for field in answer.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        headers.replaceOrAdd(name: "content-length", value: String(answer.body.count))
        headers.replaceOrAdd(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    /// `Upgrade` with `Connection: upgrade`: NIO's parser stops reading the connection after
    /// such a request (it would be another protocol from there on), so it cannot stay open.
    static func isUpgrade(_ headers: HTTPHeaders) -> Bool {
        headers.contains(name: "upgrade") && headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }
}
