import Testing
import VshSyntax

let uuid = "8e712097-8090-4644-81e7-8f4265d8354e"
let authID = "MA2025RK4E639VJFZAGV"

@Suite struct ParserCommandTests {
    @Test func auth() {
        #expect(command("auth") == .auth(authID: nil, token: nil))
        #expect(command("auth \(authID)") == .auth(authID: word(authID), token: nil))
        #expect(command("auth \(authID) $PLIVO_AUTH_TOKEN") == .auth(authID: word(authID), token: variable("PLIVO_AUTH_TOKEN")))
        #expect(command(#"auth SA2025RK4E639VJFZAGV "s3cret""#) == .auth(authID: word("SA2025RK4E639VJFZAGV"), token: string(text("s3cret"))))
        #expect(command("auth $ID $TOKEN") == .auth(authID: variable("ID"), token: variable("TOKEN")))
    }

    @Test func sessionCreate() {
        #expect(
            command(#"session create recipient=+14155550100 channel=sms brand_name="Acme Inc" code_length=6 dtmf=1 url=https://x.test/cb#frag locale=$LOCALE app_uuid="${app}-1""#)
                == .sessionCreate([
                    parameter("recipient", word("+14155550100")), parameter("channel", word("sms")),
                    parameter("brand_name", string(text("Acme Inc"))), parameter("code_length", word("6")), parameter("dtmf", word("1")),
                    parameter("url", word("https://x.test/cb#frag")), parameter("locale", variable("LOCALE")),
                    parameter("app_uuid", string(interpolated("app"), text("-1"))),
                ]))
        #expect(command("session create") == .sessionCreate([]))
        #expect(command("session create method=GET fraud_check=disabled channel=voice") == .sessionCreate([
            parameter("method", word("GET")), parameter("fraud_check", word("disabled")), parameter("channel", word("voice")),
        ]))
        // A value may hold `=`, and a variable may carry a value the checks would refuse.
        #expect(command("session create url=https://x/?a=b channel=$fax") == .sessionCreate([
            parameter("url", word("https://x/?a=b")), parameter("channel", variable("fax")),
        ]))
    }

    @Test func sessionGet() {
        #expect(command("session get") == .sessionGet(nil))
        #expect(command("session get # the current one") == .sessionGet(nil))
        #expect(command("session get \(uuid)") == .sessionGet(word(uuid)))
        #expect(command("session get $first") == .sessionGet(variable("first")))
        #expect(command(#"session get "$first""#) == .sessionGet(string(interpolated("first"))))
    }

    @Test func sessionList() {
        #expect(command("session list") == .sessionList([]))
        #expect(
            command(#"session list status=verified limit=5 offset=0 recipient=+14155550100 session_time__gte="2024-01-01 00:00" session_time__lt="2024-01-02 00:00:30.5""#)
                == .sessionList([
                    parameter("status", word("verified")), parameter("limit", word("5")), parameter("offset", word("0")),
                    parameter("recipient", word("+14155550100")), parameter("session_time__gte", string(text("2024-01-01 00:00"))),
                    parameter("session_time__lt", string(text("2024-01-02 00:00:30.5"))),
                ]))
    }

    @Test func sessionUseAndValidate() {
        #expect(command("session use \(uuid)") == .sessionUse(word(uuid)))
        #expect(command("session use $first") == .sessionUse(variable("first")))
        #expect(command("validate $otp") == .validate(variable("otp")))
        #expect(command("validate 000000") == .validate(word("000000")))
        #expect(command(#"validate "12$x""#) == .validate(string(text("12"), interpolated("x"))))
    }

    @Test func letPrintAndSleep() {
        #expect(command("let code = body.session_uuid") == .let(identifier("code"), body("session_uuid")))
        #expect(command("let first = $session") == .let(identifier("first"), variableExpr("session")))
        #expect(command("print body") == .print(body()))
        #expect(command(#"print "code $otp for ${session}""#) == .print(stringExpr(text("code "), interpolated("otp"), text(" for "), interpolated("session"))))
        #expect(command("sleep 1h30m") == .sleep(.seconds(5400), noRange))
        #expect(command("sleep 500ms") == .sleep(.milliseconds(500), noRange))
        #expect(command("sleep 11m") == .sleep(.seconds(660), noRange))
        #expect(command("sleep 2d") == .sleep(.seconds(172_800), noRange))
    }

    @Test func blankLinesCommentsAndShebangMakeNoStatements() {
        let parsed = statements("#!/usr/bin/env vsh\n\n   \n# comment\n\tauth   # trailing\n\n")
        #expect(parsed.map(\.command.erasingRanges) == [.auth(authID: nil, token: nil)])
        #expect(parsed[safe: 0]?.range.lowerBound.line == 5)
        #expect(statements("").isEmpty)
        #expect(statements("# one\n# two").isEmpty)
    }

    @Test func continuationLinesMakeOneStatement() {
        let parsed = statements("session create \\\n  recipient=+14155550100 \\\n  channel=sms\nsession get")
        #expect(parsed.count == 2)
        #expect(parsed[safe: 0]?.command.erasingRanges == .sessionCreate([parameter("recipient", word("+14155550100")), parameter("channel", word("sms"))]))
        #expect(parsed[safe: 1]?.range.lowerBound.line == 4)
    }

    @Test func crlfScriptsParseLikeLFScripts() {
        let lf = statements("session create recipient=+1\nassert status == 202\n").map(\.command.erasingRanges)
        let crlf = statements("session create recipient=+1\r\nassert status == 202\r\n").map(\.command.erasingRanges)
        #expect(lf.count == 2)
        #expect(lf == crlf)
    }
}

