import Testing
import VshSyntax

/// `fault ENDPOINT …` and `fault clear`: parsed into the endpoint and its parameters,
/// refused at check time when it could never arm anything.
@Suite struct FaultCommandTests {
    func fault(_ target: String, _ parameters: [Parameter]) -> Command {
        .fault(target: Identifier(target, range: noRange), parameters)
    }

    @Test func parses() {
        #expect(command("fault create status=503 times=2") == fault("create", [parameter("status", word("503")), parameter("times", word("2"))]))
        #expect(command("fault any drop") == fault("any", [parameter("drop", word("true"))]))
        #expect(command("fault validate reset recipient=+14155550100") == fault("validate", [
            parameter("reset", word("true")), parameter("recipient", word("+14155550100")),
        ]))
        #expect(command("fault list delay=2s") == fault("list", [parameter("delay", word("2s"))]))
        #expect(command("fault retrieve body=malformed") == fault("retrieve", [parameter("body", word("malformed"))]))
        #expect(command("fault create status=429 retry_after=$wait") == fault("create", [
            parameter("status", word("429")), parameter("retry_after", variable("wait")),
        ]))
        #expect(command("fault clear") == fault("clear", []))
    }

    @Test func refusesWhatCouldNeverArm() {
        assertDiagnostics("1️⃣fault", [Expected("1️⃣", "`fault` needs an endpoint (create, validate, retrieve, list, any) or `clear`", hint: "fault create status=503 times=2")])
        assertDiagnostics("fault 1️⃣creat status=503", [Expected("1️⃣", "`fault` takes an endpoint (create, validate, retrieve, list, any) or `clear`, got \"creat\"", hint: "did you mean `fault create`?")])
        assertDiagnostics("1️⃣fault create", [Expected("1️⃣", "a fault needs what to do: status=N, delay=D, body=malformed|empty, drop or reset", hint: "fault create status=503 times=2")])
        assertDiagnostics("fault create status=1️⃣418", [Expected("1️⃣", "`status` is one of 400, 401, 404, 429, 500, 502, 503, got \"418\"")])
        assertDiagnostics("fault create drop 1️⃣status=503", [Expected("1️⃣", "a fault does one thing: `drop` and `status` cannot go together", hint: "arm two faults, one after the other")])
        assertDiagnostics("fault create delay=1️⃣2min", [Expected("1️⃣", "`delay` takes a duration of at most 60s, got \"2min\"", hint: "delay=2s")])
        assertDiagnostics("fault create 1️⃣colour=red", [Expected("1️⃣", "`fault` has no parameter `colour`", hint: "it takes: status, delay, body, times, retry_after, method, recipient")])
        assertDiagnostics("fault clear 1️⃣now", [Expected("1️⃣", "unexpected `now` after the command", hint: "usage: fault create|validate|retrieve|list|any [drop|reset] [status=N] [delay=D] [body=malformed|empty] [times=N] [recipient=…] | fault clear")])
    }
}
