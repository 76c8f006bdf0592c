import Testing
import VshSyntax

/// ``CommandTable`` is what the parser's hints, the prompt's completion and `help` show: each
/// line it offers must be a line the parser takes, and each name one it knows.
@Suite struct CommandTableTests {
    static var everyExample: [String] {
        CommandTable.commands.flatMap { $0.examples + $0.subcommands.flatMap(\.examples) }
    }

    @Test(arguments: everyExample)
    func everyExampleParsesAndChecks(_ example: String) {
        // After a request, as in a script: the checker refuses `body` before any. A block's
        // first line gets a body and its `}`.
        let block = example.hasSuffix("{") ? "\n    session get\n}" : ""
        let (script, diagnostics) = Parser.parse(SourceFile(name: "example.vsh", text: "session create recipient=+14155550100\n" + example + block + "\n"))
        #expect(diagnostics.isEmpty, "\(example): \(diagnostics.map(\.message))")
        let problems = Checker.check(script, predefined: ["first", "PLIVO_AUTH_TOKEN"])
        #expect(problems.isEmpty, "\(example): \(problems.map(\.message))")
        #expect(script.statements.count == 2)
    }

    @Test func everyNameStartsALineAndNothingElseDoes() {
        for name in CommandTable.names {
            let (_, diagnostics) = Parser.parse(SourceFile(name: "x.vsh", text: name + "\n"))
            #expect(!diagnostics.contains { $0.message.hasPrefix("unknown command") }, "\(name)")
        }
        let (_, unknown) = Parser.parse(SourceFile(name: "x.vsh", text: "transport live\n"))
        #expect(unknown.first?.message == "unknown command `transport`", "the prompt's commands are not the language's")
        #expect(unknown.first?.hint == "a line starts with one of: " + CommandTable.names.joined(separator: ", "))
    }

    @Test func aSubcommandsUsageIsInItsCommandsUsage() {
        let session = CommandTable.session
        #expect(session.subcommandList() == "create, get, list or use")
        for subcommand in session.subcommands { #expect(session.usage.contains(subcommand.usage)) }
        let (_, diagnostics) = Parser.parse(SourceFile(name: "x.vsh", text: "session lst\n"))
        #expect(diagnostics.first?.hint == "did you mean `session list`?")
    }
}
