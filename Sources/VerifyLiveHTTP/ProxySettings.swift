/// The proxy the live transport goes through, read from the environment the way
/// curl and Python's requests read it.
///
/// - For an `https` base URL: `https_proxy`, then `HTTPS_PROXY`, then `all_proxy`, `ALL_PROXY`.
/// - For an `http` base URL: `http_proxy`, then `HTTP_PROXY`, then `all_proxy`, `ALL_PROXY`.
/// - The first one set and not empty wins. Its value is `[scheme://][user[:password]@]host[:port]`
///   with scheme `http` (the default; port 80 unless given) or `socks5`/`socks5h` (port 1080).
///   An `https://` proxy (TLS to the proxy itself) is refused: AsyncHTTPClient cannot speak it.
/// - `no_proxy`, else `NO_PROXY`, lists hosts reached directly (see ``NoProxyList``).
/// - Loopback hosts (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) are never proxied,
///   as in Go's net/http, so a sandbox on 127.0.0.1 works behind a corporate proxy.
///
/// Every request goes through the proxy with `CONNECT` (a tunnel), for `http` base URLs too:
/// that is how AsyncHTTPClient uses an HTTP proxy.
public struct ProxySettings: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case http, socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// The environment variable the setting came from, for messages: `HTTPS_PROXY`.
    public var variable: String

    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: String? = nil, variable: String) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.variable = variable
    }

    /// `http://proxy.example:3128 (HTTPS_PROXY)`, never the password.
    public var description: String {
        let user = username.map { "\($0)@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(kind.rawValue)://\(user)\(shownHost):\(port) (\(variable))"
    }

    /// The names consulted for a base URL, in order.
    public static func variables(for scheme: BaseURL.Scheme) -> [String] {
        switch scheme {
        case .https: ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
        case .http: ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        }
    }

    /// The proxy to use for `baseURL`, or nil to connect directly.
    public static func fromEnvironment(_ environment: [String: String], for baseURL: BaseURL) throws(ProxyError) -> ProxySettings? {
        guard !isLoopback(baseURL.host) else { return nil }
        let noProxy = NoProxyList(environment["no_proxy"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["NO_PROXY"] ?? "")
        guard !noProxy.excludes(host: baseURL.host, port: baseURL.port) else { return nil }
        for name in variables(for: baseURL.scheme) {
            guard let value = environment[name], !value.isEmpty else { continue }
            return try ProxySettings(parsing: value, variable: name)
        }
        return nil
    }

    /// Parses a proxy URL such as `http://user:secret@proxy.corp:3128` or `proxy.corp:3128`.
    public init(parsing text: String, variable: String) throws(ProxyError) {
        func fail(_ reason: String) -> ProxyError { ProxyError(variable: variable, reason: reason) }
        var rest = Substring(text)
        var kind = Kind.http
        if let separator = rest.firstRange(of: "://") {
            switch rest[..<separator.lowerBound].lowercased() {
            case "http": kind = .http
            case "socks5", "socks5h": kind = .socks5
            case "https": throw fail("an https:// proxy (TLS to the proxy) is not supported; use http://")
            case let other: throw fail("unsupported proxy scheme \"\(other)\"; use http:// or socks5://")
            }
            rest = rest[separator.upperBound...]
        }
        // A trailing slash (`http://proxy:3128/`) is common and harmless; anything more is not a proxy.
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw fail("a proxy URL has no path") }
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard kind == .http else { throw fail("SOCKS proxies with a user name are not supported") }
            let pieces = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = ProxySettings.decodePercent(pieces[0])
            password = pieces.count > 1 ? ProxySettings.decodePercent(pieces[1]) : ""
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("an IPv6 host needs its closing `]`") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else {
            let pieces = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = pieces[0]
            portText = pieces.count > 1 ? pieces[1] : nil
            guard host.utf8.allSatisfy({ BaseURL.isHostByte($0) }) else { throw fail("\"\(host)\" is not a host name") }
        }
        guard !host.isEmpty else { throw fail("it has no host") }
        var port = kind == .http ? 80 : 1080
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let value = Int(portText), (1...65535).contains(value)
            else { throw fail("the port must be a number from 1 to 65535") }
            port = value
        }
        self.init(kind: kind, host: host.lowercased(), port: port, username: username, password: password, variable: variable)
    }

    /// `localhost`, `*.localhost`, `127.x.x.x`, `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        if let address = IPv4Address(host) { return address.value >> 24 == 127 }
        return false
    }

    private static func decodePercent(_ text: Substring) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A malformed proxy variable; a usage error, reported before anything is sent.
