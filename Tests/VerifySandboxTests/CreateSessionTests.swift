import Testing
import VerifyAPI
import VerifySandbox

@Suite("POST …/Verify/Session/ (create)")
struct CreateSessionTests {
    @Test func answers202WithPlivosShape() {
        let sandbox = makeSandbox()
        let response = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        #expect(response.status == 202)
        #expect(keys(response.json) == ["api_id", "message", "session_uuid"])
        #expect(response.json?["message"] == "Session initiated")
        let uuid = response.json?["session_uuid"]?.stringValue ?? ""
        #expect(UUIDText.isUUID(uuid))
        #expect(UUIDText.isUUID(response.json?["api_id"]?.stringValue ?? ""))
        #expect(response.json?["api_id"]?.stringValue != uuid)
        #expect(response.headerFields[.contentType] == "application/json")
    }

    @Test func uuidsAreVersion4() {
        let sandbox = makeSandbox()
        let uuid = Array(sandbox.createSession().utf8)
        #expect(uuid[14] == UInt8(ascii: "4"))
        #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(uuid[19]))
    }

    @Test func acceptsTheBodyThePythonSDKSends() {
        let sandbox = makeSandbox()
        let response = sandbox.handle(
            createRequest(["recipient": "+14155550100", "channel": "sms", "method": "POST", "url": "https://example.com/cb"]))
        #expect(response.status == 202)
    }

