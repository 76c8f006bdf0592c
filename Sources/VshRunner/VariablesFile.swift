import VshSyntax
import VshSystem

/// `--vars-file FILE`: `NAME=VALUE` lines; blank lines and `#` comments are skipped; a value
/// wrapped in matching double or single quotes loses them. Names follow `--var`'s rule.
public enum VariablesFile {
    /// The variables, or the first malformed line as a diagnostic (exit 2).
    public static func parse(_ file: SourceFile) -> Result<[String: String], Diagnostic> {
        var variables: [String: String] = [:]
        var offset = 0
        for (index, line) in file.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            defer { offset += line.count + 1 }
            let number = index + 1
            var bytes = Array(line)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            let indent = bytes.prefix(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).count
            let content = bytes[indent...]
            if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
            func range(_ from: Int, _ to: Int) -> SourceRange {
                SourceLocation(offset: offset + from, line: number, column: from + 1)..<SourceLocation(offset: offset + to, line: number, column: to + 1)
            }
            guard let equals = content.firstIndex(of: UInt8(ascii: "=")) else {
                return .failure(Diagnostic("expected NAME=VALUE", at: range(indent, bytes.count), hint: "comments start with #"))
            }
            // Spaces around `=` are allowed (`NAME = VALUE`), as many .env readers allow them.
            var nameEnd = equals
            while nameEnd > indent, bytes[nameEnd - 1] == UInt8(ascii: " ") || bytes[nameEnd - 1] == UInt8(ascii: "\t") { nameEnd -= 1 }
            let name = String(decoding: bytes[indent..<nameEnd], as: UTF8.self)
            guard isVariableName(name) else {
                return .failure(
                    Diagnostic(
                        "\(JSONQuote.quote(name)) is not a variable name", at: range(indent, max(indent + 1, nameEnd)),
                        hint: "letters, digits and _, not starting with a digit"))
            }
            guard !Checker.builtins.contains(name) else {
                return .failure(Diagnostic("$\(name) is built in and cannot be set", at: range(indent, nameEnd)))
            }
            var valueStart = equals + 1
            while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") || bytes[valueStart] == UInt8(ascii: "\t") { valueStart += 1 }
            var value = String(decoding: bytes[valueStart...], as: UTF8.self)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            variables[name] = value
        }
        return .success(variables)
    }

    /// `VSH_VAR_NAME=value` in the environment → `NAME`.
    public static func fromEnvironment(_ environment: [String: String]) -> [String: String] {
        var variables: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix("VSH_VAR_") {
            let name = String(key.dropFirst(8))
            if isVariableName(name), !Checker.builtins.contains(name) { variables[name] = value }
        }
        return variables
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20) else {
            return false
        }
        return name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}

enum JSONQuote {
    static func quote(_ text: String) -> String { "\"" + text + "\"" }
}

extension VariablesFile {
    /// Reads and parses `--vars-file PATH`: a missing file is exit 1, a malformed line exit 2
    /// (shown with its caret).
    public static func load(_ path: String) -> Result<[String: String], CommandError> {
        let bytes: [UInt8]
        switch FileSystem.read(path, limit: FileSystem.Limit.variables) {
        case .success(let read): bytes = read
        case .failure(let error): return .failure(error.error(file: path, reading: "a --vars-file", flag: "--vars-file"))
        }
        let file = SourceFile(name: path, bytes: bytes)
        switch parse(file) {
        case .success(let variables): return .success(variables)
        case .failure(let diagnostic): return .failure(CommandError(diagnostic, in: file))
        }
    }
}
