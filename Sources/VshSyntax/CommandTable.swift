/// One command: its name, what it does, how it is written, examples. The language's commands
/// are in ``CommandTable``; the prompt's own (`transport`, `save`, `help`, `exit`) are the same
/// kind of value, kept by the prompt.
public struct CommandSpec: Sendable {
    public var name: String
    /// For an overview list: a few words.
    public var brief: String
    /// A sentence or two, for `help NAME`.
    public var summary: String
    /// How it is written, `validate CODE`; for a command with subcommands, theirs joined by ` | `.
    public var usage: String
    /// Lines a user can copy; the first is the hint of a diagnostic about the command.
    public var examples: [String]
    /// `session create`, `session get`…; empty for a command without subcommands.
    public var subcommands: [CommandSpec]
    /// Other names it answers to (`quit` for `exit`).
    public var aliases: [String]

    public init(
        _ name: String, brief: String, summary: String, usage: String? = nil, examples: [String],
        subcommands: [CommandSpec] = [], aliases: [String] = []
    ) {
        self.name = name
        self.brief = brief
        self.summary = summary
        self.usage = usage ?? subcommands.map(\.usage).joined(separator: " | ")
        self.examples = examples.isEmpty ? subcommands.compactMap(\.examples.first) : examples
        self.subcommands = subcommands
        self.aliases = aliases
    }

    /// The subcommand called `name`.
    public func subcommand(_ name: String) -> CommandSpec? { subcommands.first { $0.name == name } }

    /// `create, get, list or use`; qualified: `session create, session get, session list or session use`.
    public func subcommandList(qualified: Bool = false) -> String {
        let names = subcommands.map { qualified ? "\(name) \($0.name)" : $0.name }
        return names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
    }
}

/// The commands of the language: the one table the parser's hints, the prompt's completion
/// and its `help` read, so that adding or renaming a command touches this file.
public enum CommandTable {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            "auth", brief: "set the credentials of later requests",
            summary: "Set the credentials of the requests that follow (bare: PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN). The token is never shown nor written to history.",
            usage: "auth [AUTH_ID [TOKEN]]", examples: ["auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN", "auth"]),
        CommandSpec(
            "session", brief: "create, get, list or use a session",
            summary: "Start a session and send a code (create), read one (get), list them with filters (list), or make one current (use).",
            examples: [],
            subcommands: [
                CommandSpec(
                    "create", brief: "start a session and send a code", summary: "Start a session: the sandbox or Plivo sends a code.",
                    usage: "session create KEY=VALUE…",
                    examples: ["session create recipient=+14155550100 channel=sms", "session create recipient=+14155550100 channel=sms brand_name=\"Acme\""]),
                CommandSpec(
                    "get", brief: "read a session", summary: "Read the current session, or the one named.", usage: "session get [UUID]",
                    examples: ["session get 8e712097-8090-4644-81e7-8f4265d8354e", "session get"]),
                CommandSpec(
                    "list", brief: "list sessions", summary: "List sessions, with filters.", usage: "session list KEY=VALUE…",
                    examples: ["session list status=verified limit=5"]),
                CommandSpec(
                    "use", brief: "make a session current", summary: "Make a session made elsewhere the current one.", usage: "session use UUID",
                    examples: ["session use 8e712097-8090-4644-81e7-8f4265d8354e", "session use $first"]),
            ]),
        CommandSpec(
            "validate", brief: "check a code against the current session",
            summary: "Check a code against the current session ($otp: the code it was sent).", usage: "validate CODE",
            examples: ["validate $otp", "validate 000000"]),
        CommandSpec(
            "assert", brief: "check the last answer or any value",
            summary: "Check the last answer or any value; at the prompt a failure is printed and the session goes on.", usage: "assert EXPR",
            examples: ["assert status == 200", "assert body.status == \"verified\"", "assert body.sessions[0].session_uuid is uuid"]),
        CommandSpec(
            "let", brief: "keep a value as $NAME", summary: "Keep a value for later as $NAME.", usage: "let NAME = EXPR",
            examples: ["let uuid = body.session_uuid", "let first = $session"]),
        CommandSpec(
            "print", brief: "show a value", summary: "Show a string as it is, anything else as indented JSON.", usage: "print EXPR",
            examples: ["print body", "print \"code $otp for $session\""]),
        CommandSpec(
            "sleep", brief: "wait (instant on the sandbox and in replay)",
            summary: "Wait; instant on the sandbox and in replay, which move their virtual clock.", usage: "sleep DURATION",
            examples: ["sleep 11m", "sleep 500ms"]),
        CommandSpec(
            "fault", brief: "make the sandbox fail the next matching requests",
            summary: "Arm a fault on the sandbox (embedded, or a vsh sandbox server) for the next requests to an endpoint: an error status, a delay, a dropped or reset connection, a broken body. `fault clear` disarms them.",
            usage: "fault create|validate|retrieve|list|any [drop|reset] [status=N] [delay=D] [body=malformed|empty] [times=N] [recipient=…] | fault clear",
            examples: ["fault create status=503 times=2", "fault validate delay=3s", "fault any drop", "fault clear"]),
        CommandSpec(
            "repeat", brief: "run a block a number of times",
            summary: "Run the lines of a block N times (1 to 1,000,000); `$iteration` counts from 1.",
            usage: "repeat N {", examples: ["repeat 10 {"]),
        CommandSpec(
            "for", brief: "run a block once for each element of a list",
            summary: "Run the lines of a block once for each element of a list, with $NAME set to it; `$iteration` counts from 1.",
            usage: "for NAME in LIST {", examples: ["for recipient in [\"+14155550100\", \"+442071838750\"] {", "for item in body.sessions {"]),
        CommandSpec(
            "poll", brief: "repeat a request until a condition holds",
            summary: "Run the block, then check the condition; until it holds, wait the interval (virtual on the sandbox and in replay) and try again. Past the timeout it is a runtime failure that shows the last answer.",
            usage: "poll [every DURATION] timeout DURATION until EXPR {",
            examples: ["poll every 5s timeout 2m until body.status == \"expired\" {"]),
        CommandSpec(
            "if", brief: "run a block when a condition holds",
            summary: "Run the first block whose condition holds, else the `else` block if there is one.",
            usage: "if EXPR { … } else if EXPR { … } else { … }", examples: ["if $transport == \"live\" {"]),
        CommandSpec(
            "include", brief: "run another script here, with parameters",
            summary: "Run another script at this point (its path relative to this file), with NAME=VALUE set as variables first; what it defines is there afterwards.",
            usage: "include PATH [NAME=VALUE…]", examples: ["include \"flows/signup.vsh\" recipient=+14155550100"]),
    ]

    /// The names a line can start with, in the table's order.
    public static let names: [String] = commands.map(\.name)

    /// The command called `name`.
    public static func command(_ name: String) -> CommandSpec? { commands.first { $0.name == name } }

    /// `session`'s subcommands.
    public static let session: CommandSpec = command("session")!
}
