import HTTPTypes
import Testing
import VerifyAPI

let authID = "MA2025RK4E639VJFZAGV"
let uuid = "8e712097-8090-4644-81e7-8f4265d8354e"

@Suite struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func rfc4648Vectors(_ text: String, _ encoded: String) {
        #expect(Base64.encode(Array(text.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(text.utf8))
    }

    @Test func decodingVariants() {
        #expect(Base64.decode("Zm9vYg") == Array("foob".utf8))  // unpadded
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.decode("-_-_") == [0xFB, 0xFF, 0xBF])  // URL-safe alphabet
        #expect(Base64.decode("Zm9v!") == nil)
        #expect(Base64.decode("Zm9v Zg==") == nil)
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zm9vY") == nil)
    }

    @Test func roundTripOfEveryLength() {
        var rng = SplitMix64(seed: 7)
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let encoded = Base64.encode(bytes)
            #expect(encoded.count == (length + 2) / 3 * 4)
            #expect(Base64.decode(encoded) == bytes)
        }
    }
}

@Suite struct PercentEncodingTests {
    @Test func encode() {
        #expect(PercentEncoding.encode("+14155550100") == "%2B14155550100")
        #expect(PercentEncoding.encode("a b&c=d/é~-._Z9") == "a%20b%26c%3Dd%2F%C3%A9~-._Z9")
        #expect(PercentEncoding.encode("2024-01-01 00:00") == "2024-01-01%2000%3A00")
        #expect(PercentEncoding.encode("") == "")
    }

    @Test func decode() {
        #expect(PercentEncoding.decode("%2B1") == "+1")
        #expect(PercentEncoding.decode("%2b1") == "+1")
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decode("a+b", plusIsSpace: true) == "a b")
        #expect(PercentEncoding.decode("%2B", plusIsSpace: true) == "+")
        #expect(PercentEncoding.decode("%C3%A9") == "é")
        #expect(PercentEncoding.decode("%zz%4") == "%zz%4")
        #expect(PercentEncoding.decode("%41%") == "A%")
        #expect(PercentEncoding.decode("%41%4") == "A%4")
        #expect(PercentEncoding.decode("100%") == "100%")
    }

    @Test func roundTrip() {
        for text in ["+1 (415) 555-0100", "a&b=c?d#e", "Zoë 😀", "%2B", "~._-", "line\nbreak"] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
            #expect(PercentEncoding.decode(PercentEncoding.encode(text), plusIsSpace: true) == text)
        }
    }

    @Test func queryItems() {
        let items = [QueryItem("status", "verified"), QueryItem("recipient", "+1 415"), QueryItem("brand name", "A&B")]
        let encoded = QueryItem.encode(items)
        #expect(encoded == "status=verified&recipient=%2B1%20415&brand%20name=A%26B")
        #expect(QueryItem.decode(encoded) == items)
        #expect(
            QueryItem.decode("a=1&b=two+words&c&&d=%2B1&=x&e=f=g") == [
                QueryItem("a", "1"), QueryItem("b", "two words"), QueryItem("c", ""), QueryItem("d", "+1"), QueryItem("", "x"), QueryItem("e", "f=g"),
            ])
        #expect(QueryItem.decode("").isEmpty)
        #expect(QueryItem.encode([]) == "")
    }
}

@Suite struct CredentialsTests {
    @Test(arguments: ["MA2025RK4E639VJFZAGV", "SA2025RK4E639VJFZAGV", "MASANDBOX00000000000", "MA000000000000000000"])
    func wellFormed(_ id: String) {
        #expect(Credentials.isWellFormed(authID: id))
    }

    @Test(arguments: [
        "", "MA", "ma2025rk4e639vjfzagv", "XA2025RK4E639VJFZAGV", "MB2025RK4E639VJFZAGV", "MA2025RK4E639VJFZAG", "MA2025RK4E639VJFZAGVX",
        "MA2025RK4E639VJFZAG-", "MA2025RK4E639VJFZAGé", " MA2025RK4E639VJFZAG", "MA2025rk4e639vjfzagv",
    ])
    func malformed(_ id: String) {
        #expect(!Credentials.isWellFormed(authID: id))
    }

    @Test func theTokenNeverAppearsInDescriptions() {
        let credentials = Credentials(authID: authID, authToken: "very-secret-token")
        for text in [credentials.description, "\(credentials)", String(describing: credentials), String(reflecting: credentials), "\([credentials])"] {
            #expect(!text.contains("very-secret-token"), "\(text)")
        }
        #expect(credentials.description == "\(authID):<redacted>")
        #expect(Credentials(authID: authID, authToken: nil).description == "\(authID):<no token>")
    }

