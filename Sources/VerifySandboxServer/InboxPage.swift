import HTTPTypes
import VerifyAPI
import VerifySandbox

/// The sandbox's web inbox (docs/sandbox.md, "The inbox"): the page at `/` and its style,
/// script and icon under `/__sandbox/ui/`, compiled into the binary from
/// `Sources/VerifySandboxServer/Inbox/` (SwiftPM's `embedInCode`). The page reads the
/// out-of-band endpoints (`/__sandbox/inbox`, `/timeline`, `/events`) like any client and
/// holds no secret: no token, no header of anyone's.
///
/// Also the guard of the page's controls: a change that names its account with
/// `X-Vsh-Account` (instead of credentials) is taken only from the page itself.
enum InboxPage {
    struct Asset {
        var contentType: String
        var bytes: [UInt8]
    }

    /// Where the page's files are served from.
    static let assetRoot = "/__sandbox/ui/"

    /// The page or one of its files, by request target (a query is ignored); nil for any other
    /// path. Looked at only for `/…` targets that can be one, so the API's requests pay nothing.
    static func asset(target: String) -> Asset? {
        // An API path fails these at its second byte; only the page's own paths make a String.
        guard target == "/" || target.hasPrefix("/?") || target.hasPrefix("/index.html") || target.hasPrefix(assetRoot) else { return nil }
        return asset(path: String(target.prefix { $0 != "?" }))
    }

    /// The page or one of its files, by request path (without the query); nil for any other path.
    static func asset(path: String) -> Asset? {
        switch path {
        case "/", "/index.html": Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.inbox_html)
        case assetRoot + "inbox.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.inbox_css)
        case assetRoot + "inbox.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.inbox_js)
        case assetRoot + "icon.svg": Asset(contentType: "image/svg+xml", bytes: PackageResources.icon_svg)
        default: nil
        }
    }

    /// The headers of every file of the page. The policy allows nothing but the server's own
    /// files and connections (no inline script, so a message's text can never run as one),
    /// no framing by another site (the page has buttons that change accounts), no referrer.
    static func headers(for asset: Asset) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = asset.contentType
        fields[.contentLength] = String(asset.bytes.count)
        fields[.cacheControl] = "no-cache"
        fields[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return fields
    }

    /// Why a request is refused before anything else looks at it, if it is:
    ///
    /// * A browser's request (it carries `Origin` or a `Sec-Fetch-` header, which browsers add
    ///   and other clients do not) at a `Host` that is not this machine's: an IP address,
    ///   `localhost`, `*.localhost`, the `--host` name or an `--allow-host` one. So a site that
    ///   rebinds its own name to this address (DNS rebinding) reads and changes nothing, while
    ///   SDKs, curl and containers that call the server by a service name are not affected.
    ///   As Vite's `server.allowedHosts` does.
    /// * `X-Vsh-Account` (the page's controls) on a request that is not the page's own: any
    ///   `Origin` or `Sec-Fetch-Site` must say the page's origin, and the `Host` must be
    ///   local whoever sent it. (A custom header already keeps other sites' forms and scripts
    ///   out: a browser asks the server first, and the server approves no cross-origin request.)
    static func refusal(_ headerFields: HTTPFields, authority: String?, allowedHosts: [String]) -> SandboxError? {
        let isLocal = authority.map { Self.isLocal(authority: $0, allowedHosts: allowedHosts) } ?? false
        let fromABrowser =
            headerFields[.origin] != nil || headerFields[secFetchSite] != nil || headerFields[secFetchMode] != nil
        if fromABrowser, !isLocal { return .browserHostForeign }
        guard headerFields[VerifySandbox.inboxAccountHeader] != nil else { return nil }
        guard let authority, isLocal else { return .inboxControlsForeign }
        if let origin = headerFields[.origin], origin != "http://" + authority { return .inboxControlsForeign }
        if let site = headerFields[secFetchSite], site != "same-origin" { return .inboxControlsForeign }
        return nil
    }

    private static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    private static let secFetchMode = HTTPField.Name("Sec-Fetch-Mode")!

    /// `127.0.0.1:8790`, `[::1]:8790`, `localhost:8790`, `app.localhost`, or an allowed name
    /// (any case), each with at most a port of digits after it.
    static func isLocal(authority: String, allowedHosts: [String]) -> Bool {
        let text = Substring(authority)
        var host: Substring
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return false }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return false }
                port = rest.dropFirst()
            }
            guard !host.isEmpty, host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            return port.map(isPort) ?? true
        }
        host = text
        if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        if let port, !isPort(port) { return false }
        let name = host.lowercased()
        if name == "localhost" || (name.hasSuffix(".localhost") && name.count > ".localhost".count) { return true }
        if allowedHosts.contains(where: { $0.lowercased() == name && !name.isEmpty }) { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }

    private static func isPort(_ text: Substring) -> Bool {
        (1...5).contains(text.count) && text.allSatisfy { ("0"..."9").contains($0) }
    }
}
