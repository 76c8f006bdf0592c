import HTTPTypes
import Testing
import VerifyAPI
import VerifySandbox

@Suite("Authentication")
struct AuthenticationTests {
    let sandbox = makeSandbox(authToken: "s3cret")

    func request(_ authorization: String?, path: String = sessionsPath()) -> APIRequest {
        var fields = HTTPFields()
        if let authorization { fields[.authorization] = authorization }
        return APIRequest(method: .post, path: path, headerFields: fields, body: .object(["recipient": "+14155550100"]))
    }

    func basic(_ userAndPassword: String) -> String { "Basic " + Base64.encode(Array(userAndPassword.utf8)) }

    func expectRefused(_ response: APIResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(response, 401, "authentication failed", sourceLocation: sourceLocation)
        #expect(response.json?["api_id"] == nil, sourceLocation: sourceLocation)
        #expect(response.headerFields[.wwwAuthenticate]?.hasPrefix("Basic") == true, sourceLocation: sourceLocation)
    }

    @Test func rightCredentialsAreAccepted() {
        let credentials = Credentials(authID: account, authToken: "s3cret")
        let response = sandbox.handle(VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100")]))
        #expect(response.status == 202)
        let uuid = response.json?["session_uuid"]?.stringValue ?? ""
        #expect(sandbox.handle(VerifyEndpoint.getSession(credentials, uuid: uuid)).status == 200)
        #expect(sandbox.handle(VerifyEndpoint.listSessions(credentials, filters: [])).status == 200)
        #expect(sandbox.handle(VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: sandbox.code(uuid))).status == 200)
    }

    @Test func schemeIsCaseInsensitive() {
        #expect(sandbox.handle(request("basic " + Base64.encode(Array("\(account):s3cret".utf8)))).status == 202)
    }

    @Test func missingHeaderIsRefused() {
        expectRefused(sandbox.handle(request(nil)))
        #expect(sandbox.outbox().isEmpty)
    }

    @Test func wrongTokenIsRefused() {
        expectRefused(sandbox.handle(request(basic("\(account):wrong"))))
        expectRefused(sandbox.handle(request(basic("\(account):"))))
        expectRefused(sandbox.handle(request(basic("\(account):s3cret "))))
    }

    @Test func malformedAuthIDIsRefused() {
        let malformed = "XX2025RK4E639VJFZAGV"
        expectRefused(sandbox.handle(request(basic("\(malformed):s3cret"), path: sessionsPath(malformed))))
        let lower = "ma2025rk4e639vjfzagv"
        expectRefused(sandbox.handle(request(basic("\(lower):s3cret"), path: sessionsPath(lower))))
        expectRefused(sandbox.handle(request(basic("MA123:s3cret"), path: sessionsPath("MA123"))))
    }

    @Test func authIDMustMatchThePath() {
        expectRefused(sandbox.handle(request(basic("\(otherAccount):s3cret"))))
    }

    @Test func garbageHeadersAreRefused() {
        expectRefused(sandbox.handle(request("Bearer s3cret")))
        expectRefused(sandbox.handle(request("Basic !!!")))
        expectRefused(sandbox.handle(request("Basic")))
        expectRefused(sandbox.handle(request(basic("no-colon"))))
    }

    @Test func everyVerifyRouteNeedsAuth() {
        let uuid = "8e712097-8090-4644-81e7-8f4265d8354e"
        expectRefused(sandbox.handle(APIRequest(method: .get, path: sessionsPath())))
        expectRefused(sandbox.handle(APIRequest(method: .get, path: sessionPath(uuid))))
        expectRefused(sandbox.handle(APIRequest(method: .post, path: sessionPath(uuid), body: .object(["otp": "1234"]))))
        // Authentication comes before the method check.
        expectRefused(sandbox.handle(APIRequest(method: .delete, path: sessionPath(uuid))))
    }

    @Test func outOfBandEndpointsNeedNoAuth() {
        #expect(sandbox.handle(APIRequest(method: .get, path: "/__sandbox/outbox")).status == 200)
        #expect(sandbox.handle(APIRequest(method: .get, path: "/__sandbox/clock")).status == 200)
    }

    @Test func withoutATokenAnythingGoes() {
        let open = makeSandbox()
        #expect(
            open.handle(APIRequest(method: .post, path: sessionsPath(), body: .object(["recipient": "+14155550100"]))).status
                == 202)
        #expect(open.handle(request(basic("\(account):whatever"))).status == 202)
    }
}