    @Test func basicAuthorization() {
        let credentials = Credentials(authID: authID, authToken: "tok")
        #expect(credentials.basicAuthorization == "Basic " + Base64.encode(Array("\(authID):tok".utf8)))
        #expect(credentials.basicAuthorization == "Basic TUEyMDI1Uks0RTYzOVZKRlpBR1Y6dG9r")
        #expect(Credentials(authID: authID, authToken: nil).basicAuthorization == nil)
    }

    @Test func theSandboxDefault() {
        #expect(Credentials.sandboxDefault.authID == "MASANDBOX00000000000")
        #expect(Credentials.sandboxDefault.authToken == nil)
        #expect(Credentials.isWellFormed(authID: Credentials.sandboxDefault.authID))
    }
}

@Suite struct VerifyEndpointTests {
    let credentials = Credentials(authID: authID, authToken: "tok")

    @Test func paths() {
        #expect(VerifyEndpoint.sessionsPath(account: authID) == "/v1/Account/\(authID)/Verify/Session/")
        #expect(VerifyEndpoint.sessionPath(account: authID, uuid: uuid) == "/v1/Account/\(authID)/Verify/Session/\(uuid)/")
        #expect(VerifyEndpoint.sessionPath(account: authID, uuid: "a/b?c") == "/v1/Account/\(authID)/Verify/Session/a%2Fb%3Fc/")
    }

    @Test func createSession() {
        let request = VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100"), ("code_length", 6), ("channel", "sms")])
        #expect(request.method == .post)
        #expect(request.path == "/v1/Account/\(authID)/Verify/Session/")
        #expect(request.target == request.path)
        #expect(request.bodyText == #"{"recipient":"+14155550100","code_length":6,"channel":"sms"}"#)
        #expect(request.headerFields[.accept] == "application/json")
        #expect(request.headerFields[.contentType] == "application/json")
        #expect(request.headerFields[.authorization] == credentials.basicAuthorization)
    }

    @Test func getSession() {
        let request = VerifyEndpoint.getSession(credentials, uuid: uuid)
        #expect(request.method == .get)
        #expect(request.path == "/v1/Account/\(authID)/Verify/Session/\(uuid)/")
        #expect(request.body == nil)
        #expect(request.bodyText == nil)
        #expect(request.headerFields[.contentType] == nil)
        #expect(request.headerFields[.accept] == "application/json")
    }

    @Test func listSessions() {
        let request = VerifyEndpoint.listSessions(credentials, filters: [QueryItem("recipient", "+14155550100"), QueryItem("limit", "5")])
        #expect(request.method == .get)
        #expect(request.target == "/v1/Account/\(authID)/Verify/Session/?recipient=%2B14155550100&limit=5")
        #expect(request.body == nil)
    }

    @Test func validateSession() {
        let request = VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: "012345")
        #expect(request.method == .post)
        #expect(request.path == "/v1/Account/\(authID)/Verify/Session/\(uuid)/")
        #expect(request.bodyText == #"{"otp":"012345"}"#)
        #expect(request.headerFields[.contentType] == "application/json")
    }

    @Test func withoutATokenThereIsNoAuthorization() {
        let request = VerifyEndpoint.getSession(Credentials.sandboxDefault, uuid: uuid)
        #expect(request.headerFields[.authorization] == nil)
        #expect(request.path.hasPrefix("/v1/Account/MASANDBOX00000000000/"))
    }

    @Test func redactedDropsOnlyTheAuthorization() {
        let request = VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: "1")
        let redacted = request.redacted
        #expect(redacted.headerFields[.authorization] == nil)
        #expect(redacted.headerFields[.accept] == "application/json")
        #expect(redacted.headerFields[.contentType] == "application/json")
        #expect(redacted.body == request.body)
        #expect(redacted.path == request.path)
        #expect(request.headerFields[.authorization] != nil)
    }

    @Test func parameterTables() {
        #expect(VerifyParameters.create.map(\.name) == [
            "recipient", "app_uuid", "channel", "url", "method", "locale", "brand_name", "app_hash", "code_length", "dtmf", "fraud_check",
        ])
        #expect(VerifyParameters.create.filter { $0.kind == .integer }.map(\.name) == ["code_length", "dtmf"])
        #expect(VerifyParameters.create.first { $0.name == "channel" }?.kind == .choice(["sms", "voice"]))
        let list = VerifyParameters.list.map(\.name)
        #expect(list.count == 15)
        for name in ["status", "limit", "offset", "session_time__gte", "session_time__lte", "subaccount"] { #expect(list.contains(name)) }
        #expect(VerifyParameters.list.first { $0.name == "status" }?.kind == .choice(["in-progress", "verified", "expired"]))
        #expect(VerifyParameters.list.filter { $0.kind == .timestamp }.count == 5)
    }
}

