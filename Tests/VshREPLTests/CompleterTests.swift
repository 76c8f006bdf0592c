import VerifyAPI
import VshREPL
import Testing

@Suite struct CompleterTests {
    let completer = Completer()

    func candidates(_ line: String, _ context: Completer.Context = .init()) -> [String] {
        completer.complete(line, cursor: line.utf8.count, context: context).candidates
    }

    @Test func commandsAndSubcommands() {
        #expect(candidates("se") == ["session"])
        #expect(candidates("s") == ["save", "session", "sleep"])
        #expect(candidates("session ") == ["create", "get", "list", "use"])
        #expect(candidates("session l") == ["list"])
        #expect(candidates("help v") == ["validate"])
        #expect(candidates("transport r") == ["record", "replay"])
    }

    @Test func theKeysEachCommandTakesWithoutThoseGiven() {
        #expect(candidates("session create rec") == ["recipient="])
        #expect(candidates("session create recipient=+1415 c").contains("channel="))
        #expect(candidates("session create recipient=+1415 c").contains("code_length="))
        #expect(!candidates("session create recipient=+1415 ").contains("recipient="))
        #expect(candidates("session list st") == ["status="])
        #expect(candidates("session list session_time__g") == ["session_time__gt=", "session_time__gte="])
    }

    @Test func theValuesOfEnumerations() {
        #expect(candidates("session create channel=") == ["channel=sms", "channel=voice"])
        #expect(candidates("session create method=P") == ["method=POST"])
        #expect(candidates("session list status=") == ["status=expired", "status=in-progress", "status=verified"])
        #expect(candidates("session create recipient=") == [])
    }

    @Test func faultEndpointsFlagsAndKeys() {
        #expect(candidates("fa") == ["fault"])
        #expect(candidates("fault ") == ["any", "clear", "create", "list", "retrieve", "validate"])
        #expect(candidates("fault cr") == ["create"])
        #expect(candidates("fault create d") == ["delay=", "drop"])
        #expect(candidates("fault create r") == ["recipient=", "reset", "retry_after="])
        #expect(candidates("fault create status=5") == ["status=500", "status=502", "status=503"])
        #expect(candidates("fault create body=") == ["body=empty", "body=malformed"])
        // Flags only right after the endpoint; a key given is not offered again.
        #expect(candidates("fault create times=2 d") == ["delay="])
        #expect(candidates("fault validate drop t") == ["times="])
        #expect(!candidates("fault create status=503 ").contains("status="))
        #expect(candidates("fault clear ") == [])
        #expect(candidates("fault nonsense ") == [])
    }

    @Test func insideABlockAsOnALineOfItsOwn() {
        // A block's lines come indented: the indentation is not a word.
        #expect(candidates("    vali") == ["validate"])
        #expect(candidates("    session cr") == ["create"])
        #expect(candidates("  session create recipient=+14155550100 chan") == ["channel="])
        #expect(candidates("re") == ["repeat"])
        #expect(candidates("po") == ["poll"])
    }

    @Test func variablesWithTheBuiltins() {
        let context = Completer.Context(variables: ["first", "second"])
        #expect(candidates("validate $", context) == ["$first", "$iteration", "$otp", "$second", "$session", "$transport"])
        #expect(candidates("print $f", context) == ["$first"])
    }

    @Test func bodyPathsOfTheLastAnswer() throws {
        let body = try JSONValue(parsing: """
            {"api_id": "x", "meta": {"limit": 5, "next": null}, "sessions": [{"session_uuid": "u", "status": "verified", "odd key": 1}]}
            """)
        let context = Completer.Context(lastBody: body)
        #expect(candidates("assert body.", context) == ["body.api_id", "body.meta.", "body.sessions["])
        #expect(candidates("assert body.m", context) == ["body.meta."])
        #expect(candidates("assert body.meta.", context) == ["body.meta.limit", "body.meta.next"])
        #expect(candidates("assert body.sessions[0].s", context) == ["body.sessions[0].session_uuid", "body.sessions[0].status"])
        #expect(candidates("assert body.sessions[0].o", context) == ["body.sessions[0].\"odd key\""])
        #expect(candidates("assert body.", .init()) == [])
    }

    @Test func theWordStartAndWhatTabCanInsertAtOnce() {
        let completion = completer.complete("session list status=in", cursor: 22, context: .init())
        #expect(completion.wordStart == 13)
        #expect(completion.commonPrefix == "status=in-progress")
        #expect(Completion(wordStart: 0, candidates: ["session_time__gt=", "session_time__gte="]).commonPrefix == "session_time__gt")
    }
}