@Suite struct ParserExpressionTests {
    func assertion(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Expression? {
        guard case .assert(let e) = command("assert " + text, sourceLocation: sourceLocation) else {
            Issue.record("not an assert", sourceLocation: sourceLocation)
            return nil
        }
        return e
    }

    @Test func paths() {
        #expect(assertion("body.sessions[0].status exists") == exists(body("sessions", 0, "status")))
        #expect(assertion(#"body."odd-key" exists"#) == exists(body("odd-key")))
        #expect(assertion(#"body["k"] exists"#) == exists(body("k")))
        #expect(assertion(#"body["odd key"][12] exists"#) == exists(body("odd key", 12)))
        #expect(assertion("body[0][1] exists") == exists(body(0, 1)))
        #expect(assertion("$resp.sessions[2] exists") == exists(variableExpr("resp", "sessions", 2)))
        #expect(assertion("body exists") == exists(body()))
    }

    @Test func headerStatusAndLiterals() {
        #expect(assertion(#"header "Content-Type" == "application/json""#) == compare(expr(.header(name: "Content-Type")), .equal, stringExpr(text("application/json"))))
        #expect(assertion("status == 200") == compare(statusExpr, .equal, number(200)))
        #expect(assertion("body.x == -1.5") == compare(body("x"), .equal, number(-1.5)))
        #expect(assertion("body.x == 0") == compare(body("x"), .equal, number(0)))
        #expect(assertion("body.x == 0.5") == compare(body("x"), .equal, number(0.5)))
        #expect(assertion("body.x == true") == compare(body("x"), .equal, expr(.literal(.bool(true)))))
        #expect(assertion("body.x != false") == compare(body("x"), .notEqual, expr(.literal(.bool(false)))))
        #expect(assertion("body.x == null") == compare(body("x"), .equal, expr(.literal(.null))))
        #expect(assertion(#"body.x == "a $y""#) == compare(body("x"), .equal, stringExpr(text("a "), interpolated("y"))))
        #expect(assertion("$flag") == variableExpr("flag"))
    }

    @Test(arguments: ComparisonOperator.allCases)
    func everyComparisonOperator(_ op: ComparisonOperator) {
        #expect(assertion("status \(op.rawValue) 200") == compare(statusExpr, op, number(200)))
    }

    @Test func notForms() {
        #expect(assertion("not status == 200") == not(compare(statusExpr, .equal, number(200))))
        #expect(assertion("not not body.x exists") == not(not(exists(body("x")))))
        #expect(assertion(#"body.x not contains "y""#) == not(compare(body("x"), .contains, stringExpr(text("y")))))
        #expect(assertion("body.x not matches /y/") == not(matches(body("x"), "y")))
        #expect(assertion("body.x not exists") == not(exists(body("x"))))
        #expect(assertion("body.x is not uuid") == not(isType(body("x"), .uuid)))
    }

    @Test(arguments: ValueType.allCases)
    func everyType(_ type: ValueType) {
        #expect(assertion("body.x is \(type.rawValue)") == isType(body("x"), type))
    }

    @Test func matchesAndContains() {
        #expect(assertion(#"body.session_uuid matches /^[0-9a-f-]{36}$/"#) == matches(body("session_uuid"), "^[0-9a-f-]{36}$"))
        #expect(assertion(#"body.path matches /^\/v1\//"#) == matches(body("path"), #"^/v1/"#))
        #expect(assertion(#"body.sessions contains $session"#) == compare(body("sessions"), .contains, variableExpr("session")))
    }

    @Test func parentheses() {
        #expect(assertion("(status == 200)") == compare(statusExpr, .equal, number(200)))
        #expect(assertion("not (status == 200)") == not(compare(statusExpr, .equal, number(200))))
        #expect(assertion("(status) == (200)") == compare(statusExpr, .equal, number(200)))
        #expect(assertion("((body.x)) exists") == exists(body("x")))
    }

    @Test func statementAndExpressionRanges() throws {
        // assert status == 200   # comment
        // 0      7      14 17  20
        let parsed = statements("assert status == 200   # comment")
        let statement = try #require(parsed.first)
        #expect(statement.range == span(0, 20))
        #expect(
            statement.command
                == .assert(Expression(.comparison(Expression(.status, range: span(7, 13)), .equal, Expression(.literal(.number(200)), range: span(17, 20))), range: span(7, 20))))
    }

