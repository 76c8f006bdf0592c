import Testing
import VshSyntax

/// One test per diagnostic the parser, the lexer and the checker can produce.
/// Each emoji marker stands where its diagnostic must start.
@Suite struct ParserDiagnosticTests {
    let commandList = "a line starts with one of: auth, session, validate, assert, let, print, sleep"

    // MARK: Lines

    @Test func unknownCommand() {
        assertDiagnostics("1️⃣sesion create recipient=+1", [Expected("1️⃣", "unknown command `sesion`", hint: "did you mean `session`?")])
        assertDiagnostics("1️⃣frobnicate", [Expected("1️⃣", "unknown command `frobnicate`", hint: commandList)])
    }

    @Test(arguments: ["get", "create", "list", "use"])
    func unknownCommandThatIsASessionSubcommand(_ sub: String) {
        assertDiagnostics("1️⃣\(sub) x", [Expected("1️⃣", "unknown command `\(sub)`", hint: "did you mean `session \(sub)`?")])
    }

    @Test func expectedACommandFoundAKey() {
        assertDiagnostics("1️⃣recipient=+1", [Expected("1️⃣", "expected a command, found `recipient=`", hint: commandList)])
        assertDiagnostics("1️⃣sesion=x", [Expected("1️⃣", "expected a command, found `sesion=`", hint: "did you mean `session`?")])
    }