public struct ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var variable: String
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable) is not a usable proxy: \(reason)" }
}

/// `NO_PROXY`: the hosts reached without the proxy.
///
/// Entries are separated by commas (spaces around them are ignored) and compared
/// case-insensitively:
/// - `*` alone: no host uses the proxy;
/// - `example.com`, `.example.com` and `*.example.com` all match `example.com` and every
///   host below it (`api.example.com`), never `badexample.com` (curl's rule);
/// - an IP address matches itself; `10.0.0.0/8` (IPv4 CIDR) matches the addresses in it;
///   an IPv6 address may be written with or without brackets;
/// - `host:port` (or `[v6]:port`) matches only that port.
public struct NoProxyList: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        case all
        case domain(String, port: Int?)
        case network(IPv4Address, prefix: Int, port: Int?)
    }

    let entries: [Entry]

    public init(_ text: String) {
        var entries: [Entry] = []
        for raw in text.split(separator: ",") {
            var item = raw.trimmingASCIISpaces().lowercased()[...]
            guard !item.isEmpty else { continue }
            if item == "*" {
                entries.append(.all)
                continue
            }
            var port: Int?
            if item.hasPrefix("[") {
                guard let close = item.firstIndex(of: "]") else { continue }
                let after = item[item.index(after: close)...]
                if after.hasPrefix(":"), let value = Int(after.dropFirst()) { port = value }
                item = item[item.index(after: item.startIndex)..<close]
            } else if item.filter({ $0 == ":" }).count == 1, let colon = item.firstIndex(of: ":") {
                // One colon: host:port. More than one: a bare IPv6 address.
                guard let value = Int(item[item.index(after: colon)...]) else { continue }
                port = value
                item = item[..<colon]
            }
            if item.hasPrefix("*.") { item = item.dropFirst(2) } else if item.hasPrefix(".") { item = item.dropFirst() }
            guard !item.isEmpty else { continue }
            if let slash = item.firstIndex(of: "/") {
                guard let address = IPv4Address(String(item[..<slash])), let prefix = Int(item[item.index(after: slash)...]), (0...32).contains(prefix)
                else { continue }
                entries.append(.network(address, prefix: prefix, port: port))
            } else if let address = IPv4Address(String(item)) {
                entries.append(.network(address, prefix: 32, port: port))
            } else {
                entries.append(.domain(String(item), port: port))
            }
        }
        self.entries = entries
    }

    /// Whether a request to `host:port` bypasses the proxy.
    public func excludes(host: String, port: Int) -> Bool {
        let host = host.lowercased()
        let address = IPv4Address(host)
        for entry in entries {
            switch entry {
            case .all:
                return true
            case .domain(let domain, let entryPort):
                guard entryPort == nil || entryPort == port else { continue }
                if host == domain || host.hasSuffix("." + domain) { return true }
            case .network(let network, let prefix, let entryPort):
                guard entryPort == nil || entryPort == port, let address else { continue }
                let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
                if address.value & mask == network.value & mask { return true }
            }
        }
        return false
    }
}

/// A dotted-quad IPv4 address.
struct IPv4Address: Sendable, Equatable {
    var value: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let n = UInt32(part), n <= 255 else { return nil }
            value = value << 8 | n
        }
        self.value = value
    }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
