import Testing
import VerifyAPI

/// The one redaction rule (docs/language.md, "Secrets").
@Suite struct RedactorTests {
    static let token = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"

    @Test func aLongTokenIsReplacedWhereverItsBytesAreEvenInsideAWord() {
        let redactor = Redactor([Self.token])
        #expect(redactor.redact("token \(Self.token) here") == "token [redacted] here")
        #expect(redactor.redact("x\(Self.token)y") == "x[redacted]y")
        #expect(redactor.redact("\(Self.token)\(Self.token)") == "[redacted][redacted]")
        #expect(redactor.redact("nothing secret") == "nothing secret")
        #expect(redactor.reveals("a\(Self.token)"))
        #expect(!redactor.reveals("Zq8wVx3K"))
    }

    @Test func itsWireFormsAndTheBasicCredentialsAreSecretsToo() {
        var redactor = Redactor()
        let odd = "pa ss/wo\"rd+123"
        redactor.add(token: odd, authID: "MA2025RK4E639VJFZAGV")
        #expect(redactor.redact("q=" + PercentEncoding.encode(odd)) == "q=[redacted]")
        #expect(redactor.redact(JSONValue.string(odd).compactText) == "\"[redacted]\"")
        let basic = Base64.encode(Array("MA2025RK4E639VJFZAGV:\(odd)".utf8))
        #expect(redactor.redact("Authorization: Basic \(basic)") == "Authorization: Basic [redacted]")
    }

    @Test func aShortTokenIsNeverSearchedForSoProseStaysReadable() {
        let redactor = Redactor(["sandbox"])
        #expect(redactor.redact("running on the sandbox") == "running on the sandbox")
        #expect(redactor.redact("sandbox") == "[redacted]", "a value that is the token")
        let oneLetter = Redactor(["a"])
        #expect(oneLetter.redact("a banana and a pear") == "a banana and a pear", "not shredded, and not guessable")
        #expect(oneLetter.redact("a") == "[redacted]")
        #expect(!oneLetter.reveals("banana"))
    }

    @Test func aTextBuiltFromAShortTokenShowsItsRedactedForm() {
        var redactor = Redactor(["sandbox"])
        redactor.addDerived("token: sandbox", shown: "token: [redacted]")
        #expect(redactor.redact("token: sandbox") == "token: [redacted]")
        #expect(redactor.reveals("token: sandbox"))
        #expect(redactor.redact(JSONValue.object(["brand_name": "token: sandbox"])) == .object(["brand_name": "token: [redacted]"]))
    }

