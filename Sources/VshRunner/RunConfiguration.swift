import VerifyAPI
import VshSyntax

/// How `vsh run` runs scripts.
public struct RunConfiguration: Sendable {
    /// Print every request and every assertion as it happens.
    public var verbose: Bool
    /// Print one result line per file and a summary (off when a script is piped to bare `vsh`).
    public var summary: Bool
    /// `--var NAME=VALUE`
    public var variables: [String: String]
    /// The process environment.
    public var environment: [String: String]
    /// A fresh transport for each file, so files share no state. With ``cassette`` in
    /// record mode, the transport that is recorded through; not used to replay.
    public var makeTransport: @Sendable (ScriptInput) throws(CommandError) -> any Transport
    /// Record or replay, with which cassette; nil for neither.
    public var cassette: CassetteOptions?
    /// How many files run at once (`--jobs`); output stays grouped by file, in input order.
    public var jobs: Int = 1
    /// `--quiet`: only failures and the summary.
    public var quiet = false
    /// `--fail-fast`: no file starts after one has failed.
    public var failFast = false
    /// One live progress line instead of a line per passing file (on a terminal).
    public var progress = false
    /// `--report-junit FILE`, `--report-json FILE`.
    public var junitReport: String?
    public var jsonReport: String?

    public init(
        verbose: Bool = false, summary: Bool = true, variables: [String: String] = [:], environment: [String: String] = [:],
        makeTransport: @escaping @Sendable (ScriptInput) throws(CommandError) -> any Transport
    ) {
        self.verbose = verbose
        self.summary = summary
        self.variables = variables
        self.environment = environment
        self.makeTransport = makeTransport
    }
}

/// `--transport record|replay`, `--cassette`, `--overwrite`, `--strict`.
public struct CassetteOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Send through the live transport and write what was exchanged. Refuses to
        /// replace an existing cassette unless `overwrite`: re-recording costs money.
        case record(overwrite: Bool)
        /// Answer from the cassette. With `strict`, exchanges left unplayed fail the file (exit 3).
        case replay(strict: Bool)
    }

    public var mode: Mode
    /// `--cassette FILE`; nil: each script's path with `.har` for `.vsh`.
    public var path: String?
    /// The API root a recording is made against, kept in the cassette (`log._vsh.base_url`).
    public var baseURL: String?

    public init(mode: Mode, path: String? = nil, baseURL: String? = nil) {
        self.mode = mode
        self.path = path
        self.baseURL = baseURL
    }

    /// The cassette of a script: `--cassette`, else `examples/a.vsh` → `examples/a.har`.
    public func cassettePath(for input: ScriptInput) -> String? {
        if let path { return path }
        guard let script = input.path else { return nil }
        return script.hasSuffix(".vsh") ? String(script.dropLast(4)) + ".har" : script + ".har"
    }

    /// The command that records `input`'s cassette again.
    func rerecordCommand(for input: ScriptInput) -> String {
        "vsh run --transport record --overwrite" + (path.map { " --cassette \($0)" } ?? "") + " \(input.name)"
    }
}
