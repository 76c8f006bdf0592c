import HTTPTypes
import Synchronization

/// The one place that decides what of a text is secret, and how it is shown.
///
/// Everything vsh writes for people or files (prints, diagnostics and the source line
/// they quote, reports, `-v` request lines, the prompt's status line, history, `save`,
/// cassettes and the miss report) passes through a `Redactor` holding every auth token
/// the run has seen. The rule (docs/language.md, "Secrets"):
///
/// - A secret of ``searchedLength`` characters or more (Plivo's tokens have 40) is
///   replaced wherever its bytes occur, inside longer words too (`x$TOKEN` must not leak);
///   so are its percent-encoded and JSON-escaped forms and base64 of `auth_id:token`.
/// - A shorter secret (`sandbox`, a one-letter test token) is never searched for in text:
///   that would shred prose (`running on the [redacted]`) and, by showing where it was cut,
///   reveal the token. It is replaced only where vsh knows the value came from the secret:
///   a value that *is* the secret (`print $PLIVO_AUTH_TOKEN`, a query or body value, an
///   assertion's operand), a text the interpreter built by interpolating it
///   (``addDerived(_:shown:)``), and the token argument of an `auth` line
///   (``redact(sourceLine:)``).
public struct Redactor: Sendable, Equatable {
    /// What a secret is shown as.
    public static let mark = "[redacted]"
    /// Secrets at least this long are searched for in any text; shorter ones are not.
    public static let searchedLength = 8
    /// The variable a saved script reads the token from.
    public static let tokenVariable = "PLIVO_AUTH_TOKEN"

    /// Secrets searched for in text, as UTF-8, longest first.
    private var searched: [[UInt8]] = []
    /// Short secrets, replaced only where a whole value is one.
    private var whole: Set<String> = []
    /// Texts the interpreter built from a secret, and how each is shown (`token: [redacted]`).
    private var derived: [String: String] = [:]

    public init() {}

    public init(_ secrets: some Sequence<String>) {
        for secret in secrets { add(secret) }
    }

    /// The environment's `PLIVO_AUTH_TOKEN`, when set.
    public init(environment: [String: String]) {
        if let token = environment[Self.tokenVariable] { add(token) }
    }

    public var isEmpty: Bool { searched.isEmpty && whole.isEmpty && derived.isEmpty }

    /// Every secret (short and long), for tests and for transports that substitute them.
    public var secrets: Set<String> {
        whole.union(searched.map { String(decoding: $0, as: UTF8.self) })
    }

    /// Whether a secret of this length is searched for in text.
    public static func isSearched(_ secret: String) -> Bool { secret.count >= searchedLength }