@Suite("Routing")
struct RoutingTests {
    @Test(arguments: [
        "/", "/v1/", "/v1/Account/\(account)/", "/v1/Account/\(account)/Verify/", "/v1/Account/\(account)/Message/",
        "/v1/Account//Verify/Session/", "/v1/Account/\(account)/Verify/Session/a/b/", "/v1/account/\(account)/verify/session/",
        "/__sandbox/", "/__sandbox/restart", "v1/Account/\(account)/Verify/Session/",
    ])
    func unknownPathsAreNotFound(path: String) {
        let sandbox = makeSandbox(authToken: "s3cret")
        expectError(sandbox.handle(APIRequest(method: .get, path: path)), 404, "not found")
    }

    @Test func verifyPathsNeedTheTrailingSlash() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        expectError(sandbox.handle(APIRequest(method: .get, path: "/v1/Account/\(account)/Verify/Session")), 404, "not found")
        expectError(
            sandbox.handle(APIRequest(method: .get, path: "/v1/Account/\(account)/Verify/Session/\(uuid)")), 404, "not found")
        expectError(
            sandbox.handle(
                createRequest(body: .object(["recipient": "+14155550100"])).withPath("/v1/Account/\(account)/Verify/Session")),
            404, "not found")
        #expect(sandbox.outbox().count == 1)
    }

    @Test func wrongMethodIsNotAllowed() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        for (method, path) in [
            (HTTPRequest.Method.delete, sessionPath(uuid)), (.put, sessionsPath()), (.patch, sessionPath(uuid)),
        ] {
            let response = sandbox.handle(APIRequest(method: method, path: path))
            expectError(response, 405, "method not allowed")
            #expect(response.headerFields[.allow] == "GET, POST")
        }
        let outbox = sandbox.handle(APIRequest(method: .post, path: "/__sandbox/outbox", body: .object([])))
        expectError(outbox, 405, "method not allowed")
        #expect(outbox.headerFields[.allow] == "GET")
        let clock = sandbox.handle(APIRequest(method: .delete, path: "/__sandbox/clock"))
        expectError(clock, 405, "method not allowed")
        #expect(clock.headerFields[.allow] == "GET, POST")
    }

    @Test func aQueryInThePathIsUnderstood() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        _ = sandbox.createSession(["recipient": "+447700900123"])
        let response = sandbox.handle(APIRequest(method: .get, path: sessionsPath() + "?country=US"))
        #expect(response.json?["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } == [uuid])
    }

    @Test func rawEntryPointParsesTargetAndBody() {
        let sandbox = makeSandbox()
        let created = sandbox.handle(method: .post, target: sessionsPath(), body: Array(#"{"recipient":"+14155550100"}"#.utf8))
        #expect(created.status == 202)
        let uuid = created.json?["session_uuid"]?.stringValue ?? ""
        // An empty or blank body counts as none.
        expectError(sandbox.handle(method: .post, target: sessionsPath(), body: []), 400, "recipient is required")
        expectError(sandbox.handle(method: .post, target: sessionsPath(), body: Array(" \n".utf8)), 400, "recipient is required")
        // A body on a GET is ignored, even when it is not JSON.
        #expect(sandbox.handle(method: .get, target: sessionPath(uuid), body: Array("junk".utf8)).status == 200)
        // Percent-encoded path segments are decoded.
        #expect(sandbox.handle(method: .get, target: sessionPath(uuid).replacingFirstDash(), body: []).status == 200)
        let listed = sandbox.handle(method: .get, target: sessionsPath() + "?limit=1&status=in-progress", body: [])
        #expect(listed.json?["meta"]?["limit"] == 1)
    }

    @Test func unknownPathComesBeforeABadBody() {
        expectError(makeSandbox().handle(method: .post, target: "/v1/nowhere/", body: Array("{".utf8)), 404, "not found")
    }
}

extension APIRequest {
    func withPath(_ path: String) -> APIRequest {
        var copy = self
        copy.path = path
        return copy
    }
}

extension String {
    /// Spells the first `-` as `%2D`.
    func replacingFirstDash() -> String {
        guard let dash = firstIndex(of: "-") else { return self }
        return self[..<dash] + "%2D" + self[index(after: dash)...]
    }
}