    @Test func parameterAndPathRanges() throws {
        // session create recipient=+1 brand_name="A B"
        // 0       8      15        25 28         39   44
        let statement = try #require(statements(#"session create recipient=+1 brand_name="A B""#).first)
        #expect(statement.range == span(0, 44))
        #expect(
            statement.command
                == .sessionCreate([
                    Parameter(name: Identifier("recipient", range: span(15, 24)), value: Argument(.word("+1"), range: span(25, 27))),
                    Parameter(name: Identifier("brand_name", range: span(28, 38)), value: Argument(.string([.text("A B")]), range: span(39, 44))),
                ]))
        // let s = body.sessions[0]."x y"
        // 0   4 6 8   12       21 24
        let letStatement = try #require(statements(#"let s = body.sessions[0]."x y""#).first)
        let expected = Expression(
            .body(Path([Path.Step(.key("sessions"), range: span(12, 21)), Path.Step(.index(0), range: span(21, 24)), Path.Step(.key("x y"), range: span(24, 30))])), range: span(8, 30))
        #expect(letStatement.command == .let(Identifier("s", range: span(4, 5)), expected))
    }

    @Test func sleepAndTypeRanges() throws {
        let sleep = try #require(statements("sleep 30s").first)
        #expect(sleep.command == .sleep(.seconds(30), span(6, 9)))
        #expect(sleep.range == span(0, 9))
        let isType = try #require(statements("assert $x is not date").first)
        // `is not TYPE` is a `not` over the type test, with the type test's range.
        #expect(
            isType.command
                == .assert(Expression(.not(Expression(.isType(Expression(.variable(Identifier("x", range: span(7, 9)), Path()), range: span(7, 9)), .date, span(17, 21)), range: span(7, 21))), range: span(7, 21))))
    }

    @Test func multiLineRangesCarryLinesAndColumns() throws {
        let parsed = statements("auth\n  validate  $otp\n")
        let validate = try #require(parsed.last)
        let start = VshSyntax.SourceLocation(offset: 7, line: 2, column: 3)
        let argumentStart = VshSyntax.SourceLocation(offset: 17, line: 2, column: 13)
        let end = VshSyntax.SourceLocation(offset: 21, line: 2, column: 17)
        #expect(validate.range == start..<end)
        #expect(validate.command == .validate(Argument(.variable("otp"), range: argumentStart..<end)))
    }

    @Test func readsStatusAndResponse() throws {
        func expression(_ text: String) throws -> Expression {
            guard case .assert(let e) = try #require(statements("assert " + text).first).command else { throw CancellationError() }
            return e
        }
        #expect(try expression("status == 400").readsStatus)
        #expect(try expression("not (status == 400)").readsStatus)
        #expect(try expression("400 == status").readsStatus)
        #expect(try !expression("body.status == 400").readsStatus)
        #expect(try expression("body.status == 400").readsResponse)
        #expect(try expression(#"header "X" exists"#).readsResponse)
        #expect(try !expression("$x == 1").readsResponse)
    }

    @Test func statementsThatSendRequests() {
        let parsed = statements("auth\nsession create\nsession get\nsession list\nsession use \(uuid)\nvalidate 1\nsleep 1s")
        #expect(parsed.map(\.sendsRequest) == [false, true, true, true, false, true, false])
    }
}
