import VshSyntax

/// The prompt's own commands, beside the language's: not part of scripts.
public enum REPLCommand: Equatable, Sendable {
    /// `help`, `help COMMAND`
    case help(String?)
    /// `transport sandbox|live`, `transport replay FILE`, `transport record [--overwrite] FILE`
    case transport(TransportRequest)
    /// `save [--overwrite] FILE.vsh`
    case save(path: String, overwrite: Bool)
    /// `exit`, `quit`
    case exit

    /// The prompt's commands, for `help` and completion (the language's are ``CommandTable``).
    public static let specs: [CommandSpec] = [
        CommandSpec(
            "transport", brief: "switch to sandbox, live, replay or record",
            summary: "Switch where requests go. Variables and credentials carry over; the current session does not. A recording is written when you switch away or leave.",
            usage: "transport sandbox | live | replay FILE.har | record [--overwrite] FILE.har",
            examples: ["transport live", "transport record signup.har", "transport replay signup.har"]),
        CommandSpec(
            "save", brief: "write this session's successful commands as a script",
            summary: "Write the commands of this session that succeeded as a script, with `assert status == N` after each request: an exploration becomes a test. No token is written.",
            usage: "save [--overwrite] FILE.vsh", examples: ["save signup.vsh", "save --overwrite signup.vsh"]),
        CommandSpec(
            "help", brief: "this list, or one command's usage", summary: "This list, or one command's usage and examples.",
            usage: "help [COMMAND]", examples: ["help", "help session"], aliases: ["?"]),
        CommandSpec(
            "exit", brief: "leave (also quit, Ctrl-D)", summary: "Leave the prompt (also: quit, or Ctrl-D on an empty line).",
            usage: "exit", examples: ["exit"], aliases: ["quit"]),
    ]

    /// Every name a prompt command answers to.
    public static let names: [String] = specs.flatMap { [$0.name] + $0.aliases.filter { $0 != "?" } }

    /// The usage line of the prompt command `name`.
    static func usage(_ name: String) -> String { "usage: " + (specs.first { $0.name == name }?.usage ?? name) }

    /// The prompt command a line holds; nil when the line is for the language (or empty).
    /// Throws a usage message for a prompt command with wrong arguments.
    public static func parse(_ line: String) throws(CommandError) -> REPLCommand? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        let rest = Array(words.dropFirst())
        switch first {
        case "help", "?":
            guard rest.count <= 1 else { throw CommandError(usage("help")) }
            return .help(rest.first)
        case "exit", "quit":
            guard rest.isEmpty else { throw CommandError("usage: \(first)") }
            return .exit
        case "save":
            let overwrite = rest.first == "--overwrite"
            let paths = overwrite ? Array(rest.dropFirst()) : rest
            guard paths.count == 1 else { throw CommandError(usage("save")) }
            return .save(path: paths[0], overwrite: overwrite)
        case "transport":
            switch rest.first {
            case "sandbox" where rest.count == 1: return .transport(.sandbox)
            case "live" where rest.count == 1: return .transport(.live)
            case "replay" where rest.count == 2: return .transport(.replay(path: rest[1]))
            case "record" where rest.count == 2: return .transport(.record(path: rest[1], overwrite: false))
            case "record" where rest.count == 3 && rest[1] == "--overwrite": return .transport(.record(path: rest[2], overwrite: true))
            default: throw CommandError(usage("transport"))
            }
        default:
            return nil
        }
    }
}

/// Which transport the prompt should switch to.
public enum TransportRequest: Equatable, Sendable {
    case sandbox
    case live
    case replay(path: String)
    case record(path: String, overwrite: Bool)

    public var name: String {
        switch self {
        case .sandbox: "sandbox"
        case .live: "live"
        case .replay: "replay"
        case .record: "record"
        }
    }
}
