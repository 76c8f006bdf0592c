/// `help` and `help COMMAND` at the prompt: usage and an example for every command.
public enum HelpText {
    public struct Entry: Sendable {
        /// For the overview: a few words.
        public var brief: String = ""
        public var usage: String
        public var summary: String
        public var examples: [String]
    }

    public static let entries: [(name: String, entry: Entry)] = [
        ("auth", Entry(
            brief: "set the credentials of later requests",
            usage: "auth [AUTH_ID [TOKEN]]",
            summary: "Set the credentials of the requests that follow (bare: PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN). The token is never shown nor written to history.",
            examples: ["auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN", "auth"])),
        ("session", Entry(
            brief: "create, get, list or use a session",
            usage: "session create KEY=VALUE… | session get [UUID] | session list KEY=VALUE… | session use UUID",
            summary: "Start a session and send a code (create), read one (get), list them with filters (list), or make one current (use).",
            examples: ["session create recipient=+14155550100 channel=sms brand_name=\"Acme\"", "session get", "session list status=verified limit=5", "session use $first"])),
        ("validate", Entry(
            brief: "check a code against the current session",
            usage: "validate CODE",
            summary: "Check a code against the current session ($otp: the code it was sent).",
            examples: ["validate $otp", "validate 000000"])),
        ("assert", Entry(
            brief: "check the last answer or any value",
            usage: "assert EXPR",
            summary: "Check the last answer or any value; at the prompt a failure is printed and the session goes on.",
            examples: ["assert status == 202", "assert body.status == \"verified\"", "assert body.sessions[0].session_uuid is uuid"])),
        ("let", Entry(
            brief: "keep a value as $NAME",
            usage: "let NAME = EXPR",
            summary: "Keep a value for later as $NAME.",
            examples: ["let first = $session", "let uuid = body.session_uuid"])),
        ("print", Entry(
            brief: "show a value",
            usage: "print EXPR",
            summary: "Show a string as it is, anything else as indented JSON.",
            examples: ["print body", "print \"code $otp for $session\""])),
        ("sleep", Entry(
            brief: "wait (instant on the sandbox and in replay)",
            usage: "sleep DURATION",
            summary: "Wait; instant on the sandbox and in replay, which move their virtual clock.",
            examples: ["sleep 11m", "sleep 500ms"])),
        ("fault", Entry(
            brief: "make the sandbox fail the next matching requests",
            usage: "fault create|validate|retrieve|list|any [drop|reset] [status=N] [delay=D] [body=malformed|empty] [times=N] [recipient=…] | fault clear",
            summary: "Arm a fault on the sandbox (embedded, or a vsh sandbox server) for the next requests to an endpoint: an error status, a delay, a dropped or reset connection, a broken body. `fault clear` disarms them.",
            examples: ["fault create status=503 times=2", "fault validate delay=3s", "fault any drop", "fault clear"])),
        ("transport", Entry(
            brief: "switch to sandbox, live, replay or record",
            usage: "transport sandbox | live | replay FILE.har | record [--overwrite] FILE.har",
            summary: "Switch where requests go. Variables and credentials carry over; the current session does not. A recording is written when you switch away or leave.",
            examples: ["transport live", "transport record signup.har", "transport replay signup.har"])),
        ("save", Entry(
            brief: "write this session's successful commands as a script",
            usage: "save [--overwrite] FILE.vsh",
            summary: "Write the commands of this session that succeeded as a script, with `assert status == N` after each request: an exploration becomes a test. No token is written.",
            examples: ["save signup.vsh", "save --overwrite signup.vsh"])),
        ("help", Entry(brief: "this list, or one command's usage", usage: "help [COMMAND]", summary: "This list, or one command's usage and examples.", examples: ["help", "help session"])),
        ("exit", Entry(brief: "leave (also quit, Ctrl-D)", usage: "exit", summary: "Leave the prompt (also: quit, or Ctrl-D on an empty line).", examples: ["exit"])),
    ]

    /// The overview: one line per command, then the keys.
    public static var overview: String {
        var text = "Commands (help COMMAND for its usage and examples):\n"
        let width = entries.map(\.name.count).max() ?? 0
        for (name, entry) in entries {
            text += "  \(name.padded(to: width))  \(entry.brief)\n"
        }
        text += """
            Keys: Tab completes commands, key= names, values, $variables and body. paths; Up/Down walk
            the history, Ctrl-R searches it; a line ending in \\ goes on on the next one; Ctrl-C clears the
            line or cancels a request; Ctrl-D on an empty line leaves.
            Language reference: docs/language.md.

            """
        return text
    }

    /// One command's help; nil for an unknown name.
    public static func help(for name: String) -> String? {
        let wanted = name == "quit" ? "exit" : name
        guard let entry = entries.first(where: { $0.name == wanted })?.entry else { return nil }
        return "usage: \(entry.usage)\n  \(entry.summary)\nexamples:\n" + entry.examples.map { "  \($0)\n" }.joined()
    }
}
