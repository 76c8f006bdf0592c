/// The API root the live transport talks to: `https://api.plivo.com` unless
/// `--base-url` or `PLIVO_BASE_URL` says otherwise.
///
/// Only what an API root needs is accepted: an `http` or `https` scheme, a host,
/// an optional port and an optional path prefix (for a gateway that mounts the
/// API below a path). Credentials, a query or a fragment are refused: a request's
/// path and query come from the request itself, and credentials from `auth`.
public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http, https
        var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public let scheme: Scheme
    /// Lower case; an IPv6 address without its brackets.
    public let host: String
    public let port: Int
    /// `""` or a path without a trailing slash: `/plivo`.
    public let pathPrefix: String

    /// Plivo's production API.
    public static let plivo = BaseURL(scheme: .https, host: "api.plivo.com", port: 443, pathPrefix: "")

    init(scheme: Scheme, host: String, port: Int, pathPrefix: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Parses and validates a base URL such as `https://api.plivo.com` or `http://127.0.0.1:8790`.
    public init(parsing text: String) throws(BaseURLError) {
        func fail(_ reason: String) -> BaseURLError { BaseURLError(text: text, reason: reason) }
        guard !text.isEmpty else { throw fail("it is empty") }
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.value > 0x7E }) else {
            throw fail("it contains spaces, control or non-ASCII characters")
        }
        guard let separator = text.firstRange(of: "://") else { throw fail("it needs a scheme: http:// or https://") }
        guard let scheme = Scheme(rawValue: text[..<separator.lowerBound].lowercased()) else {
            throw fail("the scheme must be http or https")
        }
        let rest = text[separator.upperBound...]
        guard !rest.contains("?") else { throw fail("it must not have a query (`?…`)") }
        guard !rest.contains("#") else { throw fail("it must not have a fragment (`#…`)") }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest[authority.endIndex...])
        guard !authority.contains("@") else {
            throw fail("it must not carry credentials; use `auth` or PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN")
        }
        guard !authority.isEmpty else { throw fail("it has no host") }

        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 host needs its closing `]`") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("\"[\(host)]\" is not an IPv6 address")
            }
        } else {
            let pieces = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = pieces[0]
            if pieces.count == 2 { portText = pieces[1] }
            guard !host.isEmpty else { throw fail("it has no host") }
            guard host.utf8.allSatisfy({ BaseURL.isHostByte($0) }), !host.hasPrefix("-"), !host.hasPrefix("."), !host.contains("..")
            else { throw fail("\"\(host)\" is not a host name") }
        }
        var port = scheme.defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let value = Int(portText), (1...65535).contains(value)
            else { throw fail("the port must be a number from 1 to 65535") }
            port = value
        }
        while path.hasSuffix("/") { path.removeLast() }
        guard path.utf8.allSatisfy({ BaseURL.isPathByte($0) }) else { throw fail("its path has characters a URL path cannot hold") }
        self.init(scheme: scheme, host: host.lowercased(), port: port, pathPrefix: path)
    }

    /// `https://api.plivo.com`, `http://127.0.0.1:8790/prefix`: the default port is left out.
    public var description: String {
        let portPart = port == scheme.defaultPort ? "" : ":\(port)"
        return "\(scheme.rawValue)://\(hostForURL)\(portPart)\(pathPrefix)"
    }

    /// `api.plivo.com:443`, `[::1]:8790`: how messages name the server.
    public var hostAndPort: String { "\(hostForURL):\(port)" }

    /// The `Host` header: `api.plivo.com`, `127.0.0.1:8790` (the port only when it is not the default).
    public var hostHeader: String { port == scheme.defaultPort ? hostForURL : hostAndPort }

    /// The full URL of a request target (`/v1/…/Session/?limit=5`).
    public func url(for target: String) -> String {
        description + target
    }

    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// Whether this is Plivo's own API (`plivo.com` or a host below it).
    public var isPlivo: Bool { host == "plivo.com" || host.hasSuffix(".plivo.com") }

    static func isHostByte(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
    }

    /// RFC 3986 `pchar` and `/`.
    static func isPathByte(_ b: UInt8) -> Bool {
        if isHostByte(b) { return true }
        return Array("/~%!$&'()*+,;=:@".utf8).contains(b)
    }
}

/// Why a base URL was refused; a usage error.
public struct BaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "invalid base URL \"\(text)\": \(reason)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