@Suite struct UUIDTextTests {
    @Test(arguments: [uuid, "8E712097-8090-4644-81E7-8F4265D8354E", "00000000-0000-0000-0000-000000000000"])
    func uuids(_ text: String) {
        #expect(UUIDText.isUUID(text))
    }

    @Test(arguments: [
        "", "8e712097-8090-4644-81e7-8f4265d8354", "8e712097-8090-4644-81e7-8f4265d8354e0", "8e712097080904644-81e7-8f4265d8354e",
        "8e712097-8090-4644-81e7-8f4265d8354g", "8e7120978090464481e78f4265d8354e", "8e71209-78090-4644-81e7-8f4265d8354e",
        "{8e712097-8090-4644-81e7-8f4265d8354}",
    ])
    func notUUIDs(_ text: String) {
        #expect(!UUIDText.isUUID(text))
    }

    @Test func randomUUIDsAreVersion4LowerCaseAndSeeded() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        var seen = Set<String>()
        for _ in 0..<200 {
            let uuid = UUIDText.random(using: &a)
            #expect(UUIDText.isUUID(uuid))
            #expect(uuid == uuid.lowercased())
            let characters = Array(uuid)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            #expect(uuid == UUIDText.random(using: &b))
            seen.insert(uuid)
        }
        #expect(seen.count == 200)
        var d = SplitMix64(seed: 42)
        #expect(UUIDText.random(using: &c) != UUIDText.random(using: &d))
    }
}

@Suite struct APIResponseTests {
    @Test func jsonAnswers() {
        let response = APIResponse(status: 202, json: .object(["message": "Session initiated"]))
        #expect(response.headerFields[.contentType] == "application/json")
        #expect(response.body == Array(#"{"message":"Session initiated"}"#.utf8))
        #expect(response.json?["message"] == "Session initiated")
        #expect(response.isSuccess)
        let parsed = APIResponse(status: 200, body: Array(#" {"a": [1]} "#.utf8))
        #expect(parsed.json == .object(["a": [1]]))
    }

    @Test func bodiesThatAreNotJSON() {
        #expect(APIResponse(status: 200, body: []).json == nil)
        #expect(APIResponse(status: 502, body: Array("<html>bad gateway</html>".utf8)).json == nil)
        #expect(APIResponse(status: 200, body: Array(#"{"a":1,}"#.utf8)).json == nil)
    }

    @Test func success() {
        #expect([199, 200, 204, 299, 300, 400, 500].map { APIResponse(status: $0, body: []).isSuccess } == [false, true, true, true, false, false, false])
    }

    @Test func errorText() {
        #expect(APIResponse(status: 400, json: .object(["api_id": "x", "error": "incorrect otp"])).errorText == "incorrect otp")
        #expect(APIResponse(status: 400, json: .object(["error": nil])).errorText == nil)
        #expect(APIResponse(status: 400, json: .object(["error": .object(["otp": ["required"]])])).errorText == #"{"otp":["required"]}"#)
        #expect(APIResponse(status: 400, json: .object(["message": "x"])).errorText == nil)
        #expect(APIResponse(status: 400, body: Array("error".utf8)).errorText == nil)
    }

    @Test(arguments: [
        (200, "200 OK"), (202, "202 Accepted"), (400, "400 Bad Request"), (401, "401 Unauthorized"), (404, "404 Not Found"),
        (422, "422 Unprocessable Content"), (429, "429 Too Many Requests"), (500, "500 Internal Server Error"), (503, "503 Service Unavailable"),
    ])
    func statusLines(_ status: Int, _ line: String) {
        #expect(APIResponse(status: status, body: []).statusLine == line)
    }

    @Test func statusLinesOfOtherCodes() {
        #expect(APIResponse(status: 418, body: []).statusLine.hasPrefix("418"))
        #expect(APIResponse(status: 599, body: []).statusLine == "599")
    }

    struct MinimalTransport: Transport {
        var name: String { "minimal" }
        func send(_ request: APIRequest) async throws(TransportError) -> APIResponse { APIResponse(status: 204, body: []) }
        func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {}
        func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String { "123456" }
    }

    @Test func transportsNeedNoCredentialsUnlessTheySaySo() {
        #expect(!MinimalTransport().needsCredentials)
    }

    @Test func transportErrors() {
        let error = TransportError(.replayMiss, "no recorded exchange matches", notes: ["nearest: GET /x"])
        #expect(error.description == "no recorded exchange matches")
        #expect(error.kind == .replayMiss)
        #expect(error.notes == ["nearest: GET /x"])
        #expect(DeliveredCodeQuery(sessionUUID: uuid) == DeliveredCodeQuery(sessionUUID: uuid, recipient: nil))
        #expect(VshVersion.current.split(separator: ".").count == 3)
    }
}
