/// Reads the scripts a script includes, and theirs, and puts each into its `include`
/// statement (``Include/unit``), so the checker and the interpreter see one tree.
///
/// The files come from the caller's `read`, so the syntax layer touches no file system.
/// Everything that stops an include is a diagnostic at its path, with the chain of
/// includes that led there: a missing file, a folder, a binary file, a cycle, nesting
/// deeper than ``maxDepth``. A file included from several places is read and parsed once.
public struct IncludeLoader {
    /// What reading a path gave.
    public enum Read: Sendable {
        /// The file's bytes, and what identifies it whatever path led to it (its real path),
        /// so a cycle through a symbolic link or `../` is still a cycle.
        case script([UInt8], identity: String)
        /// Why it could not be read: `no such file`, `is a folder`, …
        case failure(String)
    }

    /// How deep includes nest at most.
    public static let maxDepth = 8
    /// How many different files one script's includes read at most.
    public static let maxFiles = 1000

    private let read: (String) -> Read
    private var units: [String: IncludedUnit] = [:]
    private var diagnostics: [Diagnostic] = []

    public init(read: @escaping (String) -> Read) {
        self.read = read
    }

    /// `script`, parsed from `file`, with every include read; and what went wrong. `identity`
    /// is `file`'s own (for a cycle back to it), nil for text that is no file (the prompt).
    public static func load(_ script: Script, file: SourceFile, identity: String?, read: @escaping (String) -> Read) -> (script: Script, diagnostics: [Diagnostic]) {
        var loader = IncludeLoader(read: read)
        let loaded = loader.resolve(script, in: file, stack: identity.map { [($0, file.name)] } ?? [], wrap: { $0 }, depth: 0)
        return (loaded, loader.diagnostics)
    }

    /// Whether the script includes anything, in any block: most do not, and need no pass.
    public static func hasIncludes(_ statements: [Statement]) -> Bool {
        statements.contains { statement in
            if case .include = statement.command { return true }
            return statement.blocks.contains { hasIncludes($0.statements) }
        }
    }

    /// `depth`: how many blocks are open around the script's lines (those around the include
    /// lines that led to it): blocks nest at most ``Block/maxDepth`` deep through includes too.
    private mutating func resolve(
        _ script: Script, in file: SourceFile, stack: [(identity: String, name: String)], wrap: (Diagnostic) -> Diagnostic, depth: Int
    ) -> Script {
        guard IncludeLoader.hasIncludes(script.statements) else { return script }
        return Script(statements: resolve(script.statements, in: file, stack: stack, wrap: wrap, depth: depth))
    }

    private mutating func resolve(
        _ statements: [Statement], in file: SourceFile, stack: [(identity: String, name: String)], wrap: (Diagnostic) -> Diagnostic, depth: Int
    ) -> [Statement] {
        statements.map { statement in
            var statement = statement
            switch statement.command {
            case .include(var include):
                include.unit = load(include, at: statement.range, in: file, stack: stack, wrap: wrap, depth: depth)
                statement.command = .include(include)
            case .repeat(let count, var body):
                body.statements = resolve(body.statements, in: file, stack: stack, wrap: wrap, depth: depth + 1)
                statement.command = .repeat(count, body)
            case .forEach(let name, let list, var body):
                body.statements = resolve(body.statements, in: file, stack: stack, wrap: wrap, depth: depth + 1)
                statement.command = .forEach(name, list, body)
            case .poll(let poll, var body):
                body.statements = resolve(body.statements, in: file, stack: stack, wrap: wrap, depth: depth + 1)
                statement.command = .poll(poll, body)
            case .if(var branches, var otherwise):
                for index in branches.indices {
                    branches[index].body.statements = resolve(branches[index].body.statements, in: file, stack: stack, wrap: wrap, depth: depth + 1)
                }
                if let inner = otherwise?.statements { otherwise?.statements = resolve(inner, in: file, stack: stack, wrap: wrap, depth: depth + 1) }
                statement.command = .if(branches, else: otherwise)
            default:
                break
            }
            return statement
        }
    }

