import VshRuntime
import VshSyntax

/// What `save FILE.vsh` writes: the statements of the session that succeeded, as
/// typed, each request followed by `assert status == N` with the status it got
/// (unless the next saved statement already asserts on the status).
public struct SavedScript: Sendable {
    struct Entry: Sendable {
        var text: String
        var statement: Statement
        /// The status a request got; nil for other statements.
        var status: Int?
    }

    private(set) var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Keeps a statement that ran without failure, with its source text.
    public mutating func append(_ statement: Statement, text: String, status: Int?) {
        let scrubbed: String
        if case .auth = statement.command {
            scrubbed = HistoryFile.scrub(text, secrets: [])
        } else {
            scrubbed = text
        }
        entries.append(Entry(text: scrubbed, statement: statement, status: statement.sendsRequest ? status : nil))
    }

    /// The script, with a header naming where it came from.
    public func render(transport: String, date: String) -> String {
        var out = "#!/usr/bin/env vsh\n# Saved from the vsh prompt (transport: \(transport)) on \(date).\n"
        for (index, entry) in entries.enumerated() {
            out += entry.text + "\n"
            guard let status = entry.status else { continue }
            let next = index + 1 < entries.count ? entries[index + 1].statement : nil
            if !Interpreter.expectsStatus(next) { out += "assert status == \(status)\n" }
        }
        return out
    }
}
