import VerifyAPI

/// One thing in a cassette that looks like a secret, with where it is.
public struct LintFinding: Sendable, Equatable, CustomStringConvertible {
    /// The JSON path: `log.entries[0].request.headers[2]`.
    public var path: String
    /// What was found, without the secret itself: `an Authorization header`.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// `vsh cassette lint`: looks through every string of a HAR file, whoever wrote it,
/// for what must never be recorded: credential headers, Basic credentials, real-looking
/// auth_ids, anything shaped like a token; also inside URL-encoded and base64 text.
public enum CassetteLint {
    /// The headers that carry credentials or sessions.
    static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-auth-token", "x-api-key"]
    /// Object keys whose values are secrets whatever they look like.
    static let secretKeys = ["token", "secret", "password", "passwd", "api_key", "apikey", "authorization", "credential"]
    /// Documented stand-ins, not secrets.
    static let harmless: Set<String> = [Credentials.sandboxDefault.authID, "sandbox", Cassette.authIDPlaceholder, Cassette.authTokenPlaceholder, Redactor.mark]

    /// Every finding, in document order; the document must be JSON (HAR or not).
    public static func findings(in document: JSONValue) -> [LintFinding] {
        var findings: [LintFinding] = []
        walk(document, at: "", into: &findings)
        return findings
    }

    private static func walk(_ value: JSONValue, at path: String, into findings: inout [LintFinding]) {
        switch value {
        case .object(let pairs):
            // A header object: {"name": "Authorization", "value": "…"}.
            // A header, query parameter or cookie: {"name": "Authorization", "value": "…"}.
            if let name = value["name"]?.stringValue, let content = value["value"]?.stringValue, !content.isEmpty, !harmless.contains(content) {
                if secretHeaders.contains(name.lowercased()) {
                    let article = "aeiou".contains(name.lowercased().first ?? "x") ? "an" : "a"
                    findings.append(LintFinding(path: path, message: "\(article) \(name) header (headers that carry credentials are never recorded)"))
                } else if isSecretKey(name) {
                    findings.append(LintFinding(path: path, message: "a value for \(JSONValue.quoted(name)), which names a secret"))
                }
            }
            for (key, inner) in pairs {
                let innerPath = path.isEmpty ? key : "\(path).\(key)"
                if let text = inner.stringValue, isSecretKey(key), !text.isEmpty, !harmless.contains(text) {
                    findings.append(LintFinding(path: innerPath, message: "a value under \(JSONValue.quoted(key)), which names a secret"))
                    continue
                }
                walk(inner, at: innerPath, into: &findings)
            }
        case .array(let items):
            for (index, item) in items.enumerated() { walk(item, at: "\(path)[\(index)]", into: &findings) }
        case .string(let text):
            for message in inspect(text, depth: 0) { findings.append(LintFinding(path: path, message: message)) }
        default:
            break
        }
    }

    static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        guard lower != "session_uuid", lower != "api_id" else { return false }
        return secretKeys.contains { lower.contains($0) }
    }

    /// What in one piece of text looks like a secret; looks inside percent-encoded and
    /// base64 text too (two levels deep: base64 inside a URL is found).
    static func inspect(_ text: String, depth: Int) -> [String] {
        var messages: [String] = []
        let words = text.split(whereSeparator: { !isWordByte($0) })

        if let basic = text.ranges(of: /(?i)basic\s+[A-Za-z0-9+\/=_-]{4,}/).first {
            let encoded = text[basic].split(separator: " ", omittingEmptySubsequences: true).last ?? ""
            if let decoded = Base64.decode(encoded), let credentials = String(validating: decoded, as: UTF8.self), credentials.contains(":") {
                messages.append("Basic credentials (\(mask(String(credentials.prefix(while: { $0 != ":" })))):…)")
            }
        }
        // Credentials in a URL: `https://user:secret@host/`, `?auth_token=…`.
        if let userinfo = text.firstMatch(of: /:\/\/([^\/\s:@]+):([^\/\s@]+)@/) {
            messages.append("credentials in a URL (\(mask(String(userinfo.1))):…@)")
        }
        for parameter in text.matches(of: /[?&]([A-Za-z0-9_.-]+)=([^&#\s"]+)/) where isSecretKey(String(parameter.1)) {
            if !harmless.contains(String(parameter.2)) {
                messages.append("a value for \(JSONValue.quoted(String(parameter.1))) in a query string")
            }
        }
        for word in words {
            let candidate = String(word)
            if harmless.contains(candidate) { continue }
            if isAuthID(candidate) { messages.append("a real-looking auth_id (\(mask(candidate)))") }
        }
        // Tokens are runs of letters and digits only: a uuid or a temporary folder's name
        // (`vsh-e2e-EF76F592-…`) splits at its dashes.
        for run in text.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
            let candidate = String(run)
            if !isAuthID(candidate), looksLikeToken(candidate) {
                messages.append("something shaped like a token (\(mask(candidate)), \(candidate.count) characters)")
            }
        }
        guard depth < 2 else { return unique(messages) }
        if text.contains("%"), case let decoded = PercentEncoding.decode(text, plusIsSpace: true), decoded != text {
            messages += inspect(decoded, depth: depth + 1).map { "\($0), URL-encoded" }
        }
        for word in text.split(whereSeparator: { !isBase64Byte($0) }) where word.count >= 12 && !isAuthID(String(word)) {
            guard let bytes = Base64.decode(word), let decoded = String(validating: bytes, as: UTF8.self),
                decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
            else { continue }
            messages += inspect(decoded, depth: depth + 1).map { "\($0), inside base64" }
            if decoded.contains(":"), !messages.contains(where: { $0.hasPrefix("Basic credentials") }),
                decoded.split(separator: ":").first.map({ isAuthID(String($0)) }) == true
            {
                messages.append("base64 of credentials (\(mask(String(decoded.prefix(while: { $0 != ":" })))):…)")
            }
        }
        return unique(messages)
    }

    /// `MA` or `SA` and 18 of A-Z0-9, with at least one digit and one letter past the
    /// prefix (so a word such as `MAXIMUMSIZEEXCEEDED` is not one).
    static func isAuthID(_ word: String) -> Bool {
        guard Credentials.isWellFormed(authID: word), !harmless.contains(word) else { return false }
        let rest = word.utf8.dropFirst(2)
        return rest.contains(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            && rest.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
    }

    /// 24 or more letters and digits with upper case, lower case and digits mixed:
    /// how API tokens look (Plivo's are 40).
    public static func looksLikeToken(_ word: String) -> Bool {
        Redactor.looksLikeToken(word)
    }

    /// The first four characters and an ellipsis: enough to find it, not enough to use it.
    static func mask(_ secret: String) -> String {
        secret.count <= 4 ? "…" : String(secret.prefix(4)) + "…"
    }

    private static func isWordByte(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
    }

    private static func isBase64Byte(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "/" || character == "=")
    }

    private static func unique(_ messages: [String]) -> [String] {
        var seen = Set<String>()
        return messages.filter { seen.insert($0).inserted }
    }
}
