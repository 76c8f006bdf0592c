import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import VerifyAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why one exchange got no answer, sorted into the cases vsh names; each becomes
/// one ``TransportError`` with one clear message (docs/transports.md lists them).
struct Failure: Error {
    enum Reason: Equatable {
        case refused(server: String)
        case unreachable(server: String, detail: String)
        case dnsFailure(host: String, detail: String?)
        case connectTimeout(server: String, limit: Duration)
        case requestTimeout
        case tlsCertificate(server: String, detail: String)
        case tlsHostname(server: String)
        case tls(server: String, detail: String)
        case dropped(server: String)
        case tooLarge(Int)
        case notHTTP(server: String, detail: String)
        /// A success (2xx) whose body is not JSON: the Verify API answers every success in
        /// JSON, so the body was cut short or came from something else (a captive portal, a
        /// misrouted proxy). `answer`: `200 OK`, with the Content-Type when it is not JSON's.
        case notJSON(server: String, answer: String, detail: String)
        case proxy(detail: String)
        case cancelled
        case shutDown
        case other(server: String, detail: String)
    }

    var reason: Reason
    /// Filled in by ``classify(_:server:proxy:connectTimeout:requestTimeout:)`` for `requestTimeout`.
    var server = ""
    var limit = Duration.zero

    init(_ reason: Reason) {
        self.reason = reason
    }

    /// Whether a GET may be tried again after it: the connection never came up, or went away.
    var retryable: Bool {
        switch reason {
        case .refused, .unreachable, .connectTimeout, .dropped: true
        default: false
        }
    }

    /// The error to report. `unsafeToRepeat`: the request was a create or a validate, which
    /// the server may have acted on although no answer came back.
    func transportError(attempts: Int, unsafeToRepeat: Bool) -> TransportError {
        var error = base
        if unsafeToRepeat, isAmbiguous {
            error.notes.append("the request may have reached the server; vsh does not send a create or validate twice")
        }
        if attempts > 1 { error.notes.append("tried \(attempts) times") }
        return error
    }

    /// Failures after the request may have been sent: the server may have acted on it.
    private var isAmbiguous: Bool {
        switch reason {
        case .dropped, .requestTimeout, .tooLarge, .notHTTP, .notJSON: true
        default: false
        }
    }

    private var base: TransportError {
        switch reason {
        case .refused(let server):
            TransportError(.connection, "cannot connect to \(server): connection refused")
        case .unreachable(let server, let detail):
            TransportError(.connection, "cannot connect to \(server): \(detail)")
        case .dnsFailure(let host, let detail):
            TransportError(.connection, "cannot connect to \(host): DNS lookup failed (\(detail ?? "no such host, or no DNS server answers"))")
        case .connectTimeout(let server, let limit):
            TransportError(.timeout, "cannot connect to \(server): no connection within \(Failure.seconds(limit)) (connect timeout)")
        case .requestTimeout:
            TransportError(
                .timeout, "no complete answer from \(server) within \(Failure.seconds(limit)) (request timeout)",
                notes: ["to wait longer, run with --timeout SECONDS"])
        case .tlsCertificate(let server, let detail):
            TransportError(
                .connection, "TLS failure with \(server): its certificate is not trusted (\(detail))",
                notes: ["vsh trusts the system's certificate store; a proxy that inspects TLS needs its CA installed there"])
        case .tlsHostname(let server):
            TransportError(.connection, "TLS failure with \(server): its certificate is not valid for this host name")
        case .tls(let server, let detail):
            TransportError(
                .connection, "TLS failure with \(server): \(detail)",
                notes: detail.contains("WRONG_VERSION_NUMBER") ? ["the server does not seem to speak TLS; for a plain-HTTP server use an http:// base URL"] : [])
        case .dropped(let server):
            TransportError(.connection, "connection to \(server) closed before the answer was complete")
        case .tooLarge(let limit):
            TransportError(.invalidResponse, "the answer from \(server) is larger than \(ByteCount.text(limit)); vsh reads at most that much")
        case .notHTTP(let server, let detail):
            TransportError(.invalidResponse, "\(server) did not answer with valid HTTP (\(detail))")
        case .notJSON(let server, let answer, let detail):
            TransportError(.invalidResponse, "the answer from \(server) (\(answer)) is not JSON: \(detail)")
        case .proxy(let detail):
            TransportError(.connection, detail)
        case .cancelled:
            TransportError(.cancelled, "cancelled")
        case .shutDown:
            TransportError(.cancelled, "the live transport was already shut down")
        case .other(let server, let detail):
            TransportError(.connection, "request to \(server) failed: \(detail)")
        }
    }

    /// Sorts whatever AsyncHTTPClient or SwiftNIO threw.
    static func classify(_ error: any Error, server url: BaseURL, proxy: ProxySettings?, connectTimeout: Duration, requestTimeout: Duration) -> Failure {
        var failure = Failure(reason(for: error, url: url, proxy: proxy, connectTimeout: connectTimeout))
        failure.server = url.hostAndPort
        failure.limit = requestTimeout
        return failure
    }

