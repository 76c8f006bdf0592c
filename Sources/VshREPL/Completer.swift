import VerifyAPI
import VshSyntax

/// What Tab offers: candidates for the word that ends at the cursor.
public struct Completion: Sendable, Equatable {
    /// Where the word being completed starts, in UTF-8 bytes from the start of the line.
    public var wordStart: Int
    /// Whole replacements for that word, sorted.
    public var candidates: [String]

    public init(wordStart: Int, candidates: [String]) {
        self.wordStart = wordStart
        self.candidates = candidates
    }

    /// What all candidates share beyond the typed word: what Tab can insert at once.
    public var commonPrefix: String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}

/// Tab completion for the prompt: commands and sub-commands, the `key=` names each
/// command takes, the values of enumerations, `$variables`, and `body.` paths of the
/// last answer. Pure: the REPL hands it what it knows ( ``Context`` ).
public struct Completer: Sendable {
    public struct Context: Sendable {
        /// Variable names, without `$`.
        public var variables: [String]
        /// The last answer's JSON, for `body.` paths.
        public var lastBody: JSONValue?

        public init(variables: [String] = [], lastBody: JSONValue? = nil) {
            self.variables = variables
            self.lastBody = lastBody
        }
    }

    /// The commands of the language, then the prompt's own.
    public static let commands = CommandTable.names + REPLCommand.names
    public static let sessionSubcommands = CommandTable.session.subcommands.map(\.name)
    public static let transports = ["live", "record", "replay", "sandbox"]
    static let expressionWords = ["body", "header", "status"]
    static let builtinVariables = BuiltinVariable.allCases.map(\.rawValue)

    public init() {}

    /// Candidates for the word before `cursor` (a UTF-8 offset into `line`).
    public func complete(_ line: String, cursor: Int, context: Context) -> Completion {
        let bytes = Array(line.utf8.prefix(cursor))
        let before = String(decoding: bytes, as: UTF8.self)
        // The word: back to the last space (a quoted string is not completed).
        var start = bytes.count
        while start > 0, bytes[start - 1] != UInt8(ascii: " ") { start -= 1 }
        let word = String(decoding: bytes[start...], as: UTF8.self)
        let earlier = before.utf8.prefix(start).split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }

        let candidates: [String]
        if word.hasPrefix("$") {
            candidates = (Self.builtinVariables + context.variables).map { "$" + $0 }
        } else if word.hasPrefix("body.") || word.hasPrefix("body[") || (word == "body" && !earlier.isEmpty && earlier.first != "session") {
            candidates = bodyPaths(word, in: context.lastBody)
        } else if earlier.isEmpty {
            candidates = Self.commands
        } else {
            candidates = arguments(after: earlier, word: word, context: context)
        }
        // A quoted key (`body."odd key"`) matches what was typed without its quote too.
        let matching = Array(Set(candidates.filter { $0.hasPrefix(word) || $0.replacing("\"", with: "").hasPrefix(word) })).sorted()
        return Completion(wordStart: start, candidates: matching)
    }

    private func arguments(after earlier: [String], word: String, context: Context) -> [String] {
        switch earlier[0] {
        case "session":
            guard earlier.count >= 2 else { return Self.sessionSubcommands }
            switch earlier[1] {
            case "create": return parameters(VerifyParameters.create, word: word, given: earlier.dropFirst(2))
            case "list": return parameters(VerifyParameters.list, word: word, given: earlier.dropFirst(2))
            default: return []
            }
        case "fault":
            // `fault ENDPOINT [drop|reset] [key=value…]`, or `fault clear`.
            guard earlier.count >= 2 else { return VerifyParameters.faultEndpoints + ["clear"] }
            guard VerifyParameters.faultEndpoints.contains(earlier[1]) else { return [] }
            let given = earlier.dropFirst(2)
            // The bare flags (`drop`, `reset`) come first, right after the endpoint.
            let flags = given.isEmpty ? VerifyParameters.faultFlags : []
            return flags + parameters(VerifyParameters.fault, word: word, given: given)
        case "help":
            return earlier.count == 1 ? Self.commands : []
        case "transport":
            return earlier.count == 1 ? Self.transports : []
        case "assert", "print":
            return Self.expressionWords + Self.builtinVariables.map { "$" + $0 } + context.variables.map { "$" + $0 }
        case "let":
            return earlier.count >= 3 ? Self.expressionWords : []
        default:
            return []
        }
    }

    /// `name=` for each parameter not given yet; after `name=`, its choices.
    private func parameters(_ specs: [ParameterSpec], word: String, given: ArraySlice<String>) -> [String] {
        if let equals = word.firstIndex(of: "=") {
            let name = String(word[..<equals])
            guard let spec = specs.first(where: { $0.name == name }), case .choice(let values) = spec.kind else { return [] }
            return values.map { "\(name)=\($0)" }
        }
        let named = Set(given.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        return specs.filter { !named.contains($0.name) }.map { $0.name + "=" }
    }

    /// `body.se` → `body.sessions`, `body.session_uuid`; `body.sessions[0].` → its keys.
    private func bodyPaths(_ word: String, in body: JSONValue?) -> [String] {
        guard let body else { return [] }
        // Split at the last `.`: what comes before is a path to a value, after it a key prefix.
        guard let dot = word.lastIndex(of: ".") else { return word == "body" ? ["body."] : [] }
        let base = String(word[..<dot])
        guard let value = resolve(base, in: body) else { return [] }
        switch value {
        case .object(let pairs):
            return pairs.map { pair in
                let isSimple = pair.key.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }
                let key = isSimple ? pair.key : JSONValue.quoted(pair.key)
                let path = "\(base).\(key)"
                switch pair.value {
                case .array(let items) where !items.isEmpty: return path + "["
                case .object(let inner) where !inner.isEmpty: return path + "."
                default: return path
                }
            }
        default:
            return []
        }
    }

    /// `body.sessions[0]` → that value in `body`.
    private func resolve(_ path: String, in body: JSONValue) -> JSONValue? {
        guard path.hasPrefix("body") else { return nil }
        var value = body
        var rest = Substring(path.dropFirst(4))
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                var key = String(rest[..<end])
                if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
                guard let next = value[key] else { return nil }
                value = next
                rest = rest[end...]
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    let next = value[index]
                else { return nil }
                value = next
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        return value
    }
}
