import HTTPTypes
import Testing
import VshTestSupport
import VerifyAPI
import VshRuntime
import VshSyntax

/// Requests are built exactly as plivo-verify-api.md describes them.
@Suite struct RequestTests {
    @Test func createSession() async throws {
        let transport = ScriptedTransport(answers: [created()])
        let outcome = await run(
            #"""
            auth MA2025RK4E639VJFZAGV "s3cret-token-XYZ"
            session create recipient=+14155550100 channel=sms brand_name="Acme Inc" code_length=6 dtmf=1 url=https://x.test/cb#frag locale=en_US app_hash=$HASH
            """#, on: transport, options: .init(environment: ["HASH": "abc123"]))
        #expect(outcome.failure == nil)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/")
        #expect(request.query.isEmpty)
        #expect(
            request.bodyText
                == #"{"recipient":"+14155550100","channel":"sms","brand_name":"Acme Inc","code_length":6,"dtmf":1,"url":"https://x.test/cb#frag","locale":"en_US","app_hash":"abc123"}"#)
        #expect(request.headerFields[.accept] == "application/json")
        #expect(request.headerFields[.contentType] == "application/json")
        #expect(request.headerFields[.authorization] == basic(account, token))
        #expect(outcome.interpreter.currentSession == sessionA)
        #expect(outcome.log.sessionChanges == [sessionA])
    }

    @Test func integerParametersFromVariablesAreNumbersAndOtherTextStaysText() async throws {
        let transport = ScriptedTransport(answers: [created()])
        let outcome = await run(
            #"""
            let n = 8
            let z = "007"
            session create recipient=$z code_length=$n dtmf="12" fraud_check=1
            """#, on: transport)
        #expect(outcome.failure == nil)
        #expect(try #require(await transport.requests.first).bodyText == #"{"recipient":"007","code_length":8,"dtmf":12,"fraud_check":"1"}"#)
    }

    @Test func anIntegerParameterThatIsNotANumberIsSentAsText() async throws {
        // To see the API refuse a value, a script passes it through a variable.
        let transport = ScriptedTransport(answers: [created()])
        _ = await run("session create code_length=$bad", on: transport, options: .init(variables: ["bad": "six"]))
        #expect(try #require(await transport.requests.first).bodyText == #"{"code_length":"six"}"#)
    }

    @Test func getSession() async throws {
        let transport = ScriptedTransport(answers: [created(), ok(["status": "in-progress"]), ok(["status": "verified"])])
        let outcome = await run("session create recipient=+1\nsession get\nsession get \(sessionB)", on: transport)
        #expect(outcome.failure == nil)
        let requests = await transport.requests
        #expect(requests.count == 3)
        for (request, uuid) in zip(requests.dropFirst(), [sessionA, sessionB]) {
            #expect(request.method == .get)
            #expect(request.path == "/v1/Account/MASANDBOX00000000000/Verify/Session/\(uuid)/")
            #expect(request.body == nil)
            #expect(request.headerFields[.accept] == "application/json")
            #expect(request.headerFields[.contentType] == nil)
            #expect(request.headerFields[.authorization] == nil)
        }
    }

    @Test func listSessions() async throws {
        let transport = ScriptedTransport(answers: [ok(["sessions": []])])
        let outcome = await run(
            #"session list recipient=+14155550100 status=verified limit=5 session_time__gte="2024-01-01 00:00" brand_name=$brand"#, on: transport,
            options: .init(variables: ["brand": "A&B=C"]))
        #expect(outcome.failure == nil)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .get)
        #expect(request.path == "/v1/Account/MASANDBOX00000000000/Verify/Session/")
        #expect(
            request.query == [
                QueryItem("recipient", "+14155550100"), QueryItem("status", "verified"), QueryItem("limit", "5"),
                QueryItem("session_time__gte", "2024-01-01 00:00"), QueryItem("brand_name", "A&B=C"),
            ])
        #expect(
            request.target
                == "/v1/Account/MASANDBOX00000000000/Verify/Session/?recipient=%2B14155550100&status=verified&limit=5&session_time__gte=2024-01-01%2000%3A00&brand_name=A%26B%3DC")
        #expect(request.body == nil)
        #expect(request.headerFields[.contentType] == nil)
    }

    @Test func validateSession() async throws {
        let transport = ScriptedTransport(answers: [validated()])
        let outcome = await run("auth \(account) \(token)\nsession use \(sessionB)\nvalidate 123456", on: transport)
        #expect(outcome.failure == nil)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/v1/Account/\(account)/Verify/Session/\(sessionB)/")
        #expect(request.bodyText == #"{"otp":"123456"}"#)
        #expect(request.headerFields[.contentType] == "application/json")
        #expect(request.headerFields[.accept] == "application/json")
        #expect(request.headerFields[.authorization] == basic(account, token))
        #expect(outcome.log.sessionChanges == [sessionB])
    }

    @Test func variablesAndInterpolationInArguments() async throws {
        let transport = ScriptedTransport(answers: [created(), validated()])
        let outcome = await run(
            #"""
            let prefix = "+1415"
            let count = 3
            session create recipient="${prefix}5550100" brand_name="Acme $count \$5 $count" locale=$LOCALE
            validate "$code"
            """#, on: transport, options: .init(environment: ["LOCALE": "fr_FR"], variables: ["code": "000111"]))
        #expect(outcome.failure == nil)
        let requests = await transport.requests
        #expect(requests[safe: 0]?.bodyText == #"{"recipient":"+14155550100","brand_name":"Acme 3 $5 3","locale":"fr_FR"}"#)
        #expect(requests[safe: 1]?.bodyText == #"{"otp":"000111"}"#)
    }

    @Test func aNonTextVariableCannotBeAnArgument() async {
        let transport = ScriptedTransport(answers: [ok(["meta": .object(["limit": 20])]), created()])
        let outcome = await run("session list\nlet meta = body.meta\nsession create recipient=$meta", on: transport)
        #expect(outcome.failure?.kind == .runtime)
        #expect(outcome.failure?.diagnostic.message == "an object cannot be used as text here")
        #expect(outcome.failureText == "$meta")
        #expect(await transport.requests.count == 1)
    }

    @Test func exchangesAreReportedWithTheirAnswers() async throws {
        let transport = ScriptedTransport(answers: [created(), validated()])
        let outcome = await run("session create recipient=+1\nvalidate 1234", on: transport)
        let exchanges = outcome.log.exchanges
        #expect(exchanges.count == 2)
        #expect(exchanges.map(\.response.status) == [202, 200])
        let sent = await transport.requests
        #expect(exchanges.map(\.request.path) == sent.map(\.path))
        #expect(outcome.interpreter.lastResponse?.status == 200)
    }

    @Test func aTransportErrorIsARuntimeFailure() async throws {
        let transport = ScriptedTransport(sendError: TransportError(.timeout, "no answer within 5s", notes: ["POST https://api.plivo.com/…"]))
        let outcome = await run("auth\nsession create recipient=+1\nprint \"never\"", on: transport)
        let failure = try #require(outcome.failure)
        #expect(failure == RunFailure(.runtime, Diagnostic("no answer within 5s", at: failure.diagnostic.range, details: ["POST https://api.plivo.com/…"])))
        #expect(outcome.failureText == "session create recipient=+1")
        #expect(outcome.failure?.status == .runtimeFailure)
        #expect(outcome.printed.isEmpty)
    }
}

@Suite struct AuthTests {
    @Test func literalIDAndToken() async throws {
        let transport = ScriptedTransport(needsCredentials: true, answers: [created()])
        let outcome = await run("auth SA2025RK4E639VJFZAGV tok\nsession create recipient=+1", on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.interpreter.credentials == Credentials(authID: "SA2025RK4E639VJFZAGV", authToken: "tok"))
        let request = try #require(await transport.requests.first)
        #expect(request.path.hasPrefix("/v1/Account/SA2025RK4E639VJFZAGV/"))
        #expect(request.headerFields[.authorization] == basic("SA2025RK4E639VJFZAGV", "tok"))
    }

    @Test func idOnlyTakesTheTokenFromTheEnvironment() async throws {
        let transport = ScriptedTransport(needsCredentials: true, answers: [created()])
        let outcome = await run("auth \(account)\nsession create recipient=+1", on: transport, options: .init(environment: ["PLIVO_AUTH_TOKEN": token]))
        #expect(outcome.failure == nil)
        #expect(try #require(await transport.requests.first).headerFields[.authorization] == basic(account, token))
    }

    @Test func bareAuthReadsTheEnvironment() async throws {
        let transport = ScriptedTransport(needsCredentials: true, answers: [created()])
        let environment = ["PLIVO_AUTH_ID": "MA0000000000000000ZZ", "PLIVO_AUTH_TOKEN": token]
        let outcome = await run("auth\nsession create recipient=+1", on: transport, options: .init(environment: environment))
        #expect(outcome.failure == nil)
        let request = try #require(await transport.requests.first)
        #expect(request.path == "/v1/Account/MA0000000000000000ZZ/Verify/Session/")
        #expect(request.headerFields[.authorization] == basic("MA0000000000000000ZZ", token))
    }

    @Test func withoutAuthRequestsUseTheEnvironment() async throws {
        let transport = ScriptedTransport(needsCredentials: true, answers: [ok(["sessions": []])])
        let environment = ["PLIVO_AUTH_ID": account, "PLIVO_AUTH_TOKEN": token]
        let outcome = await run("session list", on: transport, options: .init(environment: environment))
        #expect(outcome.failure == nil)
        #expect(try #require(await transport.requests.first).headerFields[.authorization] == basic(account, token))
    }

    @Test func bareAuthWithoutEnvironmentOnASandboxUsesTheDefaultAccount() async throws {
        let transport = ScriptedTransport(needsCredentials: false, answers: [created(), created()])
        let outcome = await run("auth\nsession create recipient=+1", on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.interpreter.credentials == Credentials.sandboxDefault)
        let request = try #require(await transport.requests.first)
        #expect(request.path == "/v1/Account/MASANDBOX00000000000/Verify/Session/")
        #expect(request.headerFields[.authorization] == nil)
        // No `auth` at all: the same account.
        let other = ScriptedTransport(answers: [created()])
        _ = await run("session create recipient=+1", on: other)
        #expect(try #require(await other.requests.first).path == "/v1/Account/MASANDBOX00000000000/Verify/Session/")
    }

    @Test func bareAuthWithoutEnvironmentWhereCredentialsAreNeeded() async {
        let transport = ScriptedTransport(name: "live", needsCredentials: true, answers: [created()])
        let outcome = await run("auth\nsession create recipient=+1", on: transport)
        #expect(outcome.failure?.kind == .runtime)
        #expect(outcome.failure?.diagnostic.message == "`auth` has no auth ID: PLIVO_AUTH_ID is not set")
        #expect(outcome.failureText == "auth")
        #expect(await transport.requests.isEmpty)
    }

    @Test func anAuthIDWithoutATokenWhereCredentialsAreNeeded() async {
        let transport = ScriptedTransport(name: "live", needsCredentials: true)
        let outcome = await run("auth \(account)", on: transport)
        #expect(outcome.failure?.diagnostic.message == "`auth` has no token: PLIVO_AUTH_TOKEN is not set")
        #expect(outcome.failure?.diagnostic.hint == "write `auth \(account) $PLIVO_AUTH_TOKEN` and export the token")
    }

    @Test func noCredentialsAtAllWhereTheyAreNeeded() async {
        let transport = ScriptedTransport(name: "live", needsCredentials: true, answers: [created()])
        let outcome = await run("session create recipient=+1", on: transport)
        #expect(outcome.failure?.kind == .runtime)
        #expect(outcome.failure?.diagnostic.message == "no credentials for the live transport")
        #expect(outcome.failure?.status == .runtimeFailure)
        #expect(await transport.requests.isEmpty)
    }

    @Test func aMalformedAuthIDFromAVariable() async {
        let transport = ScriptedTransport()
        let outcome = await run("auth $ID", on: transport, options: .init(environment: ["ID": "MA-not-an-id"]))
        #expect(outcome.failure?.diagnostic.message == #"malformed auth ID "MA-not-an-id""#)
        #expect(outcome.failureText == "$ID")
        let fromEnvironment = await run("auth", on: transport, options: .init(environment: ["PLIVO_AUTH_ID": "nope"]))
        #expect(fromEnvironment.failure?.diagnostic.message == #"malformed auth ID "nope""#)
        #expect(fromEnvironment.failureText == "auth")
    }

    @Test func theTokenNeverAppearsInReportedRequests() async {
        let transport = ScriptedTransport(answers: [created(), validated(), ok(["sessions": []])])
        let outcome = await run(
            "auth \(account) \"\(token)\"\nsession create recipient=+1 brand_name=x\nvalidate 1234\nsession list", on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.log.exchanges.count == 3)
        for (request, _) in outcome.log.exchanges {
            #expect(request.headerFields[.authorization] == nil)
            #expect(!"\(request)".contains(token))
            #expect(!"\(request)".contains(Base64.encode(Array("\(account):\(token)".utf8))))
        }
        // What was sent did carry it.
        #expect(await transport.requests.allSatisfy { $0.headerFields[.authorization] == basic(account, token) })
    }

    @Test func theTokenIsRedactedInPrintOutput() async {
        let transport = ScriptedTransport()
        let literal = await run("auth \(account) \(token)\nprint \"the token is \(token)!\"", on: transport)
        #expect(literal.printed == ["the token is [redacted]!"])
        let fromEnvironment = await run(
            "print \"$PLIVO_AUTH_TOKEN\"\nlet t = $PLIVO_AUTH_TOKEN\nprint $t", on: transport, options: .init(environment: ["PLIVO_AUTH_TOKEN": token]))
        #expect(fromEnvironment.printed == ["[redacted]", "[redacted]"])
        #expect(fromEnvironment.interpreter.redact("a \(token) b \(token)") == "a [redacted] b [redacted]")
    }

    @Test func theTokenIsRedactedInErrorAnswers() async {
        let transport = ScriptedTransport(answers: [failed(401, "bad credentials \(token)")])
        let outcome = await run("auth \(account) \(token)\nsession list", on: transport)
        #expect(outcome.failure?.diagnostic.message.contains("bad credentials [redacted]") == true)
        #expect(outcome.failure?.diagnostic.message.contains(token) == false)
    }

    @Test func theTokenIsRedactedInAssertionReports() async {
        let transport = ScriptedTransport(answers: [ok(["echo": .string(token)])])
        let outcome = await run(
            "auth \(account) \(token)\nsession list\nassert body.echo == \"other\"", on: transport)
        #expect(outcome.failure?.kind == .assertion)
        #expect(outcome.failure?.diagnostic.details == [#"expected: "other""#, #"  actual: "[redacted]""#])
        let expected = await run(
            "auth \(account) \(token)\nsession list\nassert body.echo != \"\(token)\"", on: ScriptedTransport(answers: [ok(["echo": .string(token)])]))
        #expect(expected.failure?.diagnostic.details.joined().contains(token) == false)
        #expect(expected.failure?.diagnostic.details == [#"expected: != "[redacted]""#, #"  actual: "[redacted]""#])
    }
}
