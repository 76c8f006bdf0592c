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
    public static func expand(_ paths: [String]) throws(CommandError) -> [ScriptInput] {
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
                for file in found where firstTime(file) { inputs.append(ScriptInput(name: file, path: file)) }
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

    /// Reads a script's bytes, at most ``FileSystem/Limit/script`` of them.
    public static func read(_ input: ScriptInput) -> Result<[UInt8], FileSystem.ReadFailure> {
        guard let path = input.path else { return FileSystem.readAll(0, limit: FileSystem.Limit.script) }
        return FileSystem.read(path, limit: FileSystem.Limit.script)
    }
}
