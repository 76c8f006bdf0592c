import HTTPTypes
import Testing
import VshTestSupport
import VerifyAPI
import VshRuntime
import VshSyntax

/// SPEC section 2: a non-2xx answer stops the script unless the next command asserts on `status`.
@Suite struct StatusRuleTests {
    let validatePath = "/v1/Account/MASANDBOX00000000000/Verify/Session/\(sessionA)/"

    @Test func anErrorAnswerFollowedByAnAssertOnStatusGoesOn() async {
        let transport = ScriptedTransport(answers: [created(), failed(400, "incorrect otp"), validated()])
        let outcome = await run(
            """
            session create recipient=+14155550100
            validate 000000

            # the wrong code is expected to fail
            assert status == 400
            assert body.error == "incorrect otp"
            validate 123456
            assert status == 200
            """, on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.log.passedAssertions == 3)
        #expect(await transport.requests.count == 3)
    }

    @Test func anyAssertThatReadsStatusCounts() async {
        for assertion in ["assert not (status == 200)", "assert status >= 400", "assert 404 == status", "assert status is number"] {
            let transport = ScriptedTransport(answers: [failed(404, "session not found")])
            let outcome = await run("session get \(sessionB)\n\(assertion)", on: transport)
            #expect(outcome.failure == nil, "\(assertion)")
        }
    }

    @Test func anErrorAnswerFollowedByAnythingElseIsARuntimeFailure() async throws {
        let transport = ScriptedTransport(answers: [created(), failed(400, "incorrect otp")])
        let outcome = await run("session create recipient=+1\nvalidate 000000\nprint body", on: transport)
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .runtime)
        #expect(failure.status == .runtimeFailure)
        #expect(failure.diagnostic.message == "POST \(validatePath) answered 400 Bad Request: incorrect otp")
        #expect(failure.diagnostic.hint == "to expect this answer, follow the request with `assert status == 400`")
        #expect(outcome.failureText == "validate 000000")
        #expect(outcome.printed.isEmpty)
        // The answer was still reported.
        #expect(outcome.log.exchanges.last?.response.status == 400)
    }

    @Test func anAssertThatDoesNotReadStatusDoesNotExpectTheError() async {
        let transport = ScriptedTransport(answers: [failed(400, "incorrect otp")])
        let outcome = await run("session use \(sessionA)\nvalidate 000000\nassert body.error == \"incorrect otp\"", on: transport)
        #expect(outcome.failure?.kind == .runtime)
        #expect(outcome.log.passedAssertions == 0)
    }

    @Test func anErrorAnswerAtTheEndOfTheScript() async {
        let transport = ScriptedTransport(answers: [failed(401, "authentication failed")])
        let outcome = await run("session list status=verified", on: transport)
        #expect(outcome.failure?.diagnostic.message == "GET /v1/Account/MASANDBOX00000000000/Verify/Session/ answered 401 Unauthorized: authentication failed")
    }

    @Test func anAssertOnTheWrongStatusIsAnAssertionFailure() async {
        let transport = ScriptedTransport(answers: [failed(400, "incorrect otp")])
        let outcome = await run("session use \(sessionA)\nvalidate 000000\nassert status == 200", on: transport)
        #expect(outcome.failure?.kind == .assertion)
        #expect(outcome.failure?.status == .assertionFailed)
        #expect(outcome.failure?.diagnostic.details == ["expected: 200", "  actual: 400"])
    }

    @Test func errorAnswersWithoutPlivosErrorText() async {
        let empty = await run("session get \(sessionA)", on: ScriptedTransport(answers: [APIResponse(status: 404, body: [])]))
        #expect(empty.failure?.diagnostic.message == "GET \(validatePath) answered 404 Not Found")
        let html = await run("session get \(sessionA)", on: ScriptedTransport(answers: [APIResponse(status: 502, body: Array("<html>".utf8))]))
        #expect(html.failure?.diagnostic.message == "GET \(validatePath) answered 502 Bad Gateway")
        let nullError = await run("session get \(sessionA)", on: ScriptedTransport(answers: [ok(["error": nil], status: 429)]))
        #expect(nullError.failure?.diagnostic.message == "GET \(validatePath) answered 429 Too Many Requests")
        let objectError = await run("session get \(sessionA)", on: ScriptedTransport(answers: [ok(["error": .object(["code": 1])], status: 400)]))
        #expect(objectError.failure?.diagnostic.message == #"GET \#(validatePath) answered 400 Bad Request: {"code":1}"#)
    }

    @Test func withTheRuleOffTheScriptGoesOn() async {
        let transport = ScriptedTransport(answers: [created(), failed(400, "incorrect otp"), validated()])
        let outcome = await run(
            "session create recipient=+1\nvalidate 000000\nprint body.error\nvalidate 1234\nprint status", on: transport,
            options: .init(failOnUnexpectedStatus: false))
        #expect(outcome.failure == nil)
        #expect(outcome.printed == ["incorrect otp", "200"])
    }

    @Test func aFailedCreateDoesNotChangeTheCurrentSession() async {
        let transport = ScriptedTransport(answers: [failed(400, "invalid recipient")])
        let outcome = await run("session create recipient=x\nassert status == 400\nsession get", on: transport)
        #expect(outcome.interpreter.currentSession == nil)
        #expect(outcome.log.sessionChanges.isEmpty)
        #expect(outcome.failure?.diagnostic.message == "there is no current session")
        #expect(outcome.failureText == "session get")
    }

    @Test func aSuccessfulAnswerNeedsNoAssert() async {
        let transport = ScriptedTransport(answers: [created(status: 201), ok([:], status: 204)])
        let outcome = await run("session create recipient=+1\nsession get\nprint \"done\"", on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.printed == ["done"])
    }

    @Test func executingOneStatementAtATimeLikeTheREPL() async throws {
        let transport = ScriptedTransport(answers: [failed(400, "incorrect otp")])
        let interpreter = Interpreter(transport: transport, options: .init(failOnUnexpectedStatus: false))
        let parsed = Parser.parse(SourceFile(name: "<prompt>", text: "session use \(sessionA)\nvalidate 000000")).script.statements
        for statement in parsed { try await interpreter.execute(statement, next: nil) }
        #expect(interpreter.lastResponse?.status == 400)
        #expect(interpreter.currentSession == sessionA)
    }
}

