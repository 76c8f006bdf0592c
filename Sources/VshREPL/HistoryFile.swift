import VerifyAPI
import VshSystem
import VshSyntax

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prompt's history on disk (SPEC section 5): `$VSH_HISTORY`, else
/// `$XDG_STATE_HOME/vsh/history`, else `~/.local/state/vsh/history`; mode 0600,
/// created with its folders. Lines are appended as they are entered, scrubbed:
/// the token of an `auth` line, and every known secret, never reach the file.
/// Lines that failed to parse are kept (people fix them with Up).
public final class HistoryFile {
    public let path: String
    /// The most lines kept when loading.
    public let limit: Int

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = limit
    }

    /// Where the history lives for this environment; nil when there is no home to put it in.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let path = environment["VSH_HISTORY"], !path.isEmpty { return path }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/vsh/history" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/vsh/history"
    }

    /// The last ``limit`` lines, oldest first; none when the file does not exist yet.
    public func load() -> [String] {
        // A history over the cap is not loaded (and never rewritten: lines are only appended).
        guard case .success(let bytes) = FileSystem.read(path, limit: FileSystem.Limit.history) else { return [] }
        let lines = bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        return Array(lines.suffix(limit))
    }

    /// Appends one entered line, scrubbed. Returns why it could not (the prompt says so once).
    @discardableResult
    public func append(_ line: String, secrets: Set<String>) -> String? {
        append(line, redactor: Redactor(secrets))
    }

    /// Appends one entered line, scrubbed by `redactor`'s rule. Returns why it could not.
    @discardableResult
    public func append(_ line: String, redactor: Redactor) -> String? {
        let scrubbed = Self.scrub(line, redactor: redactor)
        guard !scrubbed.isEmpty else { return nil }
        if let problem = Self.makeFolders(for: path) { return problem }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot write the history \(path): \(String(cString: strerror(errno)).lowercased())" }
        defer { close(fd) }
        // A file made earlier with a looser mode is tightened.
        _ = fchmod(fd, 0o600)
        FileSystem.writeAll(fd, Array((scrubbed.replacing("\n", with: " ") + "\n").utf8))
        return nil
    }

    /// `auth MA… s3cret` → `auth MA… $PLIVO_AUTH_TOKEN`, which works when recalled; any
    /// other occurrence of a secret → `[redacted]`.
    public static func scrub(_ line: String, secrets: Set<String>) -> String {
        scrub(line, redactor: Redactor(secrets))
    }

    /// The same, with the secrets (and the rule for short ones) of a ``Redactor``.
    public static func scrub(_ line: String, redactor: Redactor) -> String {
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // Anything shaped like a token goes, whatever the line: a mistyped `atuh MA… TOKEN`
        // fails to parse and is still kept, and so is `authMA…TOKEN` typed without spaces.
        for index in words.indices where Redactor.looksLikeToken(words[index].filter { $0 != "\"" && $0 != "'" }) {
            words[index] = "[redacted]"
        }
        if let first = words.firstIndex(where: { !$0.isEmpty }), Redactor.isAuthLike(words[first]) {
            let arguments = words.indices.filter { $0 > first && !words[$0].isEmpty }
            if arguments.count >= 2, !words[arguments[1]].hasPrefix("$") {
                // Everything from the token on (a quoted token may hold spaces; a comment may follow).
                words = Array(words[...arguments[1]])
                words[arguments[1]] = "$PLIVO_AUTH_TOKEN"
            }
        }
        // Other secrets (a swapped `auth TOKEN MA…` included) by the one rule.
        return redactor.redact(sourceLine: words.joined(separator: " "))
    }

    static func makeFolders(for path: String) -> String? {
        var folder = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, part) in parts.enumerated() {
            folder += (index == 0 ? "" : "/") + part
            guard !folder.isEmpty, !part.isEmpty else { continue }
            if FileSystem.kind(of: folder) == nil, mkdir(folder, 0o700) != 0, errno != EEXIST {
                return "cannot create \(folder) for the history: \(String(cString: strerror(errno)).lowercased())"
            }
        }
        return nil
    }
}
