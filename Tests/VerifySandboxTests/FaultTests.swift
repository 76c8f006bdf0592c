import HTTPTypes
import Testing
import VerifyAPI
import VerifySandbox

/// Faults armed out of band for the next matching requests of an account.
@Suite struct FaultTests {
    func arm(_ sandbox: VerifySandbox, _ body: JSONValue, as authID: String = account) -> APIResponse {
        sandbox.handle(outOfBand(.post, "/__sandbox/faults", body: body, as: authID))
    }

    @Test(arguments: [400, 401, 404, 429, 500, 502, 503])
    func aStatusFaultAnswersInPlivosShapeAndPerformsNothing(status: Int) throws {
        let sandbox = makeSandbox()
        let armed = arm(sandbox, .object(["endpoint": "create", "status": .number(Double(status))]))
        #expect(armed.status == 201)
        #expect(armed.json?["fault"]?["id"] == "f1")
        let refused = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        #expect(refused.status == status)
        #expect(refused.errorText == SandboxFault.statuses.first { $0.status == status }?.text)
        #expect((refused.json?["api_id"]?.stringValue.map(UUIDText.isUUID) ?? false) == (status != 401), "a 401 has none, as the sandbox's own")
        #expect(refused.headerFields[.wwwAuthenticate] == (status == 401 ? "Basic realm=\"vsh sandbox\"" : nil))
        #expect(refused.headerFields[SandboxFault.headerName] == "f1")
        #expect(refused.headerFields[.retryAfter] == (status == 429 ? "60" : nil))
        #expect(sandbox.listedUUIDs().isEmpty, "the refused create made no session")
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"])).status == 202, "used up after one")
    }

    @Test func timesRecipientAndEndpointChooseTheRequests() throws {
        let sandbox = makeSandbox()
        #expect(arm(sandbox, .object(["endpoint": "validate", "recipient": "+14155550101", "times": 2, "status": 500])).status == 201)
        let other = sandbox.createSession(["recipient": "+14155550100"])
        let target = sandbox.createSession(["recipient": "+14155550101"])
        #expect(sandbox.validate(other, "000000").status == 400, "another recipient's validate is judged")
        #expect(sandbox.retrieve(target).status == 200, "another endpoint is answered")
        #expect(sandbox.validate(target, .string(sandbox.code(target))).status == 500)
        #expect(sandbox.validate(target, .string(sandbox.code(target))).status == 500)
        #expect(sandbox.validate(target, .string(sandbox.code(target))).status == 200)
    }

    @Test func faultsBelongToTheirAccount() throws {
        let sandbox = makeSandbox()
        _ = arm(sandbox, .object(["endpoint": "any", "status": 503]), as: otherAccount)
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"])).status == 202)
        #expect(sandbox.handle(createRequest(["recipient": "+14155550100"], account: otherAccount)).status == 503)
    }

    @Test func theBodyFaultsPerformTheRequestAndBreakTheAnswer() throws {
        let sandbox = makeSandbox()
        _ = arm(sandbox, .object(["endpoint": "create", "body": "malformed"]))
        let malformed = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        #expect(malformed.status == 202)
        #expect(malformed.json == nil && !malformed.body.isEmpty)
        #expect(sandbox.listedUUIDs().count == 1, "performed")
        _ = arm(sandbox, .object(["endpoint": "list", "body": "empty"]))
        let empty = sandbox.list()
        #expect(empty.status == 200 && empty.body.isEmpty)
    }

    @Test func dropResetAndDelayAreLeftToTheDoor() throws {
        let sandbox = makeSandbox()
        _ = arm(sandbox, .object(["endpoint": "create", "drop": true, "delay": "2s"]))
        let dropped = sandbox.answer(createRequest(["recipient": "+14155550100"]))
        #expect(dropped.fault == FaultDelivery(faultID: "f1", delay: .seconds(2), mangle: .drop))
        #expect(sandbox.listedUUIDs().isEmpty, "a dropped request is not performed")
        _ = arm(sandbox, .object(["endpoint": "create", "reset": true]))
        let reset = sandbox.answer(createRequest(["recipient": "+14155550100"]))
        #expect(reset.fault?.mangle == .reset)
        #expect(reset.response.status == 202)
        #expect(sandbox.listedUUIDs().count == 1, "a reset request is performed: the client cannot know")
    }

