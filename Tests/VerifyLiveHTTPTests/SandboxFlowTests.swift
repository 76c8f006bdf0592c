import HTTPTypes
import Logging
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

@testable import VerifyLiveHTTP

/// The whole flow through the live transport against the sandbox served over HTTP
/// (`SandboxServer`, the server behind `vsh sandbox serve`), on a free port.
@Suite struct SandboxFlowTests {
    static let token = Credentials(authID: "MA2025RK4E639VJFZAGV", authToken: "sandbox")

    func withSandboxServer<T>(
        fixedCode: String? = nil, environment: [String: String] = [:], _ body: (LiveTransport, VerifySandbox) async throws -> T
    ) async throws -> T {
        let sandbox = VerifySandbox(configuration: .init(authToken: "sandbox", fixedCode: fixedCode))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = SandboxServer(configuration: .init(port: 0, sandbox: sandbox, logger: logger))
        return try await server.withRunningServer { address in
            try await withLive(nil, base: address.url, environment: environment) { transport, _ in try await body(transport, sandbox) }
        }
    }

    @Test func createValidateGetListAgainstTheSandboxServer() async throws {
        try await withSandboxServer { transport, sandbox in
            let created = try await transport.send(
                VerifyEndpoint.createSession(Self.token, parameters: [("recipient", "+14155550100"), ("brand_name", "Acme")]))
            #expect(created.status == 202)
            #expect(created.json?["message"] == "Session initiated")
            let uuid = try #require(created.json?["session_uuid"]?.stringValue)

            let wrong = try await transport.send(VerifyEndpoint.validateSession(Self.token, uuid: uuid, otp: "000000"))
            #expect(wrong.status == 400)
            #expect(wrong.errorText == "incorrect otp")

            let code = try #require(sandbox.outbox(sessionUUID: uuid).last?.code)
            let right = try await transport.send(VerifyEndpoint.validateSession(Self.token, uuid: uuid, otp: code))
            #expect(right.status == 200)
            #expect(right.json?["message"] == "session validated successfully.")

            let fetched = try await transport.send(VerifyEndpoint.getSession(Self.token, uuid: uuid))
            #expect(fetched.status == 200)
            #expect(fetched.json?["status"] == "verified")
            #expect(fetched.json?["recipient"] == "14155550100")

            let listed = try await transport.send(VerifyEndpoint.listSessions(Self.token, filters: [QueryItem("status", "verified"), QueryItem("limit", "5")]))
            #expect(listed.status == 200)
            #expect(listed.json?["sessions"]?[0]?["session_uuid"] == .string(uuid))
        }
    }

    @Test func aWrongTokenIsA401Answer() async throws {
        try await withSandboxServer { transport, _ in
            let answer = try await transport.send(
                VerifyEndpoint.getSession(Credentials(authID: "MA2025RK4E639VJFZAGV", authToken: "wrong"), uuid: sessionUUID))
            #expect(answer.status == 401)
            #expect(answer.errorText != nil)
        }
    }

    @Test func aFixedCodeAndVSH_OTPValidate() async throws {
        try await withSandboxServer(fixedCode: "123456", environment: ["VSH_OTP": "123456"]) { transport, _ in
            let created = try await transport.send(VerifyEndpoint.createSession(Self.token, parameters: [("recipient", "+14155550100")]))
            let uuid = try #require(created.json?["session_uuid"]?.stringValue)
            let code = try await transport.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid, recipient: "+14155550100"))
            #expect(try await transport.send(VerifyEndpoint.validateSession(Self.token, uuid: uuid, otp: code)).status == 200)
        }
    }

    @Test func sleepMovesTheServersVirtualClock() async throws {
        try await withSandboxServer { transport, sandbox in
            let before = sandbox.now
            #expect(await transport.isSandboxServer())
            try await transport.sleep(for: .seconds(660), as: Self.token)
            #expect(sandbox.now(account: Self.token.authID) == before.advanced(by: .seconds(660)))
            #expect(sandbox.now == before, "only the caller's account moved")

            let created = try await transport.send(VerifyEndpoint.createSession(Self.token, parameters: [("recipient", "+14155550100")]))
            let uuid = try #require(created.json?["session_uuid"]?.stringValue)
            try await transport.sleep(for: .seconds(660), as: Self.token)
            let fetched = try await transport.send(VerifyEndpoint.getSession(Self.token, uuid: uuid))
            #expect(fetched.json?["status"] == "expired")
        }
    }
}