    @Test func expectedACommandFoundSomethingElse() {
        assertDiagnostics(#"1️⃣"hello""#, [Expected("1️⃣", "expected a command, found a string", hint: commandList)])
        assertDiagnostics("  1️⃣$x = 1", [Expected("1️⃣", "expected a command, found `$x`", hint: commandList)])
    }

    @Test func invalidTokenAtTheStartOfALine() {
        assertDiagnostics("1️⃣$ x", [Expected("1️⃣", "expected a variable name after `$`")])
        assertDiagnostics(#"1️⃣"abc"#, [Expected("1️⃣", "unterminated string: it needs a closing `\"`")])
    }

    @Test func unexpectedTextAfterTheCommand() {
        assertDiagnostics(
            "session get \(uuid) 1️⃣extra", [Expected("1️⃣", "unexpected `extra` after the command", hint: "session get [UUID]")])
        assertDiagnostics("session use \(uuid) 1️⃣x", [Expected("1️⃣", "unexpected `x` after the command", hint: "session use UUID")])
        assertDiagnostics("validate 1 1️⃣2", [Expected("1️⃣", "unexpected `2` after the command", hint: "usage: validate CODE")])
        assertDiagnostics("sleep 1s 1️⃣2s", [Expected("1️⃣", "unexpected `2s` after the command", hint: "usage: sleep DURATION")])
        assertDiagnostics("assert status == 200 1️⃣)", [Expected("1️⃣", "unexpected `)` after the command", hint: "usage: assert EXPR")])
        assertDiagnostics("let x = 1 1️⃣2", [Expected("1️⃣", "unexpected `2` after the command", hint: "usage: let NAME = EXPR")])
        assertDiagnostics("print body 1️⃣$x", [Expected("1️⃣", "unexpected `$x` after the command", hint: "usage: print EXPR")])
        assertDiagnostics("session get 1️⃣sms=1", [Expected("1️⃣", "\"sms=1\" is not a session UUID")])
    }

    @Test func invalidTokenAfterTheCommand() {
        assertDiagnostics("assert status == 200 1️⃣@", [Expected("1️⃣", "unexpected character `@`")])
        assertDiagnostics("session get \(uuid) 1️⃣\"abc", [Expected("1️⃣", "unterminated string: it needs a closing `\"`")])
    }

    // MARK: auth

    @Test func authTakesAtMostTwoArguments() {
        assertDiagnostics(
            "auth \(authID) token 1️⃣more",
            [Expected("1️⃣", "`auth` takes at most two arguments: an auth ID and a token", hint: "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN")])
    }

    @Test(arguments: ["MA123", "ma2025rk4e639vjfzagv", "XA2025RK4E639VJFZAGV", "MA2025RK4E639VJFZAGV0", "MA2025RK4E639VJFZAG!"])
    func malformedAuthID(_ id: String) {
        assertDiagnostics(
            "auth 1️⃣\(id) token", [Expected("1️⃣", "malformed auth ID \"\(id)\"", hint: "an auth ID is MA or SA followed by 18 capital letters or digits")])
    }

    @Test func malformedAuthIDInAString() {
        assertDiagnostics(#"auth 1️⃣"MA 1""#, [Expected("1️⃣", #"malformed auth ID "MA 1""#)])
    }

    // MARK: session

    @Test func sessionNeedsASubcommand() {
        let message = "`session` needs a subcommand: create, get, list or use"
        assertDiagnostics("1️⃣session", [Expected("1️⃣", message, hint: "session create recipient=+14155550100")])
        assertDiagnostics("1️⃣session   # what?\nauth", [Expected("1️⃣", message)])
    }

    @Test func expectedASubcommandOfSession() {
        let hint = "session create, session get, session list or session use"
        assertDiagnostics("session 1️⃣$x", [Expected("1️⃣", "expected a subcommand of `session`, found `$x`", hint: hint)])
        assertDiagnostics(#"session 1️⃣"get""#, [Expected("1️⃣", "expected a subcommand of `session`, found a string", hint: hint)])
        assertDiagnostics("session 1️⃣get=1", [Expected("1️⃣", "expected a subcommand of `session`, found `get=`", hint: hint)])
        assertDiagnostics("session 1️⃣$", [Expected("1️⃣", "expected a subcommand of `session`, found invalid text", hint: hint)])
    }

    @Test func unknownSessionSubcommand() {
        assertDiagnostics("session 1️⃣gte", [Expected("1️⃣", "unknown subcommand `session gte`", hint: "did you mean `session get`?")])
        assertDiagnostics("session 1️⃣creat recipient=+1", [Expected("1️⃣", "unknown subcommand `session creat`", hint: "did you mean `session create`?")])
        assertDiagnostics(
            "session 1️⃣frobnicate", [Expected("1️⃣", "unknown subcommand `session frobnicate`", hint: "session create, session get, session list or session use")])
    }

    @Test func notASessionUUID() {
        let hint = "a session UUID looks like 8e712097-8090-4644-81e7-8f4265d8354e"
        assertDiagnostics("session get 1️⃣abc", [Expected("1️⃣", "\"abc\" is not a session UUID", hint: hint)])
        assertDiagnostics(#"session use 1️⃣"8e712097-8090-4644-81e7-8f4265d8354""#, [Expected("1️⃣", "\"8e712097-8090-4644-81e7-8f4265d8354\" is not a session UUID")])
        assertDiagnostics("session use 1️⃣8e712097_8090_4644_81e7_8f4265d8354e", [Expected("1️⃣", containing: "is not a session UUID")])
    }

    @Test func sessionUseNeedsAUUID() {
        assertDiagnostics(
            "1️⃣session use", [Expected("1️⃣", "`session use` needs a session UUID", hint: "session use 8e712097-8090-4644-81e7-8f4265d8354e")])
    }

    // MARK: Parameters

    @Test func expectedNameEqualsValue() {
        assertDiagnostics(
            "session create 1️⃣sms", [Expected("1️⃣", "expected `name=value`, found `sms`", hint: "session create recipient=+14155550100 channel=sms")])
        assertDiagnostics("session list 1️⃣$x", [Expected("1️⃣", "expected `name=value`, found `$x`", hint: "session list status=verified limit=5")])
    }

    @Test func invalidTokenWhereAParameterShouldBe() {
        assertDiagnostics(#"session create 1️⃣"x"#, [Expected("1️⃣", "unterminated string: it needs a closing `\"`")])
    }

    @Test func unknownParameter() {
        assertDiagnostics(
            "session create 1️⃣recipent=+1", [Expected("1️⃣", "`session create` has no parameter `recipent`", hint: "did you mean `recipient=`?")])
        assertDiagnostics("session list 1️⃣stauts=verified", [Expected("1️⃣", "`session list` has no parameter `stauts`", hint: "did you mean `status=`?")])
        assertDiagnostics(
            "session list 1️⃣zzz=1", [Expected("1️⃣", "`session list` has no parameter `zzz`", hint: "it takes: app_uuid, status, recipient, subaccount")])
    }

    @Test func parameterGivenTwice() {
        assertDiagnostics("session create channel=sms 1️⃣channel=voice", [Expected("1️⃣", "`channel` is given twice (first at column 16)")])
    }

    @Test func parameterNeedsAValue() {
        let hint = #"recipient=VALUE, or recipient="" for an empty one"#
        assertDiagnostics("session create 1️⃣recipient= channel=sms", [Expected("1️⃣", "`recipient=` needs a value right after the `=`", hint: hint)])
        assertDiagnostics("session create 1️⃣recipient=", [Expected("1️⃣", "`recipient=` needs a value right after the `=`")])
        assertDiagnostics("session create 1️⃣recipient=# comment", [Expected("1️⃣", "`recipient=` needs a value right after the `=`")])
    }

    @Test func invalidParameterValue() {
        assertDiagnostics(#"session create brand_name=1️⃣"Acme"#, [Expected("1️⃣", "unterminated string: it needs a closing `\"`")])
        assertDiagnostics("session create brand_name=1️⃣$", [Expected("1️⃣", "expected a variable name after `$`")])
    }

    @Test(arguments: ["six", "-1", "1.5", "\"\""])
    func integerParameter(_ value: String) {
        let shown = value == "\"\"" ? "" : value
        assertDiagnostics("session create code_length=1️⃣\(value)", [Expected("1️⃣", "`code_length` takes a whole number, got \"\(shown)\"")])
    }

    @Test func integerParameterOfTenDigits() {
        assertDiagnostics("session create code_length=1️⃣1234567890", [Expected("1️⃣", "`code_length` takes a whole number of at most 9 digits, got \"1234567890\"")])
    }

    @Test func choiceParameter() {
        assertDiagnostics("session create channel=1️⃣smss", [Expected("1️⃣", "`channel` is one of sms, voice, got \"smss\"", hint: "did you mean `sms`?")])
        assertDiagnostics("session create method=1️⃣post", [Expected("1️⃣", "`method` is one of POST, GET, got \"post\"", hint: "did you mean `POST`?")])
        assertDiagnostics("session list status=1️⃣done", [Expected("1️⃣", "`status` is one of in-progress, verified, expired, got \"done\"")])
        assertDiagnostics("session create channel=1️⃣fax", [Expected("1️⃣", "`channel` is one of sms, voice, got \"fax\"")])
    }

    @Test func timestampParameter() {
        assertDiagnostics(
            "session list session_time__gt=1️⃣2024-01-01",
            [Expected("1️⃣", #"`session_time__gt` takes a time as "YYYY-MM-DD HH:MM[:ss]", got "2024-01-01""#, hint: #"quote it, since it has a space: session_time__gt="2024-01-01 00:00""#)])
        assertDiagnostics(#"session list session_time=1️⃣"2023-02-29 00:00""#, [Expected("1️⃣", containing: #"got "2023-02-29 00:00""#)])
    }

    // MARK: validate

    @Test func validateNeedsACode() {
        assertDiagnostics("1️⃣validate   # later", [Expected("1️⃣", "`validate` needs a code", hint: "validate $otp")])
    }

    @Test func aCodeIsDigits() {
        assertDiagnostics("validate 1️⃣12a4", [Expected("1️⃣", #"a one-time code is digits, got "12a4""#, hint: "use `validate $otp` for the code the session received")])
        assertDiagnostics(#"validate 1️⃣"""#, [Expected("1️⃣", #"a one-time code is digits, got """#)])
        assertDiagnostics("validate 1️⃣-123456", [Expected("1️⃣", #"a one-time code is digits, got "-123456""#)])
    }

    @Test func longLiteralsAreShortenedInMessages() {
        let long = String(repeating: "x", count: 100)
        assertDiagnostics("validate 1️⃣\(long)", [Expected("1️⃣", "a one-time code is digits, got \"\(String(repeating: "x", count: 60))…\"")])
    }

    // MARK: let, print, assert, sleep

    @Test func letNeedsAName() {
        assertDiagnostics("let 1️⃣= 5", [Expected("1️⃣", "expected a variable name after `let`, found `=`", hint: "let code = body.session_uuid")])
        assertDiagnostics(#"let 1️⃣"x" = 5"#, [Expected("1️⃣", "expected a variable name after `let`, found a string")])
        assertDiagnostics("let 1️⃣$x = 5", [Expected("1️⃣", "expected a variable name after `let`, found `$x`")])
    }

    @Test func letNeedsAnEqualsSign() {
        assertDiagnostics("let x 1️⃣== 5", [Expected("1️⃣", "expected `=` after `let x`, found `==`", hint: "let x = EXPRESSION")])
        assertDiagnostics("let x1️⃣\nauth", [Expected("1️⃣", "expected `=` after `let x`, found the end of the line")])
        assertDiagnostics("let x1️⃣", [Expected("1️⃣", "expected `=` after `let x`, found the end of the script")])
    }

    @Test func letNeedsAnExpression() {
        assertDiagnostics("let x 1️⃣=", [Expected("1️⃣", "`=` needs an expression", hint: "let x = body.session_uuid")])
    }

    @Test func assertAndPrintNeedAnExpression() {
        assertDiagnostics("1️⃣assert", [Expected("1️⃣", "`assert` needs an expression", hint: "assert status == 200")])
        assertDiagnostics("1️⃣print   # nothing", [Expected("1️⃣", "`print` needs an expression", hint: "print body")])
    }

    @Test func sleepNeedsADuration() {
        let hint = "sleep 11m, sleep 30s, sleep 500ms, sleep 1h30m"
        assertDiagnostics("1️⃣sleep", [Expected("1️⃣", "`sleep` needs a duration", hint: hint)])
        assertDiagnostics("1️⃣sleep # soon\nauth", [Expected("1️⃣", "`sleep` needs a duration")])
        assertDiagnostics(#"sleep 1️⃣"5s""#, [Expected("1️⃣", "`sleep` needs a duration")])
    }

    @Test(arguments: ["5", "1.5s", "5sec", "m", "1h30", "-1s"])
    func notADuration(_ text: String) {
        assertDiagnostics(
            "sleep 1️⃣\(text)", [Expected("1️⃣", "\"\(text)\" is not a duration", hint: "a duration is a whole number and a unit: 500ms, 30s, 11m, 1h, or 1h30m")])
    }

    // MARK: Expressions

    @Test func nestingLimitOfNot() {
        let nots = String(repeating: "not ", count: 64)
        assertDiagnostics("assert \(nots)1️⃣status == 200", [Expected("1️⃣", "expression nested too deeply (more than 64 levels)")])
        assertDiagnostics("session get\nassert \(String(repeating: "not ", count: 63))status == 200", check: true, [])
    }

    @Test func nestingLimitOfParentheses() {
        let open = String(repeating: "(", count: 64)
        let close = String(repeating: ")", count: 64)
        assertDiagnostics("assert \(open)1️⃣status\(close)", [Expected("1️⃣", "expression nested too deeply (more than 64 levels)")])
        assertDiagnostics("assert \(open.dropLast())status\(close.dropLast())", [])
    }

    @Test func singleEqualsInAComparison() {
        assertDiagnostics("assert status 1️⃣= 200", [Expected("1️⃣", "`=` assigns; to compare, use `==`", hint: "status == …")])
        assertDiagnostics("assert body.sessions[0] 1️⃣= 1", [Expected("1️⃣", "`=` assigns; to compare, use `==`", hint: "body.sessions[0] == …")])
    }

    @Test func expectedAnOperatorAfterNot() {
        let message = "expected `contains`, `matches`, `exists` or `is` after `not`"
        assertDiagnostics("assert body.x not 1️⃣== 1", [Expected("1️⃣", message)])
        assertDiagnostics("assert body.x not1️⃣", [Expected("1️⃣", message)])
    }

    @Test func notIsIsWrittenIsNot() {
        assertDiagnostics("assert body.x 1️⃣not is uuid", [Expected("1️⃣", "`not is` is written `is not`", hint: "body.x is not uuid")])
    }

    @Test func expectedARegex() {
        let hint = "body.session_uuid matches /^[0-9a-f-]{36}$/"
        assertDiagnostics(#"assert body.x matches 1️⃣"abc""#, [Expected("1️⃣", "expected a regex after `matches`, found a string", hint: hint)])
        assertDiagnostics("assert body.x matches1️⃣", [Expected("1️⃣", "expected a regex after `matches`, found the end of the script")])
    }

    @Test func unterminatedRegex() {
        assertDiagnostics("assert body.x matches 1️⃣/abc\nauth", [Expected("1️⃣", "unterminated regex: it needs a closing `/`")])
    }

    @Test func invalidRegex() {
        // The caret is on the spot inside the pattern.
        assertDiagnostics("assert body.x matches /1️⃣(ab/", [Expected("1️⃣", "invalid regex: missing `)` for this `(`")])
        assertDiagnostics("assert body.x matches /a1️⃣[a/", [Expected("1️⃣", "invalid regex: missing `]` for this `[`")])
        assertDiagnostics("assert body.x matches /ab*?1️⃣*/", [Expected("1️⃣", containing: "invalid regex: `*` has nothing to repeat")])
    }

    @Test func regexesALinearMatcherCannotRunAreRefusedWhereTheyAre() {
        let hint = "vsh matches regexes in linear time, without backtracking"
        assertDiagnostics(#"assert body.x matches /(a)1️⃣\1/"#, [Expected("1️⃣", containing: "invalid regex: backreferences like `\\1` are not supported", hint: hint)])
        assertDiagnostics("assert body.x matches /x1️⃣(?=y)/", [Expected("1️⃣", containing: "invalid regex: lookahead `(?=…)` is not supported", hint: hint)])
        assertDiagnostics("assert body.x matches /y1️⃣(?<!x)/", [Expected("1️⃣", containing: "lookbehind", hint: hint)])
        assertDiagnostics(
            "assert body.x matches /a1️⃣{5000}/", [Expected("1️⃣", containing: "invalid regex: a repetition count is at most 1000", hint: hint)])
        assertDiagnostics(
            "assert body.x matches /1️⃣(((a{10}){10}){10}){11}/", [Expected("1️⃣", containing: "more than 10000 instructions", hint: hint)])
        // `\/` is one byte of the pattern and two of the line; non-ASCII text before the spot.
        assertDiagnostics(#"assert body.x matches /\/vé\/1️⃣\2/"#, [Expected("1️⃣", containing: "backreferences")])
        assertDiagnostics(#"assert body.x matches /[\/]1️⃣(?>a)/"#, [Expected("1️⃣", containing: "atomic groups")])
        // One diagnostic per line; the other lines still parse.
        assertDiagnostics("assert body.x matches /^ok$/\nassert body.y matches /a1️⃣++/", [Expected("1️⃣", containing: "possessive")])
    }

    @Test func theRegexCaretLinesUpInThePrintedDiagnostic() throws {
        let file = SourceFile(name: "t.vsh", text: #"assert body.message matches /^(\w+)\1$/"#)
        let diagnostic = try #require(Parser.parse(file).diagnostics.first)
        let printed = DiagnosticPrinter(color: false).render(diagnostic, in: file)
        #expect(printed.contains("t.vsh:1:36: error: invalid regex: backreferences"), "\(printed)")
        #expect(printed.contains(#"assert body.message matches /^(\w+)\1$/"#))
    }

    @Test func expectedAType() {
        let message = "expected a type after `is`: uuid, string, number, date, boolean, null, array, object"
        assertDiagnostics("assert body.x is 1️⃣uid", [Expected("1️⃣", message, hint: "did you mean `is uuid`?")])
        assertDiagnostics("assert body.x is not 1️⃣strin", [Expected("1️⃣", message, hint: "did you mean `is string`?")])
        let script = assertDiagnostics("assert body.x is 1️⃣5", [Expected("1️⃣", message)])
        #expect(script.statements.isEmpty)
        let diagnostic = Parser.parse(source("assert body.x is 5")).diagnostics.first
        #expect(diagnostic?.hint == nil)
    }

    @Test func unexpectedWordAfterTheExpression() {
        assertDiagnostics(#"assert body.x 1️⃣contain "a""#, [Expected("1️⃣", "unexpected `contain` after the expression", hint: "did you mean `contains`?")])
        assertDiagnostics("assert body.x 1️⃣exist", [Expected("1️⃣", "unexpected `exist` after the expression", hint: "did you mean `exists`?")])
        assertDiagnostics(
            "assert body.x 1️⃣equals 1",
            [Expected("1️⃣", "unexpected `equals` after the expression", hint: "operators are ==, !=, <, <=, >, >=, contains, matches, exists, is")])
    }

    @Test func numberWithALeadingZero() {
        let message = "a number cannot start with 0; for a code, write a string"
        assertDiagnostics("assert body.code == 1️⃣0123", [Expected("1️⃣", message, hint: "\"0123\"")])
        assertDiagnostics("assert body.code == 1️⃣-0123", [Expected("1️⃣", message, hint: "\"-0123\"")])
        assertDiagnostics("assert body.code == 0.5\nassert body.code == -0.5\nassert body.code == 0\nassert body.code == -0", [])
    }

    @Test func notANumber() {
        assertDiagnostics("assert status == 1️⃣12abc", [Expected("1️⃣", #"`12abc` is not a number; quote it if it is text: "12abc""#)])
    }

    @Test func unexpectedCharacterInAnExpression() {
        assertDiagnostics("assert status == 1️⃣@", [Expected("1️⃣", "unexpected character `@`")])
        assertDiagnostics("assert body.x == 1️⃣'a'", [Expected("1️⃣", "unexpected character `'`")])
        assertDiagnostics("print 1️⃣é", [Expected("1️⃣", "unexpected character `é`")])
    }

    @Test func badVariablesAndStringsInExpressions() {
        assertDiagnostics("print 1️⃣${1}", [Expected("1️⃣", "expected a variable name and `}` after `${`")])
        assertDiagnostics("print 1️⃣$", [Expected("1️⃣", "expected a variable name after `$`")])
        assertDiagnostics(#"print "a1️⃣\qb""#, [Expected("1️⃣", #"unknown escape `\q` in string: use \", \\, \$, \n or \t"#)])
        let script = assertDiagnostics("print 1️⃣\"abc\nauth", [Expected("1️⃣", "unterminated string: it needs a closing `\"` on the same line")])
        #expect(script.statements.map(\.command.erasingRanges) == [.auth(authID: nil, token: nil)])
    }

    @Test func expectedAClosingParenthesis() {
        assertDiagnostics("assert (status == 200 1️⃣body", [Expected("1️⃣", "expected `)`, found `body`")])
        assertDiagnostics("assert (status1️⃣", [Expected("1️⃣", "expected `)`, found the end of the script")])
    }

    @Test func headerTakesAQuotedName() {
        assertDiagnostics("assert header 1️⃣Content-Type exists", [Expected("1️⃣", "`header` takes a quoted header name", hint: "header \"Content-Type\"")])
        assertDiagnostics(#"assert header 1️⃣"$name" exists"#, [Expected("1️⃣", "`header` takes a quoted header name")])
    }

    @Test func unknownName() {
        assertDiagnostics("assert 1️⃣stauts == 200", [Expected("1️⃣", "unknown name `stauts`", hint: "did you mean `status`?")])
        assertDiagnostics("print 1️⃣bdy", [Expected("1️⃣", "unknown name `bdy`", hint: "did you mean `body`?")])
        assertDiagnostics(
            "assert 1️⃣session_uuid is uuid",
            [Expected("1️⃣", "unknown name `session_uuid`", hint: #"for a field of the answer write `body.session_uuid`; for text, quote it: "session_uuid""#)])
        assertDiagnostics("assert body.status == 1️⃣verified", [Expected("1️⃣", "unknown name `verified`", hint: "for a field of the answer")])
    }

    @Test func expectedAValueAfterAnOperator() {
        assertDiagnostics("assert status 1️⃣==", [Expected("1️⃣", "expected a value after `==`")])
        assertDiagnostics("assert status 1️⃣>=   # hmm\nauth", [Expected("1️⃣", "expected a value after `>=`")])
        assertDiagnostics("assert body.x 1️⃣contains", [Expected("1️⃣", "expected a value after `contains`")])
    }

    @Test func expectedAValue() {
        assertDiagnostics("assert not1️⃣", [Expected("1️⃣", "expected a value")])
        assertDiagnostics("assert (1️⃣\nauth", [Expected("1️⃣", "expected a value")])
        assertDiagnostics("assert 1️⃣)", [Expected("1️⃣", "expected a value, found `)`")])
        assertDiagnostics("assert 1️⃣/x/", [Expected("1️⃣", "expected a value, found a regex")])
        assertDiagnostics("assert status == 1️⃣==", [Expected("1️⃣", "expected a value, found `==`")])
    }

    @Test func quotedFieldNamesCannotHoldVariables() {
        assertDiagnostics(#"assert body.1️⃣"$x" exists"#, [Expected("1️⃣", "a quoted field name cannot hold variables")])
        assertDiagnostics(#"assert body[1️⃣"a${x}"] exists"#, [Expected("1️⃣", "a quoted field name cannot hold variables")])
    }

    @Test func expectedAFieldName() {
        assertDiagnostics("assert body.1️⃣5 exists", [Expected("1️⃣", "expected a field name after `.`")])
        assertDiagnostics("assert body.1️⃣[0] exists", [Expected("1️⃣", "expected a field name after `.`")])
        assertDiagnostics("assert body1️⃣.", [Expected("1️⃣", "expected a field name after `.`")])
    }

    @Test func expectedAClosingBracket() {
        assertDiagnostics("assert body[0 1️⃣exists", [Expected("1️⃣", "expected `]`", hint: "body.sessions[0]")])
        assertDiagnostics("assert body[01️⃣", [Expected("1️⃣", "expected `]`")])
    }

    @Test func anOpenBracketAtTheEndOfALinePointsThereNotAtTheNextLine() {
        let expected = "expected an index or a quoted key after `[`, found the end of the line"
        // The last line of a file that ends with a newline: the caret at the end of that line.
        assertDiagnostics("session get\nassert status == 200\nassert body.x[1️⃣\n", [Expected("1️⃣", expected, hint: "body.sessions[0]")])
        assertDiagnostics("assert body.x[1️⃣\nprint 1\n", [Expected("1️⃣", expected)])
        assertDiagnostics("assert body.x[1️⃣", [Expected("1️⃣", "expected an index or a quoted key after `[`, found the end of the script")])
    }

    @Test(arguments: ["-1", "1.5", "x", "1e3", "1000000000"])
    func anIndexIsAWholeNumber(_ index: String) {
        assertDiagnostics("assert body[1️⃣\(index)] exists", [Expected("1️⃣", "an index is a whole number from 0", hint: "body.sessions[0]")])
    }

    // MARK: Encoding

    @Test func nulByte() {
        let script = assertDiagnostics("auth\nprint 1️⃣\u{0}x\nsession get", [Expected("1️⃣", "NUL byte in script")])
        #expect(script.statements.map(\.command.erasingRanges) == [.auth(authID: nil, token: nil), .sessionGet(nil)])
    }

    @Test func invalidUTF8NamesTheByte() throws {
        // Line 2 holds a Latin-1 `é` (0xE9), line 3 a truncated sequence; each is reported once and skipped.
        let bytes = Array("auth\nprint \"caf".utf8) + [0xE9] + Array("\" x\nprint ".utf8) + [0xE2, 0x82] + Array("\nsession get".utf8)
        let (script, diagnostics) = Parser.parse(SourceFile(name: "latin1.vsh", bytes: bytes))
        #expect(diagnostics.count == 2)
        let first = try #require(diagnostics.first)
        #expect(first.message == "invalid UTF-8 byte 0xE9")
        #expect(first.hint == "scripts are UTF-8 text; re-save the file as UTF-8")
        #expect(first.range == VshSyntax.SourceLocation(offset: 15, line: 2, column: 11)..<VshSyntax.SourceLocation(offset: 16, line: 2, column: 12))
        let second = try #require(diagnostics.last)
        #expect(second.message == "invalid UTF-8 byte 0xE2")
        #expect(second.range.lowerBound == VshSyntax.SourceLocation(offset: 26, line: 3, column: 7))
        #expect(script.statements.map(\.command.erasingRanges) == [.auth(authID: nil, token: nil), .sessionGet(nil)])
    }

    @Test(arguments: [
        ([UInt8]([0x80]), "0x80"),  // a lone continuation byte
        ([0xC0, 0xAF], "0xC0"),  // an overlong encoding
        ([0xED, 0xA0, 0x80], "0xED"),  // a UTF-16 surrogate
        ([0xF8, 0x88, 0x80, 0x80, 0x80], "0xF8"),  // a five-byte form
        ([0xF0, 0x9F, 0x98], "0xF0"),  // truncated at the end of the file
    ])
    func invalidUTF8Forms(_ bad: [UInt8], _ named: String) {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "x", bytes: Array("print ".utf8) + bad))
        #expect(diagnostics.map(\.message) == ["invalid UTF-8 byte \(named)"])
        #expect(diagnostics.first?.range.lowerBound.column == 7)
    }

    // MARK: Recovery

    @Test func parsingContinuesAfterErrors() {
        let script = assertDiagnostics(
            """
            1️⃣sesion create
            auth
            session create 2️⃣colour=red
            session get
            assert 3️⃣stauts == 200
            """,
            [
                Expected("1️⃣", "unknown command `sesion`"), Expected("2️⃣", "`session create` has no parameter `colour`"),
                Expected("3️⃣", "unknown name `stauts`"),
            ])
        #expect(script.statements.map(\.command.erasingRanges) == [.auth(authID: nil, token: nil), .sessionGet(nil)])
        #expect(script.statements.map(\.range.lowerBound.line) == [2, 4])
    }

    @Test func oneDiagnosticPerLineAtMost() {
        assertDiagnostics("1️⃣sesion x y z\nassert 2️⃣@ @ @\nvalidate 3️⃣a b c", [
            Expected("1️⃣", "unknown command `sesion`"), Expected("2️⃣", "unexpected character `@`"),
            Expected("3️⃣", "a one-time code is digits, got \"a\""),
        ])
    }

    @Test func errorsInCRLFFilesPointAtTheRightColumns() {
        assertDiagnostics("auth\r\n1️⃣sesion get\r\nsession get 2️⃣abc\r\n", [
            Expected("1️⃣", "unknown command `sesion`"), Expected("2️⃣", "\"abc\" is not a session UUID"),
        ])
    }

    @Test func anErrorInAContinuedLineKeepsLineNumbers() {
        assertDiagnostics("session create \\\n  1️⃣recipent=+1\nsession 2️⃣gte", [
            Expected("1️⃣", "`session create` has no parameter `recipent`"), Expected("2️⃣", "unknown subcommand `session gte`"),
        ])
    }

    @Test func anUnknownEscapeBeforeALineEndDoesNotEatTheNextLine() {
        let script = assertDiagnostics("print \"1️⃣\\q \\\n2️⃣sesion\nauth", [
            Expected("1️⃣", containing: "unknown escape `\\q`"), Expected("2️⃣", "unknown command `sesion`"),
        ])
        #expect(script.statements.count == 1)
    }
}

@Suite struct CheckerDiagnosticTests {
    @Test func builtInsCannotBeAssigned() {
        assertDiagnostics(
            "let 1️⃣session = 1\nlet 2️⃣otp = \"1\"", check: true,
            [
                Expected("1️⃣", "`$session` is built in and cannot be assigned", hint: "choose another name, e.g. `let my_session = …`"),
                Expected("2️⃣", "`$otp` is built in and cannot be assigned", hint: "`let my_otp = …`"),
            ])
    }

    @Test func readingTheAnswerBeforeARequest() {
        let hint = "send one first: session create, session get, session list or validate"
        assertDiagnostics(
            """
            auth
            assert 1️⃣status == 200
            print 2️⃣body.x
            let h = 3️⃣header "X"
            assert not 4️⃣status == 1
            assert 1 == 5️⃣body
            session use \(uuid)
            assert 6️⃣body.x == 7️⃣status
            session get
            assert status == 200
            """, check: true,
            [
                Expected("1️⃣", "`status` reads the last answer, but no request has been sent yet", hint: hint),
                Expected("2️⃣", "`body` reads the last answer, but no request has been sent yet"),
                Expected("3️⃣", "`header` reads the last answer, but no request has been sent yet"),
                Expected("4️⃣", "`status` reads the last answer, but no request has been sent yet"),
                Expected("5️⃣", "`body` reads the last answer, but no request has been sent yet"),
                Expected("6️⃣", "`body` reads the last answer, but no request has been sent yet"),
                Expected("7️⃣", "`status` reads the last answer, but no request has been sent yet"),
            ])
    }

    @Test func undefinedVariables() {
        let define = "define it with `let code = …`, pass `--var code=VALUE`, or set it in the environment"
        assertDiagnostics(
            """
            validate 1️⃣$code
            auth 2️⃣$ID "tok-3️⃣${TOKEN}"
            session create recipient=4️⃣$phone brand_name="5️⃣$brand Inc"
            session use 6️⃣$first
            session get 7️⃣$first
            print 8️⃣$x.y
            let x = 9️⃣$x
            """, check: true,
            [
                Expected("1️⃣", "undefined variable `$code`", hint: define), Expected("2️⃣", "undefined variable `$ID`"),
                Expected("3️⃣", "undefined variable `$TOKEN`"), Expected("4️⃣", "undefined variable `$phone`"),
                Expected("5️⃣", "undefined variable `$brand`"), Expected("6️⃣", "undefined variable `$first`"),
                Expected("7️⃣", "undefined variable `$first`"), Expected("8️⃣", "undefined variable `$x`"),
                Expected("9️⃣", "undefined variable `$x`"),
            ])
    }

    @Test func undefinedVariablesSuggestCloseNames() {
        assertDiagnostics(
            "let session_id = 1\nprint 1️⃣$sesion_id\nprint \"a 2️⃣$sesson\"\nvalidate 3️⃣$opt", check: true,
            [
                Expected("1️⃣", "undefined variable `$sesion_id`", hint: "did you mean `$session_id`?"),
                Expected("2️⃣", "undefined variable `$sesson`", hint: "did you mean `$session`?"),
                Expected("3️⃣", "undefined variable `$opt`", hint: "did you mean `$otp`?"),
            ])
    }

    @Test func definedNamesPassTheChecks() {
        assertDiagnostics(
            """
            session create recipient=$PHONE
            validate $otp
            let first = $session
            session use $first
            print "$first ${first} $otp"
            assert body.x == $flag
            """, check: true, predefined: ["PHONE", "flag"], [])
    }

    @Test func aVariableIsDefinedFromItsLetOnwards() {
        assertDiagnostics("print 1️⃣$x\nlet x = 1\nprint $x", check: true, [Expected("1️⃣", "undefined variable `$x`")])
    }

    @Test func theCheckerKeepsStateAcrossStatementsLikeTheREPL() throws {
        var checker = Checker(predefined: ["a"])
        let lines = ["let b = $a", "print $b", "assert status == 200", "session get", "assert status == 200", "print $c"]
        let counts = try lines.map { line in
            let statement = try #require(Parser.parse(source(line)).script.statements.first)
            return checker.check(statement).count
        }
        #expect(counts == [0, 0, 1, 0, 0, 1])
        #expect(checker.defined == ["a", "b"])
        #expect(checker.hasRequest)
        var repl = Checker(hasRequest: true)
        let statement = try #require(Parser.parse(source("assert status == 200")).script.statements.first)
        #expect(repl.check(statement).isEmpty)
    }
}
