import Testing
import VshTestSupport
import VerifyAPI
import VshRuntime
import VshSyntax

/// Issue 10, "Secrets": what a user sees when a token reaches an error, a print or a request line.
@Suite struct SecretTests {
    static let long = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"

    static func environment(_ token: String) -> [String: String] { ["PLIVO_AUTH_ID": account, "PLIVO_AUTH_TOKEN": token] }

    /// Every text of a failure, as the printer and the reports get it.
    static func texts(_ outcome: Outcome) -> String {
        guard let diagnostic = outcome.failure?.diagnostic else { return "" }
        return ([diagnostic.message, diagnostic.hint ?? ""] + diagnostic.details).joined(separator: "\n")
    }

    @Test func swappedAuthArgumentsAreNamedNotQuoted() async {
        let outcome = await run("auth $PLIVO_AUTH_TOKEN $PLIVO_AUTH_ID", on: ScriptedTransport(), options: .init(environment: Self.environment(Self.long)))
        #expect(outcome.failure?.diagnostic.message == "the auth ID looks like the auth token: are the arguments swapped?")
        #expect(!Self.texts(outcome).contains(Self.long))
        #expect(outcome.failure?.status == .runtimeFailure)
        // The auth ID did not become a secret on the way.
        #expect(!outcome.interpreter.secrets.contains(account))
    }

    @Test func aTokenLikeAuthIDIsNotQuotedEither() async {
        // A 40-character token where the auth ID goes, the token argument left out.
        let outcome = await run(
            "auth $ID", on: ScriptedTransport(), options: .init(environment: ["PLIVO_AUTH_TOKEN": "other-token-123"], variables: ["ID": Self.long]))
        #expect(outcome.failure?.diagnostic.message.hasPrefix("malformed auth ID") == true)
        #expect(!Self.texts(outcome).contains(Self.long))
    }

    @Test func aTypoInTheAuthIDIsStillQuoted() async {
        let outcome = await run("auth $ID $T", on: ScriptedTransport(), options: .init(variables: ["ID": "MA2025rk4E639VJFZAGV", "T": Self.long]))
        #expect(outcome.failure?.diagnostic.message == "malformed auth ID \"MA2025rk4E639VJFZAGV\"")
        #expect(!Self.texts(outcome).contains(Self.long))
        #expect(outcome.interpreter.secrets.contains(Self.long), "the token is a secret before the error is shown")
    }

    @Test(arguments: ["session get $PLIVO_AUTH_TOKEN", "session use $PLIVO_AUTH_TOKEN", "session get \"x$PLIVO_AUTH_TOKEN\""])
    func aTokenGivenForASessionIsNamedNotQuoted(_ line: String) async {
        for token in [Self.long, "sandbox"] {
            let outcome = await run(line, on: ScriptedTransport(), options: .init(environment: Self.environment(token)))
            #expect(outcome.failure?.diagnostic.message == "the auth token is not a session UUID: this argument holds the token")
            #expect(!Self.texts(outcome).contains(token))
        }
    }

    @Test func aShortTokenLeavesProseReadableAndIsRedactedWhereItCameFromTheToken() async {
        let outcome = await run(
            """
            print "running on the sandbox"
            print $PLIVO_AUTH_TOKEN
            print "token: $PLIVO_AUTH_TOKEN"
            let t = "x-${PLIVO_AUTH_TOKEN}"
            print $t
            print "the sandbox says $t"
            """, on: ScriptedTransport(), options: .init(environment: Self.environment("sandbox")))
        #expect(outcome.failure == nil)
        #expect(outcome.printed == ["running on the sandbox", "[redacted]", "token: [redacted]", "x-[redacted]", "the sandbox says x-[redacted]"])
    }

    @Test func aOneLetterTokenShredsNothing() async {
        let outcome = await run(
            "print \"every letter e stays\"\nprint \"[$PLIVO_AUTH_TOKEN]\"", on: ScriptedTransport(), options: .init(environment: Self.environment("e")))
        #expect(outcome.printed == ["every letter e stays", "[[redacted]]"])
    }

    @Test func aLongTokenIsRedactedEvenGluedToOtherText() async {
        let outcome = await run("print \"x${PLIVO_AUTH_TOKEN}y\"", on: ScriptedTransport(), options: .init(environment: Self.environment(Self.long)))
        #expect(outcome.printed == ["x[redacted]y"])
    }

    @Test func aFailingAssertionShowsTheTokenRedacted() async {
        for token in [Self.long, "sandbox"] {
            let transport = ScriptedTransport(answers: [ok(["status": "in-progress"])])
            let outcome = await run(
                "session get \(sessionA)\nassert body.status == \"nope $PLIVO_AUTH_TOKEN\"", on: transport, options: .init(environment: Self.environment(token)))
            #expect(outcome.failure?.kind == .assertion)
            #expect(outcome.failure?.diagnostic.details.first == "expected: \"nope [redacted]\"")
            #expect(!Self.texts(outcome).contains(token))
        }
    }

    @Test func requestLinesShowTheQueryRedactedButTheTokenIsSent() async {
        for token in [Self.long, "sandbox"] {
            let transport = ScriptedTransport(answers: [ok(["sessions": []])])
            let outcome = await run("session list brand_name=$PLIVO_AUTH_TOKEN limit=5", on: transport, options: .init(environment: Self.environment(token)))
            #expect(outcome.failure == nil)
            let shown = outcome.log.exchanges.first?.request
            #expect(shown?.shownTarget == "/v1/Account/\(account)/Verify/Session/?brand_name=[redacted]&limit=5")
            #expect(shown?.headerFields[.authorization] == nil)
            #expect(await transport.requests.first?.query.first?.value == token, "what was sent is the token itself")
        }
    }

    @Test func anAnswerThatEchoesTheTokenIsRedactedInPrints() async {
        let transport = ScriptedTransport(answers: [ok(["brand_name": "sandbox", "note": "the sandbox"])])
        let outcome = await run("session get \(sessionA)\nprint body", on: transport, options: .init(environment: Self.environment("sandbox")))
        #expect(outcome.printed.first?.contains("\"brand_name\": \"[redacted]\"") == true)
        #expect(outcome.printed.first?.contains("\"note\": \"the sandbox\"") == true)
    }
}
