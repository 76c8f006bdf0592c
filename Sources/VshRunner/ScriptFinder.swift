import VshSyntax
import VshSystem

/// A script to run: a file, or standard input.
public struct ScriptInput: Sendable, Hashable {
    /// What diagnostics and results call it: the path as found, or `<stdin>`.
    public var name: String
    /// nil for standard input.
    public var path: String?

    public static let standardInput = ScriptInput(name: "<stdin>", path: nil)

    public init(name: String, path: String?) {
        self.name = name
        self.path = path
    }
}

/// Expands `vsh run` arguments: files as given, directories into every `*.vsh`
/// below them in sorted order, `-` into standard input.
public enum ScriptFinder {
    /// `parts`: whether a folder's scripts that others include are listed too (`vsh fmt`
    /// formats them; `run` and `check` reach them through their includers).
    public static func expand(_ paths: [String], parts: Bool = false) throws(CommandError) -> [ScriptInput] {
        var inputs: [ScriptInput] = []
        // By identity, not by name: `a.vsh`, `./a.vsh` and a link to it are one script, run once.
        var seen = Set<FileSystem.Identity>()
        func firstTime(_ path: String) -> Bool {
            guard let identity = FileSystem.identity(of: path) else { return true }
            return seen.insert(identity).inserted
        }
        for path in paths {
            if path == "-" {
                inputs.append(.standardInput)
                continue
            }
            guard let kind = FileSystem.kind(of: path) else {
                throw CommandError("no such file or directory: \(path)")
            }
            if kind == .directory {
                let found = scripts(under: path)
                guard !found.isEmpty else { throw CommandError("no *.vsh scripts under \(path)") }
                // A script another one found here includes is a part of that one, run through it.
                let skipped = parts ? [] : included(by: found)
                for file in found where firstTime(file) {
                    if let identity = IncludeReader.identity(of: file), skipped.contains(identity) { continue }
                    inputs.append(ScriptInput(name: file, path: file))
                }
            } else if firstTime(path) {
                inputs.append(ScriptInput(name: path, path: path))
            }
        }
        return inputs
    }

    /// Every `*.vsh` below `directory`, sorted by path; hidden files and folders are skipped.
    /// Links are followed, but each folder is walked once, so a link loop ends the walk there.
    static func scripts(under directory: String) -> [String] {
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var found: [String] = []
        var pending = [base]
        var walked = Set<FileSystem.Identity>()
        while let folder = pending.popLast() {
            if let identity = FileSystem.identity(of: folder), !walked.insert(identity).inserted { continue }
            for name in FileSystem.entries(of: folder) where !name.hasPrefix(".") {
                let full = folder == "/" ? "/" + name : folder + "/" + name
                switch FileSystem.kind(of: full) {
                case .directory: pending.append(full)
                case .file where name.hasSuffix(".vsh"): found.append(full)
                default: break
                }
            }
        }
        return found.sorted()
    }

    /// The identities of the scripts among `scripts` that are parts of others: included by a
    /// script that nothing else includes, or by such a part. (Scripts that only include each
    /// other in a cycle are all run, so the cycle is reported.) Only files that hold the word
    /// `include` are parsed.
    static func included(by scripts: [String]) -> Set<String> {
        var edges: [String: Set<String>] = [:]
        var identities: [String] = []
        for path in scripts {
            guard let identity = IncludeReader.identity(of: path) else { continue }
            identities.append(identity)
            guard case .success(let bytes) = FileSystem.read(path, limit: FileSystem.Limit.script),
                bytes.firstRange(of: Array("include".utf8)) != nil
            else { continue }
            var targets: Set<String> = []
            func walk(_ statements: [Statement]) {
                for statement in statements {
                    if case .include(let include) = statement.command,
                        let target = IncludeReader.identity(of: IncludeLoader.path(include.path, relativeTo: path)), target != identity
                    {
                        targets.insert(target)
                    }
                    for block in statement.blocks { walk(block.statements) }
                }
            }
            walk(Parser.parse(SourceFile(name: path, bytes: bytes)).script.statements)
            edges[identity] = targets
        }
        let includedByAnother = Set(edges.values.flatMap { $0 })
        let roots = identities.filter { !includedByAnother.contains($0) }
        var parts: Set<String> = []
        var pending = roots
        while let next = pending.popLast() {
            for target in edges[next] ?? [] where !roots.contains(target) && parts.insert(target).inserted { pending.append(target) }
        }
        return parts
    }

    /// Reads a script's bytes, at most ``FileSystem/Limit/script`` of them.
    public static func read(_ input: ScriptInput) -> Result<[UInt8], FileSystem.ReadFailure> {
        guard let path = input.path else { return FileSystem.readAll(0, limit: FileSystem.Limit.script) }
        return FileSystem.read(path, limit: FileSystem.Limit.script)
    }
}
