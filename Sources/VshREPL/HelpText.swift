import VshSyntax

/// `help` and `help COMMAND` at the prompt: usage and an example for every command, from
/// ``CommandTable`` and ``REPLCommand/specs``.
public enum HelpText {
    /// The language's commands, then the prompt's own.
    public static var entries: [CommandSpec] { CommandTable.commands + REPLCommand.specs }

    /// The overview: one line per command, then the keys.
    public static var overview: String {
        var text = "Commands (help COMMAND for its usage and examples):\n"
        let width = entries.map(\.name.count).max() ?? 0
        for entry in entries {
            text += "  \(entry.name.padded(to: width))  \(entry.brief)\n"
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
        guard let entry = entries.first(where: { $0.name == name || $0.aliases.contains(name) }) else { return nil }
        return "usage: \(entry.usage)\n  \(entry.summary)\nexamples:\n" + entry.examples.map { "  \($0)\n" }.joined()
    }
}
