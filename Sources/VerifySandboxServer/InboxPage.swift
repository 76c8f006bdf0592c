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

    /// Whether a request that names its account with `X-Vsh-Account` comes from the page:
    /// its `Host` is this machine's (an IP address, `localhost`, or the name the server was
    /// told to listen on), so a site that rebinds its own name to this address gets nothing;
    /// and any `Origin` or `Sec-Fetch-Site` a browser sent says the page's own origin. (A
    /// custom header already keeps other sites' forms and scripts out: a browser asks the
    /// server first, and the server approves no cross-origin request.)
    static func isFromThePage(_ headerFields: HTTPFields, authority: String?, listeningHost: String) -> Bool {
        guard let authority, isLocal(authority: authority, listeningHost: listeningHost) else { return false }
        if let origin = headerFields[.origin], origin != "http://" + authority { return false }
        if let site = headerFields[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin" { return false }
        return true
    }

    /// `127.0.0.1:8790`, `[::1]:8790`, `localhost:8790`, `app.localhost`, or the `--host` name.
    static func isLocal(authority: String, listeningHost: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            return host[host.index(after: host.startIndex)..<close].allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == listeningHost.lowercased() { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }
}