    private static func reason(for error: any Error, url: BaseURL, proxy: ProxySettings?, connectTimeout: Duration) -> Reason {
        let server = url.hostAndPort
        // Where connections go: the proxy, when there is one.
        let hop = proxy.map { "proxy \($0.host.contains(":") ? "[\($0.host)]" : $0.host):\($0.port) (\($0.variable))" } ?? server

        switch error {
        case let failure as Failure:
            return failure.reason
        case is CancellationError:
            return .cancelled
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout: return .connectTimeout(server: hop, limit: connectTimeout)
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .requestTimeout
            case .remoteConnectionClosed, .uncleanShutdown: return .dropped(server: server)
            case .cancelled, .requestStreamCancelled: return .cancelled
            case .alreadyShutdown: return .shutDown
            case .tlsHandshakeTimeout: return .tls(server: server, detail: "no TLS handshake within \(seconds(connectTimeout))")
            case .invalidProxyResponse: return .proxy(detail: "\(hop) refused to open a tunnel to \(server)")
            case .proxyAuthenticationRequired: return .proxy(detail: "\(hop) asks for authentication (407); put user:password@ in the proxy URL")
            case .httpProxyHandshakeTimeout, .socksHandshakeTimeout: return .proxy(detail: "\(hop) did not open a tunnel to \(server) in time")
            case .getConnectionFromPoolTimeout: return .connectTimeout(server: hop, limit: connectTimeout)
            default: return .other(server: server, detail: String(describing: error))
            }
        case let error as NIOConnectionError:
            let target = "\(error.host.contains(":") ? "[\(error.host)]" : error.host):\(error.port)"
            let named = proxy == nil ? target : hop
            if error.connectionErrors.isEmpty, let dns = error.dnsAError ?? error.dnsAAAAError {
                return .dnsFailure(host: named, detail: (dns as? SocketAddressError.UnknownHost).map(\.errorDescription))
            }
            if let first = error.connectionErrors.first?.error {
                return reason(socketError: first, server: named, connectTimeout: connectTimeout) ?? .other(server: named, detail: String(describing: first))
            }
            return .other(server: named, detail: String(describing: error))
        case let error as SocketAddressError.UnknownHost:
            return .dnsFailure(host: proxy == nil ? server : hop, detail: error.errorDescription)
        case is SocketAddressError:
            return .dnsFailure(host: proxy == nil ? server : hop, detail: nil)
        case let error as NIOSSLError:
            let detail = String(describing: error)
            if detail.contains("CERTIFICATE_VERIFY_FAILED") || error == .unableToValidateCertificate || error == .noCertificateToValidate {
                return .tlsCertificate(server: server, detail: tlsDetail(detail))
            }
            if error == .uncleanShutdown { return .dropped(server: server) }
            return .tls(server: server, detail: "handshake failed (\(tlsDetail(detail)))")
        case let error as NIOSSLExtraError:
            if error == .failedToValidateHostname { return .tlsHostname(server: server) }
            return .tls(server: server, detail: String(describing: error))
        case let error as HTTPParserError:
            // The connection closed in the middle of an answer.
            if error == .invalidEOFState { return .dropped(server: server) }
            return .notHTTP(server: server, detail: parserDetail(error))
        default:
            if let known = reason(socketError: error, server: proxy == nil ? server : hop, connectTimeout: connectTimeout) { return known }
            return .other(server: server, detail: String(describing: error))
        }
    }

    /// Errors of one socket: refused, reset, unreachable, timed out.
    private static func reason(socketError error: any Error, server: String, connectTimeout: Duration) -> Reason? {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .refused(server: server)
            case ECONNRESET, EPIPE, ECONNABORTED: return .dropped(server: server)
            case ENETUNREACH: return .unreachable(server: server, detail: "network unreachable")
            case EHOSTUNREACH: return .unreachable(server: server, detail: "host unreachable")
            case ETIMEDOUT: return .connectTimeout(server: server, limit: connectTimeout)
            default: return nil
            }
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return .connectTimeout(server: server, limit: connectTimeout)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .dropped(server: server)
            default: return nil
            }
        }
        return nil
    }

    /// What was wrong with the bytes, in words (NIO's own texts name its parser's states:
    /// "invalid character in chunk size header").
    static func parserDetail(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidConstant, .invalidVersion: "its first line is not an HTTP status line"
        case .invalidStatus: "a status line without a valid status code"
        case .invalidChunkSize: "a chunk size that is not a hexadecimal number"
        case .invalidContentLength: "a Content-Length that is not a number"
        case .unexpectedContentLength: "a Content-Length beside Transfer-Encoding: chunked"
        case .invalidHeaderToken, .invalidCharactersUsed: "an invalid character in a header"
        case .headerOverflow: "headers too large"
        case .lfExpected: "a line not ended by CRLF"
        case .trailingGarbage, .closedConnection: "bytes after the end of the answer"
        default: String(describing: error)
        }
    }

    /// BoringSSL's error lists are long; keep the reason names (`CERTIFICATE_VERIFY_FAILED`).
    static func tlsDetail(_ text: String) -> String {
        var names: [String] = []
        for token in text.split(whereSeparator: { !($0.isUppercase || $0.isNumber || $0 == "_") }) {
            guard token.count > 3, token.contains("_"), !token.hasPrefix("_"), !token.hasSuffix("_") else { continue }
            if !names.contains(String(token)) { names.append(String(token)) }
        }
        if !names.isEmpty { return names.joined(separator: ", ") }
        if text.contains("EOF during handshake") { return "the connection closed during the handshake" }
        return text
    }

    /// `5 s`, `0.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attos) = duration.components
        let millis = whole * 1000 + attos / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000) s" : "\(Double(millis) / 1000) s"
    }

}