    @Test func jsonValuesAndRequestsAreRedactedValueByValue() {
        let redactor = Redactor(["s3", Self.token])
        #expect(redactor.redact(JSONValue.object(["a": "s3", "b": "s3 s3", "c": .string("x" + Self.token)]))
            == .object(["a": "[redacted]", "b": "s3 s3", "c": "x[redacted]"]))
        var request = APIRequest(method: .get, path: "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/", query: [QueryItem("brand_name", "s3"), QueryItem("limit", "5")])
        request.headerFields[.authorization] = "Basic abc"
        let shown = redactor.redact(request)
        #expect(shown.headerFields[.authorization] == nil)
        #expect(shown.shownTarget == "/v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/?brand_name=[redacted]&limit=5")
    }

    @Test(arguments: [
        // The token argument of an auth line, literal or quoted (even unterminated), whatever its length.
        ("auth MA2025RK4E639VJFZAGV tok", "auth MA2025RK4E639VJFZAGV [redacted]"),
        ("auth MA2025RK4E639VJFZAGV \"to ken\" # note", "auth MA2025RK4E639VJFZAGV [redacted] # note"),
        ("auth MA2025RK4E639VJFZAGV \"unterminated tok", "auth MA2025RK4E639VJFZAGV [redacted]"),
        ("  atuh MA2025RK4E639VJFZAGV x", "  atuh MA2025RK4E639VJFZAGV [redacted]"),
        // Variable references are no secret.
        ("auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN", "auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN"),
        ("auth MA2025RK4E639VJFZAGV \"${T}\"", "auth MA2025RK4E639VJFZAGV \"${T}\""),
        // A typo in the auth ID stays visible: it is what needs fixing.
        ("auth MA2025rk4E639VJFZAGV tok", "auth MA2025rk4E639VJFZAGV [redacted]"),
        // A token where the auth ID goes (arguments swapped) is hidden.
        ("auth Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO MA2025RK4E639VJFZAGV", "auth [redacted] [redacted]"),
        // Not an auth line: short tokens are left alone.
        ("print \"tok\"", "print \"tok\""),
    ])
    func sourceLines(_ line: String, _ shown: String) {
        #expect(Redactor(["tok"]).redact(sourceLine: line) == shown)
    }

    @Test func aCaretSpanFollowsTheRedactedLine() {
        let line = Array("assert body.x == \"\(Self.token)\" and more".utf8)
        let redactor = Redactor([Self.token])
        // The span of `more`, after the token: moved left by the difference in length.
        let start = line.count - 4
        let (bytes, span) = redactor.redact(sourceLine: line, span: start..<line.count)
        #expect(String(decoding: bytes[span], as: UTF8.self) == "more")
        // A span on the token covers its mark.
        let tokenStart = 18
        let (_, onToken) = redactor.redact(sourceLine: line, span: tokenStart..<tokenStart + 40)
        #expect(String(decoding: bytes[onToken], as: UTF8.self) == "[redacted]")
    }

    @Test func literalTokensOfAuthLinesAreKnownBeforeTheScriptRuns() {
        var redactor = Redactor()
        redactor.learnTokens(fromScript: "print 1\nauth MA2025RK4E639VJFZAGV \(Self.token)\nauth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN\n")
        #expect(redactor.secrets == [Self.token])
        var swapped = Redactor()
        swapped.learnTokens(fromScript: "auth \(Self.token) MA2025RK4E639VJFZAGV\n")
        #expect(!swapped.secrets.contains("MA2025RK4E639VJFZAGV"), "an auth ID in the token's place is not a secret")
    }

    /// Every way the lexer reads an `auth` line is a way its token is learned: CR LF and lone CR
    /// line ends (CR LF is one Swift character, not two), vertical tab and form feed between
    /// the arguments, a `\` continuation, and an `auth` written after a block's ` { `.
    @Test(arguments: [
        "print 1\r\nauth MA2025RK4E639VJFZAGV TOKEN\r\nprint 2\r\n",
        "print 1\rauth MA2025RK4E639VJFZAGV TOKEN\rprint 2\r",
        "auth MA2025RK4E639VJFZAGV\u{0C}TOKEN\n",
        "auth MA2025RK4E639VJFZAGV\u{0B}TOKEN\n",
        "auth MA2025RK4E639VJFZAGV \\\n    TOKEN\n",
        "auth \\\r\n MA2025RK4E639VJFZAGV \\\r\n TOKEN\r\n",
        "if $transport == \"sandbox\" { auth MA2025RK4E639VJFZAGV TOKEN\n}\n",
        "repeat 2 { auth MA2025RK4E639VJFZAGV \"TOKEN\"\n}\n",
    ])
    func everyShapeOfAnAuthLineTeachesItsToken(_ script: String) {
        for token in [Self.token, "tk9"] {
            var redactor = Redactor()
            redactor.learnTokens(fromScript: script.replacing("TOKEN", with: token))
            #expect(redactor.secrets == [token], "\(script.debugDescription)")
        }
    }

    @Test func aShortTokenAfterABlocksBraceIsHiddenInTheQuotedLine() {
        let line = Array("if 1 == 1 { auth MA2025RK4E639VJFZAGV tk9".utf8)
        let (shown, _) = Redactor().redact(sourceLine: line, span: 0..<2)
        #expect(String(decoding: shown, as: UTF8.self) == "if 1 == 1 { auth MA2025RK4E639VJFZAGV [redacted]")
    }

    @Test func theSharedRedactorIsOneForEveryone() {
        let shared = SharedRedactor()
        shared.update { $0.add(Self.token) }
        #expect(shared.current.redact(Self.token) == "[redacted]")
    }
}
