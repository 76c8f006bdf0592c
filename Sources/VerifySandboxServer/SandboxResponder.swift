import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import VerifyAPI
import VerifySandbox

/// What a request handler knows besides the request: the peer's IP, which the
/// sandbox reports as a session's `requestor_ip`.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Nil when the channel has no IP peer (the router test client, a Unix socket).
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// The one responder of the server: every request, whatever its path or method,
/// goes whole to ``VerifySandbox/handle(method:target:headerFields:body:clientAddress:)``,
/// which routes, authenticates and answers (404 and 405 included). The server adds
/// only what is HTTP's rather than the API's: the body-size limit (413), the client's
/// address, `HEAD` (the GET answer without its body, and named in every `Allow` beside
/// `GET`), `CONNECT` and `OPTIONS *` (405), and targets that are not paths (400).
/// Connection management is ``HTTPFramingHandler``'s.
///
/// Throws only when reading the body fails for a reason of the connection's (it is
/// gone), never for anything the client sent, so Hummingbird never answers a request
/// with its empty 500.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    let sandbox: VerifySandbox
    let maxBodySize: Int
    let logger: Logger
    /// The `--host` the server listens on and the `--allow-host` names: the `Host`s, besides
    /// this machine's addresses and `localhost`, a browser's requests are taken at.
    let allowedHosts: [String]

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        if let target = request.head.path, request.method == .get || request.method == .head, Self.isEventStream(target),
            InboxPage.refusal(request.headers, authority: request.head.authority, allowedHosts: allowedHosts) == nil
        {
            var response = EventStream.response(target: target, headerFields: request.headers, sandbox: sandbox)
            if request.method == .head { response = Response(status: response.status, headers: response.headers) }
            logger.info("\(Self.logLine(method: request.method, target: target, status: response.status.code, duration: ContinuousClock.now - start))\(response.status == .ok && request.method == .get ? " (stream)" : "")")
            return response
        }
        let (response, fault) = try await answer(request, clientAddress: context.clientAddress)
        var answer = response
        if let delay = fault?.delay {
            // An armed delay is real time: what a client's timeout is tested against. Slept in
            // full even when the client closes its side first: with half-closure a FIN may be
            // a client that still reads (`nc -N`), and a sleeping task costs next to nothing.
            try? await Task.sleep(for: delay)
        }
        var line = Self.logLine(method: request.method, target: request.head.path, status: answer.status, duration: ContinuousClock.now - start)
        if let fault {
            line += " (fault \(fault.faultID)\(fault.mangle.map { ": \($0 == .drop ? "dropped" : "reset")" } ?? ""))"
            switch fault.mangle {
            case .drop: answer.headerFields[Self.connectionFault] = "drop"
            case .reset: answer.headerFields[Self.connectionFault] = "reset"
            case nil: break
            }
        }
        logger.info("\(line)")
        // Every GET endpoint takes HEAD too: the GET answer's headers, no body.
        if answer.status == 405, let allow = answer.headerFields[.allow] {
            answer.headerFields[.allow] = Self.allowingHead(allow)
        }
        if request.method == .head {
            answer.headerFields[.contentLength] = String(answer.body.count)
            return Response(status: HTTPResponse.Status(code: answer.status), headers: answer.headerFields, body: ResponseBody())
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: answer.headerFields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    /// Set on an answer that an armed fault cuts (`drop`, `reset`): read and removed by
    /// ``HTTPFramingHandler``, which carries it out; never sent.
    static let connectionFaultHeader = "x-vsh-connection-fault"
    static let connectionFault = HTTPField.Name(connectionFaultHeader)!

    /// What the server takes on any of its resources, for a `CONNECT` or `OPTIONS *`.
    static let serverMethods = "GET, HEAD, POST"

    /// `GET, POST` → `GET, HEAD, POST`: HEAD goes wherever GET does.
    static func allowingHead(_ allow: String) -> String {
        var methods = allow.split(separator: ",").map { String($0.drop(while: { $0 == " " })) }
        if let get = methods.firstIndex(of: "GET"), !methods.contains("HEAD") { methods.insert("HEAD", at: get + 1) }
        return methods.joined(separator: ", ")
    }

    private func answer(_ request: Request, clientAddress: String?) async throws -> (APIResponse, FaultDelivery?) {
        // Requests that are not for a resource of the sandbox: the server answers them.
        if request.method == .connect {
            // This server is not a proxy; the connection closes after the answer (HTTPFramingHandler).
            return (methodNotAllowedOnTheServer(), nil)
        }
        let target = request.head.path ?? ""
        if !target.hasPrefix("/") {
            // An absolute-form target (`http://host/path`) has become its path already; what is
            // left is `*` (meant for OPTIONS only) or something that is no target at all.
            if target == "*", request.method == .options { return (methodNotAllowedOnTheServer(), nil) }
            return (sandbox.response(for: .targetNotAPath), nil)
        }
        // A declared length over the limit is refused before a byte of the body is read.
        if let declared = request.headers[.contentLength], let length = Int(declared), length > maxBodySize {
            return (sandbox.response(for: .bodyTooLarge), nil)
        }
        var body = ByteBuffer()
        do {
            // HTTP/1.1: with neither header there is no body (a GET), and nothing to wait for.
            if request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil {
                body = try await request.body.collect(upTo: maxBodySize)
            }
        } catch is NIOTooManyBytesError {
            // A chunked body over the limit, or one longer than its Content-Length said.
            return (sandbox.response(for: .bodyTooLarge), nil)
        } catch is HTTPParserError {
            // A malformed chunk, or a peer that left mid-body: answered (if anyone is still
            // there to read it), and the connection closes after (HTTPFramingHandler).
            return (sandbox.response(for: .malformedRequest), nil)
        }
        // Any other error reading the body is the connection's (it is gone): no answer can reach it.

        if let refusal = InboxPage.refusal(request.headers, authority: request.head.authority, allowedHosts: allowedHosts) {
            return (sandbox.response(for: refusal), nil)
        }
        if let asset = InboxPage.asset(target: target) {
            guard request.method == .get || request.method == .head else {
                return (sandbox.response(for: .methodNotAllowed(allowed: [.get])), nil)
            }
            return (APIResponse(status: 200, headerFields: InboxPage.headers(for: asset), body: asset.bytes), nil)
        }
        if request.method == .get, let wait = OutboxWait.requested(target: target) {
            let (sandbox, headers) = (sandbox, request.headers)
            return (await Self.untilClientLeaves { await sandbox.waitingOutbox(target: target, headerFields: headers, wait: wait) }, nil)
        }
        let answer = sandbox.answer(
            method: request.method == .head ? .get : request.method,
            target: target,
            headerFields: request.headers,
            body: Array(body.readableBytesView),
            clientAddress: clientAddress
        )
        return (answer.response, answer.fault)
    }

    /// `/__sandbox/events`, with or without a slash, with or without a query. Compared as
    /// bytes: it runs on every request.
    static func isEventStream(_ target: String) -> Bool {
        let prefix = SandboxPath.events.utf8
        guard target.utf8.starts(with: prefix) else { return false }
        let rest = target.utf8.dropFirst(prefix.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "?") || rest.elementsEqual("/".utf8)
            || rest.starts(with: "/?".utf8)
    }

    /// `body`, cancelled if the client leaves meanwhile (``ClientDeparture``).
    private static func untilClientLeaves<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        guard let departure = ClientDeparture.current else { return await body() }
        return await departure.cancellingOnDeparture(body)
    }

    private func methodNotAllowedOnTheServer() -> APIResponse {
        var answer = sandbox.response(for: .methodNotAllowed(allowed: []))
        answer.headerFields[.allow] = Self.serverMethods
        return answer
    }

    /// `POST /v1/Account/MA…/Verify/Session/ 202 0.412ms`: the method, the path without its
    /// query (a list's filters and the outbox's name phone numbers), the status and the time
    /// taken. Never a header, so never the credentials.
    static func logLine(method: HTTPRequest.Method, target: String?, status: Int, duration: Duration) -> String {
        var path = target ?? ""
        if let mark = path.firstIndex(of: "?") { path = String(path[..<mark]) + "?…" }
        if path.isEmpty { path = "-" }
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        let millis = "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)ms"
        return "\(method.rawValue) \(path) \(status) \(millis)"
    }
}
