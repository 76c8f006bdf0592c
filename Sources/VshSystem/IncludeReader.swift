import VshSyntax

/// Reads the files scripts include, for ``IncludeLoader``: each with the script cap, all
/// of them together within ``totalLimit``, a file identified by device and inode so a
/// cycle through a link is still seen as one.
public final class IncludeReader: @unchecked Sendable {
    // Used by one loader on one thread at a time.
    private var total = 0

    /// The most bytes the includes of one script may add up to.
    public static let totalLimit = 64 << 20

    public init() {}

    public func read(_ path: String) -> IncludeLoader.Read {
        // A pipe or a device is no script to include (and reading one could wait forever).
        if FileSystem.kind(of: path) == .other { return .failure("not a regular file") }
        switch FileSystem.read(path, limit: FileSystem.Limit.script) {
        case .failure(let failure):
            return .failure(failure.message(for: "a script"))
        case .success(let bytes):
            total += bytes.count
            guard total <= IncludeReader.totalLimit else {
                return .failure("the included files add up to more than \(IncludeReader.totalLimit >> 20) MiB")
            }
            let identity = IncludeReader.identity(of: path) ?? path
            return .script(bytes, identity: identity)
        }
    }

    /// `script` (parsed from `file`) with the files it includes read from disk into it, and
    /// what stopped an include; no pass at all for a script without includes.
    public static func load(_ script: Script, file: SourceFile, identity: String?) -> (script: Script, diagnostics: [Diagnostic]) {
        guard IncludeLoader.hasIncludes(script.statements) else { return (script, []) }
        return IncludeLoader.load(script, file: file, identity: identity, read: IncludeReader().read)
    }

    /// The identity the reader gives the file at `path` (nil when there is none).
    public static func identity(of path: String) -> String? {
        FileSystem.identity(of: path).map { "\($0.hashKey)" }
    }
}