    /// Remembers a secret, with the forms it takes on the wire (percent-encoded, JSON-escaped).
    public mutating func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        guard Self.isSearched(secret) else {
            whole.insert(secret)
            return
        }
        var forms = [secret, PercentEncoding.encode(secret)]
        let escaped = JSONValue.string(secret).compactText
        forms.append(String(escaped.dropFirst().dropLast()))
        for form in forms {
            let bytes = Array(form.utf8)
            guard !searched.contains(bytes) else { continue }
            searched.append(bytes)
        }
        searched.sort { $0.count > $1.count }
    }

    /// A token and the `Authorization: Basic` text it makes with its auth_id.
    public mutating func add(token: String, authID: String?) {
        add(token)
        guard let authID, !token.isEmpty else { return }
        add(Base64.encode(Array("\(authID):\(token)".utf8)))
    }

    /// Everything another redactor knows.
    public mutating func merge(_ other: Redactor) {
        for secret in other.searched where !searched.contains(secret) { searched.append(secret) }
        searched.sort { $0.count > $1.count }
        whole.formUnion(other.whole)
        derived.merge(other.derived) { a, _ in a }
    }

    /// A text built from a short secret (`"token: $PLIVO_AUTH_TOKEN"`), and how to show it.
    public mutating func addDerived(_ text: String, shown: String) {
        guard text != shown, !text.isEmpty else { return }
        derived[text] = shown
    }

    /// Whether `value` as a whole is a secret (of any length).
    public func isSecret(_ value: String) -> Bool {
        whole.contains(value) || searched.contains(Array(value.utf8))
    }

    /// Whether `text` holds a secret: a searched one anywhere, a short one as the whole text.
    public func reveals(_ text: String) -> Bool {
        if whole.contains(text) || derived[text] != nil { return true }
        let bytes = Array(text.utf8)
        return searched.contains { !Self.occurrences(of: $0, in: bytes).isEmpty }
    }

    // MARK: Texts

    /// `text` with every secret in it shown as `replacement`.
    public func redact(_ text: String, with replacement: String = Redactor.mark) -> String {
        if isEmpty { return text }
        if whole.contains(text) { return replacement }
        if let shown = derived[text] { return replacement == Self.mark ? shown : replacement }
        let bytes = Array(text.utf8)
        let spans = spans(in: bytes)
        guard !spans.isEmpty else { return text }
        return String(decoding: Self.replace(spans, in: bytes, with: Array(replacement.utf8)), as: UTF8.self)
    }

    /// The byte ranges of `bytes` that hold a searched secret, merged.
    public func spans(in bytes: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        // Most texts are a status or a short value, shorter than any secret: no search at all.
        for secret in searched where secret.count <= bytes.count {
            found += Self.occurrences(of: secret, in: bytes)
        }
        return Self.merged(found)
    }

    /// Replaces `spans` (sorted, disjoint) with `replacement`.
    public static func replace(_ spans: [Range<Int>], in bytes: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for span in spans {
            out += bytes[at..<span.lowerBound]
            out += replacement
            at = span.upperBound
        }
        out += bytes[at...]
        return out
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Range<Int>] {
        guard let first = needle.first, needle.count <= haystack.count else { return [] }
        var found: [Range<Int>] = []
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) {
                found.append(index..<index + needle.count)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let lastRange = out.last, range.lowerBound < lastRange.upperBound {
                out[out.count - 1] = lastRange.lowerBound..<max(lastRange.upperBound, range.upperBound)
            } else {
                out.append(range)
            }
        }
        return out
    }

    // MARK: Values and requests

    /// A JSON value with every string (keys included) redacted: a string that is a secret
    /// becomes `replacement` whatever the secret's length.
    public func redact(_ value: JSONValue, with replacement: String = Redactor.mark) -> JSONValue {
        if isEmpty { return value }
        switch value {
        case .string(let text): return .string(redact(text, with: replacement))
        case .number, .bool:
            let text = value.compactText
            return isSecret(text) ? .string(replacement) : value
        case .array(let items): return .array(items.map { redact($0, with: replacement) })
        case .object(let pairs): return .object(pairs.map { (key: redact($0.key, with: replacement), value: redact($0.value, with: replacement)) })
        case .null: return value
        }
    }

    /// A request safe to print or log: no `Authorization` header, secrets out of its path,
    /// query and body.
    public func redact(_ request: APIRequest, with replacement: String = Redactor.mark) -> APIRequest {
        var copy = request.redacted
        guard !isEmpty else { return copy }
        copy.path = redact(copy.path, with: replacement)
        copy.query = copy.query.map { QueryItem(redact($0.name, with: replacement), redact($0.value, with: replacement)) }
        copy.body = copy.body.map { redact($0, with: replacement) }
        var fields = HTTPFieldsCopy(copy.headerFields)
        fields.redact(with: self, replacement: replacement)
        copy.headerFields = fields.fields
        return copy
    }

    // MARK: Script text

    /// A line of a script (or of the prompt) as it may be shown: secrets replaced, and the
    /// token argument of an `auth` line (or of a slip such as `atuh`) replaced whatever its
    /// length, unless it is a variable reference (`$PLIVO_AUTH_TOKEN`). Also catches a
    /// token given where the auth ID goes (`auth $TOKEN` written out, arguments swapped).
    /// A script's text, each line as a quoted source line is shown (``redact(sourceLine:with:)``).
    public func redactLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { redact(sourceLine: String($0)) }.joined(separator: "\n")
    }

    public func redact(sourceLine line: String, with replacement: String = Redactor.mark) -> String {
        let bytes = Array(line.utf8)
        let spans = sourceSpans(in: bytes)
        guard !spans.isEmpty else { return line }
        return String(decoding: Self.replace(spans, in: bytes, with: Array(replacement.utf8)), as: UTF8.self)
    }

    /// A source line's bytes with its secrets replaced, and where `span` (a caret's byte
    /// range in the original) falls in them: a span touching a secret covers its mark.
    public func redact(sourceLine bytes: [UInt8], span: Range<Int>) -> (bytes: [UInt8], span: Range<Int>) {
        let spans = sourceSpans(in: bytes)
        guard !spans.isEmpty else { return (bytes, span) }
        let mark = Array(Self.mark.utf8)
        func map(_ offset: Int, upper: Bool) -> Int {
            var shift = 0
            for hidden in spans {
                if offset <= hidden.lowerBound { break }
                if offset < hidden.upperBound { return hidden.lowerBound + shift + (upper ? mark.count : 0) }
                shift += mark.count - hidden.count
            }
            return offset + shift
        }
        let lower = map(span.lowerBound, upper: false)
        let upper = max(lower, map(span.upperBound, upper: true))
        return (Self.replace(spans, in: bytes, with: mark), lower..<upper)
    }

    /// The byte ranges of a source line to hide: searched secrets, and the token arguments
    /// of an `auth` line.
    public func sourceSpans(in bytes: [UInt8]) -> [Range<Int>] {
        var found = spans(in: bytes)
        // The line, and what follows a ` { ` on it (an `auth` written after a block's brace).
        var starts = [0]
        var quoted = false
        for position in bytes.indices {
            let b = bytes[position]
            if b == UInt8(ascii: "\""), position == 0 || bytes[position - 1] != UInt8(ascii: "\\") { quoted.toggle() }
            if !quoted, b == UInt8(ascii: "{"), position + 1 < bytes.count, Self.isSpace(bytes[position + 1]) { starts.append(position + 1) }
        }
        let arguments = starts.flatMap { start in
            Self.authArguments(in: Array(bytes[start...])).map { argument in
                var shifted = argument
                shifted.range = (argument.range.lowerBound + start)..<(argument.range.upperBound + start)
                return shifted
            }
        }
        for argument in arguments {
            let text = String(decoding: bytes[argument.range], as: UTF8.self)
            let literal = argument.literal
            if argument.position >= 1, !Self.isVariableReference(text) {
                found.append(argument.range)
            } else if argument.position == 0, !Self.isVariableReference(text), !Credentials.isWellFormed(authID: literal),
                isSecret(literal) || Self.looksLikeToken(literal) || literal.utf8.count > 24
            {
                // A token where the auth ID goes: shown neither in the excerpt nor in a message.
                found.append(argument.range)
            }
        }
        return Self.merged(found)
    }

    /// Literal tokens written into a script's `auth` lines: secrets before the line runs,
    /// so that a diagnostic about an earlier line (or the check) never shows them.
    public mutating func learnTokens(fromScript text: String) {
        for bytes in Self.logicalLines(Array(text.utf8)) {
            for argument in Self.authArguments(in: bytes) where argument.position == 1 {
                let literal = argument.literal
                if !Self.isVariableReference(String(decoding: bytes[argument.range], as: UTF8.self)), !literal.contains("$"),
                    !Credentials.isWellFormed(authID: literal)
                {
                    add(literal)
                }
            }
        }
    }

    /// The lines an `auth` command can be on, as the lexer reads them: split at LF, CR LF and
    /// a lone CR (bytes, not Swift characters, for which CR LF is one), a `\` at the end of a
    /// line joined with the next, and what follows a block's ` { ` on its line as a line too
    /// (the parser refuses it, but it must not show its token while saying so).
    static func logicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var pending: [UInt8] = []
        var lineStart = 0
        var index = 0
        // Only a line with an `a` (or `A`) can hold an `auth` (or a slip of it): the others,
        // most of a big file, cost no copy.
        func finish(_ range: Range<Int>, continued: Bool) {
            if continued {
                pending += bytes[range]
                return
            }
            let hasA = pending.contains { $0 == 0x61 || $0 == 0x41 } || bytes[range].contains { $0 == 0x61 || $0 == 0x41 }
            defer { pending.removeAll() }
            guard hasA else { return }
            let joined = pending + bytes[range]
            lines.append(joined)
            // After ` { ` (outside quotes), the rest of the line as a line of its own.
            var quoted = false
            for position in joined.indices {
                let b = joined[position]
                if b == UInt8(ascii: "\""), position == 0 || joined[position - 1] != UInt8(ascii: "\\") { quoted.toggle() }
                if !quoted, b == UInt8(ascii: "{"), position + 1 < joined.count, isSpace(joined[position + 1]) {
                    lines.append(Array(joined[(position + 1)...]))
                }
            }
        }
        while index <= bytes.count {
            let atEnd = index == bytes.count
            if atEnd || bytes[index] == 0x0A || bytes[index] == 0x0D {
                var end = index
                let continued = end > lineStart && bytes[end - 1] == UInt8(ascii: "\\")
                if continued { end -= 1 }
                finish(lineStart..<end, continued: continued && !atEnd)
                if !atEnd, bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                lineStart = index + 1
            }
            index += 1
        }
        return lines.filter { !$0.isEmpty }
    }

    /// White space between arguments, as the lexer takes it: space, tab, vertical tab, form feed.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C }

    struct AuthArgument {
        /// 0: the auth ID, 1: the token, 2…: what follows (a quoted token may hold spaces).
        var position: Int
        var range: Range<Int>
        /// The argument without its quotes.
        var literal: String
    }

    /// The arguments of an `auth` line (or of a slip such as `atuh`, `Auth`), up to a comment.
    static func authArguments(in bytes: [UInt8]) -> [AuthArgument] {
        var index = 0
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        let commandStart = index
        while index < bytes.count, !isSpace(bytes[index]) { index += 1 }
        guard index - commandStart <= 5, isAuthLike(String(decoding: bytes[commandStart..<index], as: UTF8.self)) else { return [] }
        var arguments: [AuthArgument] = []
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] != UInt8(ascii: "#") else { break }
            let start = index
            var literal: [UInt8] = []
            var quoted = false
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    quoted.toggle()
                } else if b == UInt8(ascii: "\\"), quoted, index + 1 < bytes.count {
                    index += 1
                    literal.append(bytes[index])
                } else if isSpace(b), !quoted {
                    break
                } else {
                    literal.append(b)
                }
                index += 1
            }
            arguments.append(AuthArgument(position: arguments.count, range: start..<index, literal: String(decoding: literal, as: UTF8.self)))
        }
        return arguments
    }

    /// `$NAME`, `${NAME}`, `"$NAME"`, `"${NAME}"`.
    static func isVariableReference(_ text: String) -> Bool {
        var inner = Substring(text)
        if inner.count >= 2, inner.hasPrefix("\""), inner.hasSuffix("\"") { inner = inner.dropFirst().dropLast() }
        guard inner.hasPrefix("$") else { return false }
        inner = inner.dropFirst()
        if inner.hasPrefix("{") {
            guard inner.hasSuffix("}") else { return false }
            inner = inner.dropFirst().dropLast()
        }
        guard let first = inner.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return inner.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `auth`, or a slip of it (`atuh`, `auht`, `Auth`): its second argument is a token either way.
    public static func isAuthLike(_ word: some StringProtocol) -> Bool {
        guard (3...5).contains(word.utf8.count) else { return false }
        let lower = word.lowercased()
        if lower == "auth" { return true }
        guard (3...5).contains(lower.count), lower.first == "a" else { return false }
        return editDistance(Array(lower.utf8), Array("auth".utf8)) <= 2
    }

    /// Shaped like a token: 24 or more letters and digits mixing upper case, lower case and digits.
    public static func looksLikeToken(_ word: String) -> Bool {
        guard word.utf8.count >= 24 else { return false }
        let bytes = word.utf8
        guard bytes.allSatisfy({ isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        let upper = bytes.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        let lower = bytes.contains { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        let digit = bytes.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        return upper && lower && digit
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Header values redacted in place (names are kept).
struct HTTPFieldsCopy {
    var fields: HTTPFields

    init(_ fields: HTTPFields) { self.fields = fields }

    mutating func redact(with redactor: Redactor, replacement: String) {
        var out = HTTPFields()
        for field in fields {
            out.append(HTTPField(name: field.name, value: redactor.redact(field.value, with: replacement)))
        }
        fields = out
    }
}

/// One ``Redactor`` shared by everything that writes for one run or one prompt session:
/// the interpreter adds the tokens it authenticates with, the printers, reports, history,
/// `save` and the cassette transports read it.
public final class SharedRedactor: Sendable {
    private let state: Mutex<Redactor>

    public init(_ redactor: Redactor = Redactor()) {
        state = Mutex(redactor)
    }

    public var current: Redactor { state.withLock { $0 } }

    public func update(_ body: (inout Redactor) -> Void) {
        state.withLock { body(&$0) }
    }
}

extension APIRequest {
    /// Path and query as a person reads them: like ``target``, but `[redacted]` stays as it is.
    public var shownTarget: String {
        guard !query.isEmpty else { return path }
        let mark = Redactor.mark
        func encode(_ text: String) -> String {
            text.split(separator: mark, omittingEmptySubsequences: false).map { PercentEncoding.encode(String($0)) }.joined(separator: mark)
        }
        return path + "?" + query.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }
}
