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
            // A HAR body marked base64 (browsers export binary and some text so): its decoding
            // is what is inspected; the encoded text itself is no token.
            if value["encoding"]?.stringValue == "base64", let encoded = value["text"]?.stringValue {
                if let bytes = Base64.decode(Substring(encoded)) {
                    let decoded = String(decoding: bytes, as: UTF8.self)
                    for message in inspect(decoded, depth: 1) {
                        findings.append(LintFinding(path: path.isEmpty ? "text" : "\(path).text", message: "\(message), inside base64"))
                    }
                }
                for (key, inner) in pairs where key != "text" {
                    walk(inner, at: path.isEmpty ? key : "\(path).\(key)", into: &findings)
                }
                return
            }
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
    ///
    /// Hand-written scans rather than regexes: lint reads every string of a cassette, and a
    /// 100,000-entry file must take seconds, not minutes.
    static func inspect(_ text: String, depth: Int) -> [String] {
        var messages: [String] = []
        let bytes = Array(text.utf8)

        if let encoded = basicCredentials(in: bytes),
            let decoded = Base64.decode(Substring(encoded)), let credentials = String(validating: decoded, as: UTF8.self), credentials.contains(":")
        {
            messages.append("Basic credentials (\(mask(String(credentials.prefix(while: { $0 != ":" })))):…)")
        }
        // Credentials in a URL: `https://user:secret@host/`, `?auth_token=…`.
        if let user = urlUserWithPassword(in: bytes) {
            messages.append("credentials in a URL (\(mask(user)):…@)")
        }
        for (name, value) in queryPairs(in: bytes) where isSecretKey(name) && !harmless.contains(value) {
            messages.append("a value for \(JSONValue.quoted(name)) in a query string")
        }
        for word in runs(in: bytes, of: isWordByte) {
            if harmless.contains(word) { continue }
            if isAuthID(word) { messages.append("a real-looking auth_id (\(mask(word)))") }
        }
        // Base64 words that decode to text are read for what they say, not taken for tokens.
        var base64Text: [(range: Range<Int>, decoded: String)] = []
        for (range, word) in runRanges(in: bytes, of: isBase64Byte) where range.count >= 12 && !isAuthID(word) {
            guard let decodedBytes = Base64.decode(Substring(word)), let decoded = String(validating: decodedBytes, as: UTF8.self),
                decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F || $0 == "\n" || $0 == "\r" || $0 == "\t" })
            else { continue }
            base64Text.append((range, decoded))
        }
        // Tokens are runs of letters and digits only: a uuid or a temporary folder's name
        // (`vsh-e2e-EF76F592-…`) splits at its dashes.
        for (range, candidate) in runRanges(in: bytes, of: isAlphanumeric) where !isAuthID(candidate) && looksLikeToken(candidate) {
            if base64Text.contains(where: { $0.range.contains(range.lowerBound) }) { continue }
            messages.append("something shaped like a token (\(mask(candidate)), \(candidate.count) characters)")
        }
        guard depth < 2 else { return unique(messages) }
        if bytes.contains(UInt8(ascii: "%")), case let decoded = PercentEncoding.decode(text, plusIsSpace: true), decoded != text {
            messages += inspect(decoded, depth: depth + 1).map { "\($0), URL-encoded" }
        }
        for (_, decoded) in base64Text {
            messages += inspect(decoded, depth: depth + 1).map { "\($0), inside base64" }
            if decoded.contains(":"), !messages.contains(where: { $0.hasPrefix("Basic credentials") }),
                decoded.split(separator: ":").first.map({ isAuthID(String($0)) }) == true
            {
                messages.append("base64 of credentials (\(mask(String(decoded.prefix(while: { $0 != ":" })))):…)")
            }
        }
        return unique(messages)
    }

    // MARK: Scanners

    /// The base64 after `Basic ` (any case, then white space), when it has 4 or more characters.
    static func basicCredentials(in bytes: [UInt8]) -> String? {
        let keyword = Array("basic".utf8)
        var index = 0
        while index + keyword.count < bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == keyword[0] else { continue }
            guard (0..<keyword.count).allSatisfy({ bytes[index + $0] | 0x20 == keyword[$0] }) else { continue }
            var cursor = index + keyword.count
            let spaces = cursor
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
            guard cursor > spaces else { continue }
            let start = cursor
            while cursor < bytes.count, isBase64Byte(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "_") || bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
            if cursor - start >= 4 { return String(decoding: bytes[start..<cursor], as: UTF8.self) }
        }
        return nil
    }

    /// The user of `scheme://user:password@`, when a URL carries both.
    static func urlUserWithPassword(in bytes: [UInt8]) -> String? {
        var index = 0
        while index + 3 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") else { continue }
            var cursor = index + 3
            let userStart = cursor
            func stop(_ b: UInt8) -> Bool { b == UInt8(ascii: "/") || b <= 0x20 || b == UInt8(ascii: "@") }
            while cursor < bytes.count, !stop(bytes[cursor]), bytes[cursor] != UInt8(ascii: ":") { cursor += 1 }
            guard cursor > userStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") else { continue }
            let user = String(decoding: bytes[userStart..<cursor], as: UTF8.self)
            cursor += 1
            let passwordStart = cursor
            while cursor < bytes.count, !stop(bytes[cursor]) { cursor += 1 }
            if cursor > passwordStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "@") { return user }
        }
        return nil
    }

    /// `name=value` pairs after `?` or `&`.
    static func queryPairs(in bytes: [UInt8]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "&") else { continue }
            var cursor = index + 1
            let nameStart = cursor
            while cursor < bytes.count, isAlphanumeric(bytes[cursor]) || [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")].contains(bytes[cursor]) { cursor += 1 }
            guard cursor > nameStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { continue }
            let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
            cursor += 1
            let valueStart = cursor
            while cursor < bytes.count, ![UInt8(ascii: "&"), UInt8(ascii: "#"), UInt8(ascii: "\"")].contains(bytes[cursor]), bytes[cursor] > 0x20 { cursor += 1 }
            if cursor > valueStart { pairs.append((name, String(decoding: bytes[valueStart..<cursor], as: UTF8.self))) }
            index = cursor - 1
        }
        return pairs
    }

    /// The maximal runs of bytes that `belongs` accepts.
    static func runs(in bytes: [UInt8], of belongs: (UInt8) -> Bool) -> [String] {
        runRanges(in: bytes, of: belongs).map(\.1)
    }

    static func runRanges(in bytes: [UInt8], of belongs: (UInt8) -> Bool) -> [(Range<Int>, String)] {
        var out: [(Range<Int>, String)] = []
        var start: Int?
        for index in 0...bytes.count {
            let inside = index < bytes.count && belongs(bytes[index])
            if inside, start == nil { start = index }
            if !inside, let begin = start {
                out.append((begin..<index, String(decoding: bytes[begin..<index], as: UTF8.self)))
                start = nil
            }
        }
        return out
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

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func isBase64Byte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    private static func unique(_ messages: [String]) -> [String] {
        var seen = Set<String>()
        return messages.filter { seen.insert($0).inserted }
    }
}
