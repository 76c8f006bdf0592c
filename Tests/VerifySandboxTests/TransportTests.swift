import Testing
import VerifyAPI
import VerifySandbox

@Suite("SandboxTransport")
struct TransportTests {
    let credentials = Credentials.sandboxDefault

    @Test func isNamedSandbox() {
        #expect(SandboxTransport(sandbox: makeSandbox()).name == "sandbox")
    }

    @Test func sendsToTheSandboxAndDeliversTheCode() async throws {
        let sandbox = makeSandbox()
        let transport = SandboxTransport(sandbox: sandbox)
        #expect(transport.sandbox === sandbox)
        let created = try await transport.send(
            VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100")]))
        #expect(created.status == 202)
        let uuid = try #require(created.json?["session_uuid"]?.stringValue)
        let code = try await transport.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid, recipient: "+14155550100"))
        #expect(code == sandbox.code(uuid))
        let validated = try await transport.send(VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: code))
        #expect(validated.status == 200)
        let fetched = try await transport.send(VerifyEndpoint.getSession(credentials, uuid: uuid))
        #expect(fetched.json?["status"] == "verified")
    }

    @Test func deliveredCodeIsTheLatestForThatSession() async throws {
        let sandbox = makeSandbox()
        let transport = SandboxTransport(sandbox: sandbox)
        let first = sandbox.createSession(["recipient": "+14155550100", "code_length": 4])
        let second = sandbox.createSession(["recipient": "+14155550101", "code_length": 8])
        #expect(try await transport.deliveredCode(for: DeliveredCodeQuery(sessionUUID: first)).count == 4)
        #expect(try await transport.deliveredCode(for: DeliveredCodeQuery(sessionUUID: second)).count == 8)
    }

    @Test func missingCodeIsATransportError() async {
        let transport = SandboxTransport(sandbox: makeSandbox())
        let uuid = "8e712097-8090-4644-81e7-8f4265d8354e"
        await #expect(throws: TransportError(.missingCode, "no code was sent for session \(uuid)")) {
            _ = try await transport.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid))
        }
    }

    @Test func sleepMovesTheVirtualClockAtOnce() async throws {
        let sandbox = makeSandbox()
        let transport = SandboxTransport(sandbox: sandbox)
        let uuid = sandbox.createSession()
        let wall = ContinuousClock.now
        let owner = Credentials(authID: account, authToken: nil)
        try await transport.sleep(for: .seconds(660), as: owner)
        #expect(ContinuousClock.now - wall < .seconds(5))
        #expect(sandbox.now(account: account) == start.advanced(by: .seconds(660)))
        #expect(sandbox.now == start, "only the caller's account moved")
        #expect(sandbox.now(account: otherAccount) == start)
        let answer = try await transport.send(VerifyEndpoint.validateSession(owner, uuid: uuid, otp: sandbox.code(uuid)))
        #expect(answer.status == 400)
        #expect(answer.errorText == "session expired")
    }
}