    @Test func armedFaultsAreListedAndCleared() throws {
        let sandbox = makeSandbox()
        _ = arm(sandbox, .object(["endpoint": "create", "status": 429, "retry_after": 5, "times": 3]))
        _ = arm(sandbox, .object(["endpoint": "list", "delay": "1s"]))
        _ = arm(sandbox, .object(["endpoint": "any", "status": 500]), as: otherAccount)
        let mine = sandbox.handle(outOfBand(.get, "/__sandbox/faults")).json?["faults"]?.arrayValue ?? []
        #expect(mine.map { $0["id"] } == ["f1", "f2"])
        #expect(
            mine[0]
                == .object([
                    "auth_id": .string(account), "id": "f1", "endpoint": "create", "method": .null, "recipient": .null, "remaining": 3,
                    "status": 429, "retry_after": 5,
                ]))
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/faults", as: nil)).json?["faults"]?.arrayValue?.count == 3)
        #expect(sandbox.handle(outOfBand(.delete, "/__sandbox/faults/f1")).json == .object(["cleared": 1]))
        expectError(sandbox.handle(outOfBand(.delete, "/__sandbox/faults/f1")), 404, "fault not found")
        #expect(sandbox.handle(outOfBand(.delete, "/__sandbox/faults")).json == .object(["cleared": 1]))
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/faults")).json == .object(["faults": []]))
        expectError(
            sandbox.handle(outOfBand(.delete, "/__sandbox/faults", as: nil)), 401,
            "this change needs an account: send its auth_id and token with HTTP Basic auth")
    }

    @Test(arguments: [
        (JSONValue.object(["status": 503]), "endpoint must be one of create, validate, retrieve, list, any"),
        (.object(["endpoint": "delete", "status": 503]), "endpoint must be one of create, validate, retrieve, list, any"),
        (.object(["endpoint": "create"]), "a fault takes one of status, drop: true, reset: true or body, or a delay alone"),
        (.object(["endpoint": "create", "status": 503, "drop": true]), "a fault takes one of status, drop: true, reset: true or body, or a delay alone"),
        (.object(["endpoint": "create", "status": 418]), "status must be one of 400, 401, 404, 429, 500, 502, 503"),
        (.object(["endpoint": "create", "status": "503"]), "status must be one of 400, 401, 404, 429, 500, 502, 503"),
        (.object(["endpoint": "create", "status": 503, "times": 0]), "times must be an integer from 1 to 1000"),
        (.object(["endpoint": "create", "status": 503, "times": 1.5]), "times must be an integer from 1 to 1000"),
        (.object(["endpoint": "create", "delay": "61s"]), "delay must be a duration of at most 1m"),
        (.object(["endpoint": "create", "delay": "soon"]), "delay must be a duration of at most 1m"),
        (.object(["endpoint": "create", "body": "garbage"]), "body must be malformed or empty"),
        (.object(["endpoint": "create", "status": 503, "retry_after": 5]), "retry_after must be an integer from 0 to 86400, with status 429"),
        (.object(["endpoint": "create", "status": 503, "colour": "red"]), "unknown parameter: colour"),
        (.object(["endpoint": "create", "status": 503, "recipient": "12"]), "recipient must be a phone number in E.164 format, e.g. +14155550100"),
        (.array([]), "request body must be a JSON object"),
    ])
    func aMalformedFaultIsA400(body: JSONValue, text: String) throws {
        let sandbox = makeSandbox()
        expectError(arm(sandbox, body), 400, text)
        #expect(sandbox.handle(outOfBand(.get, "/__sandbox/faults")).json == .object(["faults": []]))
    }

    @Test func atMostAHundredAreArmed() {
        let sandbox = makeSandbox()
        for _ in 0..<100 { #expect(arm(sandbox, .object(["endpoint": "list", "recipient": "+19999999999", "status": 500])).status == 201) }
        expectError(
            arm(sandbox, .object(["endpoint": "list", "status": 500])), 400,
            "at most 100 faults may be armed at once; clear some (DELETE /__sandbox/faults)")
        _ = sandbox.handle(outOfBand(.delete, "/__sandbox/faults"))
        #expect(arm(sandbox, .object(["endpoint": "list", "status": 500])).status == 201)
    }

    @Test func theTransportCarriesFaultsOut() async throws {
        let sandbox = makeSandbox()
        let transport = SandboxTransport(sandbox: sandbox)
        let credentials = Credentials(authID: account, authToken: nil)
        let create = VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100")])
        _ = arm(sandbox, .object(["endpoint": "create", "drop": true]))
        await #expect(throws: TransportError(.connection, "the sandbox closed the connection without an answer (armed fault f1)")) {
            _ = try await transport.send(create)
        }
        _ = arm(sandbox, .object(["endpoint": "create", "reset": true]))
        await #expect(throws: TransportError(.connection, "the connection was reset in the middle of the answer (armed fault f2)")) {
            _ = try await transport.send(create)
        }
        _ = arm(sandbox, .object(["endpoint": "create", "body": "malformed"]))
        await #expect(throws: TransportError(.invalidResponse, "the answer from the sandbox (202 Accepted) is not JSON (armed fault f3)")) {
            _ = try await transport.send(create)
        }
        _ = arm(sandbox, .object(["endpoint": "create", "delay": "200ms"]))
        let clock = ContinuousClock()
        let before = clock.now
        #expect(try await transport.send(create).status == 202)
        #expect(clock.now - before >= .milliseconds(200), "a delay is real time")
    }
}