    private mutating func load(
        _ include: Include, at range: SourceRange, in file: SourceFile, stack: [(identity: String, name: String)], wrap: (Diagnostic) -> Diagnostic,
        depth: Int
    ) -> IncludedUnit? {
        let path = IncludeLoader.path(include.path, relativeTo: file.name)
        func refuse(_ message: String, hint: String? = nil) -> IncludedUnit? {
            diagnostics.append(wrap(Diagnostic(message, at: include.pathRange, hint: hint)))
            return nil
        }
        guard stack.count < IncludeLoader.maxDepth else {
            return refuse("includes nested too deeply (more than \(IncludeLoader.maxDepth) files)")
        }
        let bytes: [UInt8]
        let identity: String
        switch read(path) {
        case .failure(let why): return refuse("cannot include \(path): \(why)")
        case .script(let read, let id):
            bytes = read
            identity = id
        }
        if let index = stack.firstIndex(where: { $0.identity == identity }) {
            let cycle = (stack[index...].map(\.name) + [path]).joined(separator: " → ")
            return refuse("include cycle: \(cycle)", hint: "a script cannot include itself, directly or through others")
        }
        if let known = units[identity] {
            guard depth + IncludeLoader.blockDepth(known.script.statements) <= Block.maxDepth else {
                return refuse("blocks nest more than \(Block.maxDepth) deep through this include (its blocks inside the \(depth) around it)")
            }
            return known
        }
        guard units.count < IncludeLoader.maxFiles else {
            return refuse("a script includes at most \(IncludeLoader.maxFiles) different files")
        }
        if let problem = IncludeLoader.binaryProblem(bytes) {
            return refuse("cannot include \(path): it is not a script (\(problem))")
        }
        let unitFile = SourceFile(name: path, bytes: bytes)
        let site = IncludeSite(file: file.name, location: range.lowerBound)
        let inner: (Diagnostic) -> Diagnostic = { wrap($0.included(from: site, unit: unitFile)) }
        let (parsed, problems) = Parser.parse(unitFile)
        diagnostics += problems.map(inner)
        guard depth + IncludeLoader.blockDepth(parsed.statements) <= Block.maxDepth else {
            return refuse("blocks nest more than \(Block.maxDepth) deep through this include (its blocks inside the \(depth) around it)")
        }
        // Put in the table before its own includes are read: a cycle back to it is found by the
        // stack, a diamond reuses it.
        let placeholder = IncludedUnit(file: unitFile, script: parsed)
        units[identity] = placeholder
        let resolved = resolve(parsed, in: unitFile, stack: stack + [(identity, path)], wrap: inner, depth: depth)
        let unit = resolved == parsed ? placeholder : IncludedUnit(file: unitFile, script: resolved)
        units[identity] = unit
        return unit
    }

    /// How deep the blocks of `statements` nest (0 without any).
    static func blockDepth(_ statements: [Statement]) -> Int {
        var deepest = 0
        for statement in statements {
            for block in statement.blocks { deepest = max(deepest, 1 + blockDepth(block.statements)) }
        }
        return deepest
    }

    /// Why bytes are not script text, in a few words; nil when they may be one.
    static func binaryProblem(_ bytes: [UInt8]) -> String? {
        if let nul = bytes.firstIndex(of: 0) { return "a NUL byte at offset \(nul): a binary file" }
        if String(validating: bytes, as: UTF8.self) == nil { return "not UTF-8 text" }
        return nil
    }

    /// `path` as seen from the folder of the file named `including`: `flows/signup.vsh` in
    /// `suite/a.vsh` is `suite/flows/signup.vsh`. Absolute paths stay; `<stdin>` and `<prompt>`
    /// include from the current folder.
    public static func path(_ path: String, relativeTo including: String) -> String {
        if path.hasPrefix("/") { return normalized(path) }
        guard !including.hasPrefix("<"), let slash = including.lastIndex(of: "/") else { return normalized(path) }
        return normalized(String(including[...slash]) + path)
    }

    /// Without `.` and doubled slashes. `..` stays: `a/b/../c` is not `a/c` when `b` is a link.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
