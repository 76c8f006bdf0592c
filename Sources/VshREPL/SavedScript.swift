import VerifyAPI
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

    /// Keeps a statement that ran without failure, with its source text. A token in it
    /// (by the ``Redactor`` rule: the token argument of `auth`, any secret long enough to
    /// be searched for) becomes a reference to `$PLIVO_AUTH_TOKEN`, so the saved script
    /// holds no secret and still runs with the variable set.
    public mutating func append(_ statement: Statement, text: String, status: Int?, redactor: Redactor = Redactor()) {
        let scrubbed: String
        if case .auth = statement.command {
            scrubbed = HistoryFile.scrub(text, redactor: redactor)
        } else {
            scrubbed = Self.referencingToken(text, redactor: redactor)
        }
        // A block's or an include's requests are many: no single status to assert after it.
        let single = statement.sendsRequest && statement.blocks.isEmpty && { if case .include = statement.command { false } else { true } }()
        entries.append(Entry(text: scrubbed, statement: statement, status: single ? status : nil))
    }

    /// The script, with a header naming where it came from, in canonical form (blocks typed
    /// at the prompt come back indented, as `vsh fmt` writes them).
    public func render(transport: String, date: String) -> String {
        let text = rawText(transport: transport, date: date)
        if case .success(let formatted) = Formatter.format(SourceFile(name: "<save>", text: text)) { return formatted }
        return text
    }

    private func rawText(transport: String, date: String) -> String {
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

extension SavedScript {
    /// `text` with each secret replaced by a reference to the token variable: `${NAME}`
    /// inside a string, `$NAME` for a whole bare argument or value, and a bare word that
    /// holds a secret among other characters becomes a string (`x${NAME}y` would not be one word).
    static func referencingToken(_ text: String, redactor: Redactor) -> String {
        var bytes = Array(text.utf8)
        let spans = redactor.sourceSpans(in: bytes)
        guard !spans.isEmpty else { return text }
        let name = Redactor.tokenVariable
        func quotedBefore(_ offset: Int, in bytes: [UInt8]) -> Bool {
            var quoted = false
            var index = 0
            while index < offset {
                if bytes[index] == UInt8(ascii: "\\"), quoted { index += 2; continue }
                if bytes[index] == UInt8(ascii: "\"") { quoted.toggle() }
                index += 1
            }
            return quoted
        }
        func isBreak(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func escaped(_ slice: ArraySlice<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            for b in slice {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "$") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            return out
        }
        // Right to left, so earlier offsets stay valid.
        for span in spans.reversed() {
            if quotedBefore(span.lowerBound, in: bytes) {
                bytes.replaceSubrange(span, with: Array("${\(name)}".utf8))
                continue
            }
            var start = span.lowerBound
            while start > 0, !isBreak(bytes[start - 1]), bytes[start - 1] != UInt8(ascii: "=") { start -= 1 }
            var end = span.upperBound
            while end < bytes.count, !isBreak(bytes[end]) { end += 1 }
            if start == span.lowerBound, end == span.upperBound {
                bytes.replaceSubrange(span, with: Array("$\(name)".utf8))
            } else {
                let word = [UInt8(ascii: "\"")] + escaped(bytes[start..<span.lowerBound]) + Array("${\(name)}".utf8)
                    + escaped(bytes[span.upperBound..<end]) + [UInt8(ascii: "\"")]
                bytes.replaceSubrange(start..<end, with: word)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
