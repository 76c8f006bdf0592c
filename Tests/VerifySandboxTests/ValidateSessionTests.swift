import Testing
import VerifyAPI
import VerifySandbox

@Suite("POST …/Verify/Session/{uuid}/ (validate) and the state machine")
struct ValidateSessionTests {
    @Test func rightCodeVerifies() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
        let response = sandbox.validate(uuid, .string(sandbox.code(uuid)))
        #expect(response.status == 200)
        #expect(keys(response.json) == ["api_id", "message", "session_uuid"])
        #expect(response.json?["message"] == "session validated successfully.")
        #expect(response.json?["session_uuid"]?.stringValue == uuid)
        #expect(sandbox.retrieve(uuid).json?["status"] == "verified")
    }

    @Test func wrongCodeIsRejectedAndStaysInProgress() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        expectError(sandbox.validate(uuid, .string(wrongCode(sandbox.code(uuid)))), 400, "incorrect otp")
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
    }

    @Test func verifiedSessionRefusesFurtherValidation() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        #expect(sandbox.validate(uuid, .string(code)).status == 200)
        expectError(sandbox.validate(uuid, .string(code)), 400, "session already verified")
        expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "session already verified")
    }

    @Test func verifiedSessionNeverExpires() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
        try sandbox.advanceClock(by: .seconds(3600))
        #expect(sandbox.retrieve(uuid).json?["status"] == "verified")
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session already verified")
    }

    // MARK: - The ten-attempt limit

    @Test func tenthWrongCodeIsStillIncorrectAndEleventhRightCodeIsLockedOut() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        for _ in 1...10 {
            expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "incorrect otp")
        }
        expectError(sandbox.validate(uuid, .string(code)), 400, "maximum validation attempts exceeded")
        expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "maximum validation attempts exceeded")
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
    }

    @Test func rightCodeOnTheTenthAttemptStillVerifies() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        for _ in 1...9 { expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "incorrect otp") }
        #expect(sandbox.validate(uuid, .string(code)).status == 200)
    }

    @Test func malformedBodiesAreNotCountedAsAttempts() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        for _ in 1...12 { expectError(sandbox.validate(uuid, "12ab"), 400, "otp must be a string of digits") }
        for _ in 1...12 { expectError(sandbox.handle(validateRequest(uuid, [:])), 400, "otp is required") }
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
    }

    @Test func maxAttemptsIsConfigurable() throws {
        let sandbox = makeSandbox(maxAttempts: 2)
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "incorrect otp")
        expectError(sandbox.validate(uuid, .string(wrongCode(code))), 400, "incorrect otp")
        expectError(sandbox.validate(uuid, .string(code)), 400, "maximum validation attempts exceeded")
    }

    // MARK: - Expiry on the virtual clock

    @Test func codeIsStillGoodAt9m59s() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(599))
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
    }

    @Test func codeHasExpiredAt10m01s() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(601))
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session expired")
        let session = sandbox.retrieve(uuid).json
        #expect(session?["status"] == "expired")
        #expect(session?["created_at"] == "2025-01-15T10:00:00.000000Z")
        #expect(session?["updated_at"] == "2025-01-15T10:10:00.000000Z")
    }

    @Test func codeExpiresExactlyAtTheEndOfItsLifetime() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(600) - .microseconds(1))
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
        try sandbox.advanceClock(by: .microseconds(1))
        #expect(sandbox.retrieve(uuid).json?["status"] == "expired")
    }

    @Test func codeLifetimeIsConfigurable() throws {
        let sandbox = makeSandbox(codeLifetime: .seconds(30))
        let uuid = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(31))
        expectError(sandbox.validate(uuid, .string(sandbox.code(uuid))), 400, "session expired")
    }

    @Test func expiryIsReportedBeforeTheLockout() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        for _ in 1...10 { _ = sandbox.validate(uuid, .string(wrongCode(code))) }
        try sandbox.advanceClock(by: .seconds(601))
        expectError(sandbox.validate(uuid, .string(code)), 400, "session expired")
    }

    @Test func updatedAtIsTheInstantOfVerification() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        try sandbox.advanceClock(by: .milliseconds(5123))
        _ = sandbox.validate(uuid, .string(wrongCode(sandbox.code(uuid))))
        #expect(sandbox.retrieve(uuid).json?["updated_at"] == "2025-01-15T10:00:00.000000Z")
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
        #expect(sandbox.retrieve(uuid).json?["updated_at"] == "2025-01-15T10:00:05.123000Z")
    }

    // MARK: - Body variants

    @Test func acceptsTheUpperCaseKey() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        #expect(sandbox.handle(validateRequest(uuid, ["OTP": .string(sandbox.code(uuid))])).status == 200)
    }

    @Test func acceptsARedundantSessionUUID() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let body: KeyValuePairs<String, JSONValue> = [
            "otp": .string(sandbox.code(uuid)), "session_uuid": .string(uuid.uppercased()),
        ]
        #expect(sandbox.handle(validateRequest(uuid, body)).status == 200)
    }

    @Test func rejectsASessionUUIDThatDiffersFromThePath() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let other = sandbox.createSession()
        let code = sandbox.code(uuid)
        expectError(
            sandbox.handle(validateRequest(uuid, ["otp": .string(code), "session_uuid": .string(other)])), 400,
            "session_uuid in the body does not match the path")
        expectError(
            sandbox.handle(validateRequest(uuid, ["otp": .string(code), "session_uuid": 7])), 400,
            "session_uuid must be a string")
        // Neither counted as an attempt, nor verified.
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress")
    }

    @Test func lowerCaseKeyWinsWhenBothAreGiven() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        expectError(
            sandbox.handle(validateRequest(uuid, ["OTP": .string(code), "otp": .string(wrongCode(code))])), 400,
            "incorrect otp")
        #expect(sandbox.handle(validateRequest(uuid, ["otp": .string(code), "OTP": "x"])).status == 200)
    }

    @Test func acceptsAnIntegerCode() throws {
        let sandbox = makeSandbox(fixedCode: "482913")
        let uuid = sandbox.createSession()
        expectError(sandbox.validate(uuid, 482_914), 400, "incorrect otp")
        #expect(sandbox.validate(uuid, 482_913).status == 200)
    }

    @Test func integerCodeIsPaddedWithLeadingZeros() throws {
        let sandbox = makeSandbox(fixedCode: "004321")
        let uuid = sandbox.createSession()
        #expect(sandbox.validate(uuid, 4321).status == 200)
        let strict = sandbox.createSession()
        expectError(sandbox.validate(strict, "4321"), 400, "incorrect otp")
    }

    @Test(arguments: [nil, ""] as [JSONValue])
    func otpIsRequired(otp: JSONValue) throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        expectError(sandbox.validate(uuid, otp), 400, "otp is required")
        expectError(sandbox.handle(validateRequest(uuid, body: nil)), 400, "otp is required")
        expectError(sandbox.handle(validateRequest(uuid, ["session_uuid": .string(uuid)])), 400, "otp is required")
    }

    @Test(arguments: ["12 34", "12a456", "-12345", "１２３４５６", " 123456"] as [JSONValue] + [-1, 12.5, true, [1], .object([])])
    func otpMustBeDigits(otp: JSONValue) throws {
        let sandbox = makeSandbox()
        expectError(sandbox.validate(sandbox.createSession(), otp), 400, "otp must be a string of digits")
    }

    @Test func unknownKeysAreRejected() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        expectError(
            sandbox.handle(validateRequest(uuid, ["otp": .string(sandbox.code(uuid)), "code": "1"])), 400,
            "unknown parameter: code")
    }

    @Test(arguments: [[], "123456", 123_456] as [JSONValue])
    func bodyMustBeAnObject(body: JSONValue) throws {
        let sandbox = makeSandbox()
        expectError(
            sandbox.handle(validateRequest(sandbox.createSession(), body: body)), 400, "request body must be a JSON object")
    }

    @Test func bodyMustBeJSON() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        expectError(
            sandbox.handle(method: .post, target: sessionPath(uuid), body: Array("otp=123456".utf8)), 400,
            "request body is not valid JSON")
        #expect(
            sandbox.handle(method: .post, target: sessionPath(uuid), body: Array(#"{"otp":"\#(sandbox.code(uuid))"}"#.utf8))
                .status == 200)
    }

    // MARK: - Order of checks

    @Test func unknownSessionComesBeforeABadBody() throws {
        let sandbox = makeSandbox()
        let missing = "8e712097-8090-4644-81e7-8f4265d8354e"
        expectError(sandbox.validate(missing, "123456"), 404, "session not found")
        expectError(sandbox.handle(validateRequest(missing, body: "nonsense")), 404, "session not found")
        expectError(sandbox.handle(method: .post, target: sessionPath(missing), body: Array("{".utf8)), 404, "session not found")
    }

    @Test func badBodyComesBeforeTheSessionState() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        #expect(sandbox.validate(uuid, .string(sandbox.code(uuid))).status == 200)
        expectError(sandbox.validate(uuid, "abc"), 400, "otp must be a string of digits")
        let expiring = sandbox.createSession()
        try sandbox.advanceClock(by: .seconds(700))
        expectError(sandbox.handle(validateRequest(expiring, [:])), 400, "otp is required")
    }
}