@Suite struct BuiltInTests {
    @Test func sessionIsTheCurrentSession() async {
        let transport = ScriptedTransport(answers: [created(sessionA)])
        let outcome = await run("session create recipient=+1\nprint $session\nlet first = $session\nsession use \(sessionB)\nprint \"$first then $session\"", on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.printed == [sessionA, "\(sessionA) then \(sessionB)"])
        #expect(outcome.log.sessionChanges == [sessionA, sessionB])
    }

    @Test func otpComesFromTheTransportOncePerSession() async throws {
        let transport = ScriptedTransport(answers: [created(sessionA), validated(), validated(), validated()], codes: [sessionA: "482913", sessionB: "111222"])
        let outcome = await run(
            """
            session create recipient=+14155550100 channel=sms
            validate $otp
            validate $otp
            session use \(sessionB)
            validate "$otp"
            """, on: transport)
        #expect(outcome.failure == nil)
        let requests = await transport.requests
        #expect(requests.dropFirst().map(\.bodyText) == [#"{"otp":"482913"}"#, #"{"otp":"482913"}"#, #"{"otp":"111222"}"#])
        #expect(requests.last?.path == "/v1/Account/MASANDBOX00000000000/Verify/Session/\(sessionB)/")
        #expect(
            await transport.codeQueries == [
                DeliveredCodeQuery(sessionUUID: sessionA, recipient: "+14155550100"), DeliveredCodeQuery(sessionUUID: sessionB, recipient: nil),
            ])
    }

    @Test func aMissingCodeIsARuntimeFailure() async throws {
        let transport = ScriptedTransport(answers: [created(sessionA)])
        let outcome = await run("session create recipient=+1\nvalidate $otp", on: transport)
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .runtime)
        #expect(failure.status == .runtimeFailure)
        #expect(failure.diagnostic.message == "no code was delivered for session \(sessionA)")
        #expect(failure.diagnostic.details == ["set VSH_OTP"])
        #expect(outcome.failureText == "$otp")
        #expect(await transport.requests.count == 1)
    }

    @Test func builtInsWithoutASession() async {
        let otp = await run("validate $otp", on: ScriptedTransport())
        #expect(otp.failure?.diagnostic.message == "there is no current session")
        let printOTP = await run("print $otp", on: ScriptedTransport())
        #expect(printOTP.failure?.diagnostic.message == "`$otp` is not set: there is no current session")
        #expect(printOTP.failureText == "$otp")
        let session = await run("print \"id: $session\"", on: ScriptedTransport())
        #expect(session.failure?.diagnostic.message == "`$session` is not set: there is no current session")
        #expect(session.failureText == "$session")
    }

    @Test func sessionGetAndValidateNeedACurrentSession() async {
        for line in ["session get", "validate 123456"] {
            let transport = ScriptedTransport(answers: [validated()])
            let outcome = await run(line, on: transport)
            #expect(outcome.failure?.kind == .runtime)
            #expect(outcome.failure?.diagnostic.message == "there is no current session")
            #expect(outcome.failure?.diagnostic.hint == "create one with `session create recipient=…`, or pick one with `session use UUID`")
            #expect(outcome.failureText == line)
            #expect(await transport.requests.isEmpty)
        }
    }

    @Test func sessionUseChecksTheUUIDAtRunTime() async {
        let outcome = await run("session use $id", on: ScriptedTransport(), options: .init(variables: ["id": "nope"]))
        #expect(outcome.failure?.diagnostic.message == #""nope" is not a session UUID"#)
        #expect(outcome.failureText == "$id")
        let get = await run("session get $id", on: ScriptedTransport(), options: .init(variables: ["id": "nope"]))
        #expect(get.failure?.diagnostic.message == #""nope" is not a session UUID"#)
    }

    @Test func letOfAMissingPathIsARuntimeFailure() async throws {
        let transport = ScriptedTransport(answers: [ok(["a": 1, "b": .object(["c": 2])])])
        let outcome = await run("session get \(sessionA)\nlet x = body.b.d", on: transport)
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .runtime)
        #expect(failure.diagnostic.message == "`body.b.d` does not exist in the last answer")
        #expect(failure.diagnostic.details == ["there: c"])
        #expect(outcome.failureText == "body.b.d")
        #expect(outcome.interpreter.variables["x"] == nil)
    }

    @Test func readingTheAnswerBeforeAnyRequest() async {
        let outcome = await run("let x = status", on: ScriptedTransport())
        #expect(outcome.failure?.diagnostic.message == "no request has been sent yet, so there is no answer to read")
        #expect(outcome.failureText == "status")
    }

    @Test func letStoresValuesAndVariablesHavePaths() async {
        let transport = ScriptedTransport(answers: [ok(["sessions": [.object(["status": "verified", "n": 2])]])])
        let outcome = await run(
            """
            session list
            let sessions = body.sessions
            let n = $sessions[0].n
            assert $sessions[0].status == "verified"
            assert $n == 2
            print $sessions[0]."status"
            """, on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.interpreter.variables["n"] == .number(2))
        #expect(outcome.printed == ["verified"])
    }

    @Test func printShowsStringsAsTheyAreAndOtherValuesAsJSON() async {
        let second = await run(
            """
            session get \(sessionA)
            print body.status
            print body.count
            print body.ratio
            print body.verified
            print body.destination_network
            print body.charges
            print body.flags
            print status == 200
            print header "Content-Type"
            print "a \\"quoted\\" line\\tend"
            """, on: ScriptedTransport(answers: [ok(answer)]))
        #expect(second.failure == nil)
        #expect(
            second.printed == [
                "verified", "3", "1.5", "true", "null",
                "{\n  \"total_charge\": \"0.0050\",\n  \"validation_charge\": \"0.0000\"\n}",
                "[\n  1,\n  \"two\",\n  {\n    \"a\": 1,\n    \"b\": 2\n  }\n]",
                "true", "application/json", "a \"quoted\" line\tend",
            ])
    }

    @Test func sleepAsksTheTransport() async {
        let transport = ScriptedTransport()
        let outcome = await run("sleep 11m\nsleep 1h30m\nsleep 250ms", on: transport)
        #expect(outcome.failure == nil)
        #expect(await transport.sleeps == [.seconds(660), .seconds(5400), .milliseconds(250)])
        let slept = outcome.log.events.compactMap { if case .slept(let d, _) = $0 { d } else { nil } }
        #expect(slept == [.seconds(660), .seconds(5400), .milliseconds(250)])
    }

    @Test func aSleepTheTransportCannotDoIsARuntimeFailure() async {
        let transport = ScriptedTransport(sleepError: TransportError(.cancelled, "interrupted while sleeping", notes: ["after 2s"]))
        let outcome = await run("sleep 1m\nprint \"after\"", on: transport)
        #expect(outcome.failure?.kind == .runtime)
        #expect(outcome.failure?.diagnostic.message == "interrupted while sleeping")
        #expect(outcome.failure?.diagnostic.details == ["after 2s"])
        #expect(outcome.failureText == "sleep 1m")
        #expect(outcome.printed.isEmpty)
    }

    @Test func aMissingPathInAVariableShowsItsKeys() async throws {
        let transport = ScriptedTransport(answers: [ok(["meta": .object(["limit": 20, "offset": 0])])])
        let outcome = await run("session list\nlet answer = body\nlet x = $answer.meta.next", on: transport)
        let failure = try #require(outcome.failure)
        #expect(failure.diagnostic.message == "`$answer.meta.next` does not exist in the last answer")
        #expect(failure.diagnostic.details == ["there: limit, offset"])
        let assertion = await run(
            "session list\nlet answer = body\nassert $answer[0] exists", on: ScriptedTransport(answers: [ok(["meta": 1])]))
        #expect(assertion.failure?.diagnostic.details == ["expected: to exist", "  actual: nothing: `$answer[0]` does not exist; there: meta"])
    }

    @Test func aRegexThatDoesNotCompileAtRunTime() async throws {
        // The parser refuses such a regex; a statement built by hand still fails cleanly.
        let range = VshSyntax.SourceLocation(offset: 0, line: 1, column: 1)..<VshSyntax.SourceLocation(offset: 4, line: 1, column: 5)
        let expression = Expression(.matches(Expression(.literal(.number(1)), range: range), RegexLiteral(pattern: "(", range: range)), range: range)
        let interpreter = Interpreter(transport: ScriptedTransport())
        do {
            try await interpreter.execute(Statement(.assert(expression), range: range), next: nil)
            Issue.record("no failure")
        } catch {
            #expect(error.kind == .runtime)
            #expect(error.diagnostic.message == "invalid regex")
        }
    }

    @Test func variablesFromOptionsThenBuiltInsThenTheEnvironment() async {
        let options = Interpreter.Options(
            environment: ["TOWN": "Lyon", "BOTH": "from env", "session": "env session"], variables: ["brand": "Acme", "BOTH": "from --var"])
        let outcome = await run(
            "print $brand\nprint $BOTH\nprint $TOWN\nlet brand = \"Other\"\nprint \"${brand}!\"\nprint $session", on: ScriptedTransport(), options: options)
        #expect(outcome.printed == ["Acme", "from --var", "Lyon", "Other!"])
        // The built-in comes before the environment: with no session, `$session` is unset whatever the environment says.
        #expect(outcome.failure?.diagnostic.message == "`$session` is not set: there is no current session")
        let interpreter = Interpreter(transport: ScriptedTransport(), options: options)
        #expect(interpreter.predefinedNames == ["TOWN", "BOTH", "session", "brand"])
        #expect(interpreter.variables == ["brand": "Acme", "BOTH": "from --var"])
    }

    @Test func anUndefinedVariableAtRunTime() async {
        let outcome = await run("print $nope", on: ScriptedTransport())
        #expect(outcome.failure?.diagnostic.message == "undefined variable `$nope`")
        #expect(outcome.failureText == "$nope")
        #expect(outcome.failure?.status == .runtimeFailure)
    }

    @Test func cancellationStopsTheScript() async {
        let task = Task { () -> RunFailure? in
            withUnsafeCurrentTask { $0?.cancel() }
            return await run("print 1", on: ScriptedTransport()).failure
        }
        let failure = await task.value
        #expect(failure?.diagnostic.message == "cancelled")
        #expect(failure?.kind == .runtime)
    }
}

@Suite struct RunFailureTests {
    @Test func exitCodes() {
        let range = VshSyntax.SourceLocation(offset: 0, line: 1, column: 1)..<VshSyntax.SourceLocation(offset: 1, line: 1, column: 2)
        #expect(RunFailure(.runtime, Diagnostic("x", at: range)).status == .runtimeFailure)
        #expect(RunFailure(.assertion, Diagnostic("x", at: range)).status == .assertionFailed)
    }
}