    @Test func acceptsEveryDocumentedParameter() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession([
            "recipient": "+14155550100", "app_uuid": "d5a6f7b0-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "channel": "voice",
            "url": "http://example.com/status", "method": "GET", "locale": "es", "brand_name": "Acme",
            "app_hash": "FA+9qCX9VSu", "code_length": 8, "dtmf": 1, "fraud_check": "disabled",
        ])
        let session = sandbox.retrieve(uuid).json
        #expect(session?["channel"] == "voice")
        #expect(session?["locale"] == "es")
        #expect(session?["app_uuid"] == "d5a6f7b0-1c2d-4e3f-8a9b-0c1d2e3f4a5b")
        #expect(sandbox.code(uuid).count == 8)
    }

    @Test func nullValuesCountAsAbsent() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession([
            "recipient": "+14155550100", "channel": nil, "code_length": nil, "url": nil, "method": nil, "locale": nil,
            "app_uuid": nil,
        ])
        #expect(sandbox.code(uuid).count == 6)
        let session = sandbox.retrieve(uuid).json
        #expect(session?["channel"] == "sms")
        #expect(session?["locale"] == "en")
        #expect(session?["alias"] == "default_verify_app")
    }

    @Test func channelAndMethodAreCaseInsensitive() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100", "channel": "VOICE", "method": "get"])
        #expect(sandbox.retrieve(uuid).json?["channel"] == "voice")
        #expect(sandbox.outbox(sessionUUID: uuid).first?.channel == "voice")
    }

    @Test func recordsOneOutboxMessage() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        let messages = sandbox.outbox()
        #expect(messages.count == 1)
        #expect(messages.first?.sessionUUID == uuid)
        #expect(messages.first?.recipient == "14155550100")
        #expect(messages.first?.channel == "sms")
        #expect(messages.first?.sentAt == start)
    }

    @Test(arguments: [4, 5, 6, 7, 8])
    func codeLengthSetsTheLengthOfTheCode(length: Int) {
        let sandbox = makeSandbox()
        for _ in 0..<20 {
            let uuid = sandbox.createSession(["recipient": .string(freshRecipient()), "code_length": .number(Double(length))])
            let code = sandbox.code(uuid)
            #expect(code.count == length)
            #expect(code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
        }
    }

    @Test func defaultCodeHasSixDigits() {
        let sandbox = makeSandbox()
        #expect(sandbox.code(sandbox.createSession()).count == 6)
    }

    @Test func codesDifferBetweenSessions() {
        let sandbox = makeSandbox()
        let codes = Set((0..<20).map { _ in sandbox.code(sandbox.createSession()) })
        #expect(codes.count > 15)
    }

    @Test func fixedCodeWinsOverCodeLength() {
        let sandbox = makeSandbox(fixedCode: "123456")
        let first = sandbox.createSession(["recipient": "+14155550100", "code_length": 4])
        let second = sandbox.createSession(["recipient": "+447700900123", "code_length": 8])
        #expect(sandbox.code(first) == "123456")
        #expect(sandbox.code(second) == "123456")
        #expect(sandbox.validate(first, "123456").status == 200)
    }

    @Test(arguments: ["+14155550100", "14155550100"])
    func recipientIsStoredWithoutThePlus(recipient: String) {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": .string(recipient)])
        #expect(sandbox.retrieve(uuid).json?["recipient"] == "14155550100")
    }

    @Test(arguments: ["+12345678", "+123456789012345"])
    func recipientLengthLimitsAreInclusive(recipient: String) {
        #expect(makeSandbox().handle(createRequest(["recipient": .string(recipient)])).status == 202)
    }

    // MARK: - Every error row of create

    @Test func recipientIsRequired() {
        let sandbox = makeSandbox()
        expectError(sandbox.handle(createRequest(["channel": "sms"])), 400, "recipient is required")
        expectError(sandbox.handle(createRequest(["recipient": nil])), 400, "recipient is required")
        expectError(sandbox.handle(createRequest(body: nil)), 400, "recipient is required")
        expectError(sandbox.handle(createRequest(body: .object([]))), 400, "recipient is required")
        #expect(sandbox.outbox().isEmpty)
    }

    @Test(arguments: [
        "", "+", "+0155550100", "+1234567", "+1234567890123456", "+1 415 555 0100", "+1-415-555-0100", "++14155550100", "phone",
    ])
    func recipientMustBeE164(recipient: String) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": .string(recipient)])), 400,
            "recipient must be a phone number in E.164 format, e.g. +14155550100")
    }

    @Test func recipientMustBeAString() {
        expectError(makeSandbox().handle(createRequest(["recipient": 14_155_550_100])), 400, "recipient must be a string")
    }

    @Test(arguments: ["email", "", "whatsapp"] as [JSONValue] + [1, true])
    func channelMustBeSMSOrVoice(channel: JSONValue) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": "+14155550100", "channel": channel])), 400,
            "channel must be sms or voice")
    }

    @Test(arguments: ["PUT", "", "DELETE"] as [JSONValue] + [1])
    func methodMustBePOSTOrGET(method: JSONValue) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": "+14155550100", "method": method])), 400,
            "method must be POST or GET")
    }

    @Test(arguments: [3, 9, 0, -6, 6.5, "6", true] as [JSONValue])
    func codeLengthMustBeFrom4To8(length: JSONValue) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": "+14155550100", "code_length": length])), 400,
            "code_length must be an integer from 4 to 8")
    }

    @Test(arguments: ["1", 1.5, false, [1]] as [JSONValue])
    func dtmfMustBeAnInteger(dtmf: JSONValue) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": "+14155550100", "dtmf": dtmf])), 400, "dtmf must be an integer")
    }

    @Test(arguments: ["ftp://example.com", "example.com", "https://", "http:///path", "https://exa mple.com", ""])
    func urlMustBeHTTP(url: String) {
        expectError(
            makeSandbox().handle(createRequest(["recipient": "+14155550100", "url": .string(url)])), 400,
            "url must be an http or https URL")
    }

    @Test(arguments: ["app_uuid", "url", "locale", "brand_name", "app_hash", "fraud_check"])
    func textParametersMustBeStrings(name: String) {
        let body = JSONValue.object([(key: "recipient", value: "+14155550100"), (key: name, value: 5)])
        expectError(makeSandbox().handle(createRequest(body: body)), 400, "\(name) must be a string")
    }

    @Test func unknownParametersAreRejected() {
        let sandbox = makeSandbox()
        expectError(
            sandbox.handle(createRequest(["recipient": "+14155550100", "otp": "123456"])), 400, "unknown parameter: otp")
        // Even null, and before any other problem.
        expectError(sandbox.handle(createRequest(["Recipient": nil])), 400, "unknown parameter: Recipient")
        #expect(sandbox.outbox().isEmpty)
    }

    @Test(arguments: [[], "recipient", 1, nil] as [JSONValue])
    func bodyMustBeAnObject(body: JSONValue) {
        expectError(makeSandbox().handle(createRequest(body: body)), 400, "request body must be a JSON object")
    }

    @Test func bodyMustBeJSON() {
        let sandbox = makeSandbox()
        let response = sandbox.handle(method: .post, target: sessionsPath(), body: Array("recipient=+14155550100".utf8))
        expectError(response, 400, "request body is not valid JSON")
        #expect(sandbox.outbox().isEmpty)
    }

    @Test func checksRunInADocumentedOrder() {
        let sandbox = makeSandbox()
        // recipient comes before the rest; then the order of VerifyParameters.create.
        expectError(
            sandbox.handle(createRequest(["channel": "fax", "recipient": "x"])), 400,
            "recipient must be a phone number in E.164 format, e.g. +14155550100")
        expectError(
            sandbox.handle(createRequest(["code_length": 2, "channel": "fax", "recipient": "+14155550100"])), 400,
            "channel must be sms or voice")
    }
}
