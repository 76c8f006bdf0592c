import Hummingbird
import Logging
import NIOCore
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
/// only what needs the socket: the body-size limit (413) and the client's address.
///
/// Throws only when reading the body fails for a reason of the connection's, never
/// for anything the client sent, so Hummingbird never answers a request with its empty 500.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    let sandbox: VerifySandbox
    let maxBodySize: Int
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let answer = try await answer(request, clientAddress: context.clientAddress)
        logger.info(
            "\(Self.logLine(method: request.method, target: request.head.path, status: answer.status, duration: ContinuousClock.now - start))"
        )
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: answer.headerFields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    private func answer(_ request: Request, clientAddress: String?) async throws -> APIResponse {
        // A declared length over the limit is refused before a byte of the body is read.
        if let declared = request.headers[.contentLength], let length = Int(declared), length > maxBodySize {
            return sandbox.response(for: .bodyTooLarge)
        }
        var body = ByteBuffer()
        do {
            // HTTP/1.1: with neither header there is no body (a GET), and nothing to wait for.
            if request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil {
                body = try await request.body.collect(upTo: maxBodySize)
            }
        } catch is NIOTooManyBytesError {
            // A chunked body over the limit, or one longer than its Content-Length said.
            return sandbox.response(for: .bodyTooLarge)
        }
        // Any other error reading the body is the connection's: a malformed chunk (Hummingbird
        // answers 400 and closes) or a peer that went away (no answer can reach it).

        return sandbox.handle(
            method: request.method,
            target: request.head.path ?? "",
            headerFields: request.headers,
            body: Array(body.readableBytesView),
            clientAddress: clientAddress
        )
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
