import HTTPTypes
import VerifyAPI
import VerifyCassette
import VerifySandbox

/// A token no cassette may ever hold, and the auth_id it goes with.
let secretToken = "Zq8wVx3KpL0mN7rT2yB5cD9fG4hJ6kQ1sA0uE3iO"
let authID = "MA2025RK4E639VJFZAGV"
let credentials = Credentials(authID: authID, authToken: secretToken)

/// An embedded sandbox that wants the secret token, with a fixed code.
func makeSandbox() -> SandboxTransport {
    SandboxTransport(sandbox: VerifySandbox(configuration: .init(authToken: secretToken, fixedCode: "123456", seed: 42)))
}

/// The requests of a small flow: create, a wrong code, two polls, the right code, a poll, a list.
func recordFlow(through recorder: RecordTransport) async throws -> String {
    let created = try await recorder.send(
        origin(VerifyEndpoint.createSession(credentials, parameters: [("recipient", "+14155550100"), ("channel", "sms")]), line: 1))
    let uuid = try #require(created.json?["session_uuid"]?.stringValue)
    _ = try await recorder.send(origin(VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: "000000"), line: 2))
    _ = try await recorder.send(origin(VerifyEndpoint.getSession(credentials, uuid: uuid), line: 3))
    _ = try await recorder.send(origin(VerifyEndpoint.getSession(credentials, uuid: uuid), line: 4))
    let code = try await recorder.deliveredCode(for: DeliveredCodeQuery(sessionUUID: uuid))
    _ = try await recorder.send(origin(VerifyEndpoint.validateSession(credentials, uuid: uuid, otp: code), line: 5))
    _ = try await recorder.send(origin(VerifyEndpoint.getSession(credentials, uuid: uuid), line: 6))
    _ = try await recorder.send(origin(VerifyEndpoint.listSessions(credentials, filters: [QueryItem("status", "verified"), QueryItem("limit", "5")]), line: 7))
    return uuid
}

func origin(_ request: APIRequest, line: Int) -> APIRequest {
    var copy = request
    copy.origin = RequestOrigin(line: line, column: 1)
    return copy
}

/// A recorded cassette of ``recordFlow(through:)``, and the session's uuid.
func recordedFlow() async throws -> (Cassette, String) {
    let recorder = RecordTransport(recordingThrough: makeSandbox())
    let uuid = try await recordFlow(through: recorder)
    return (recorder.cassette(script: "flow.vsh", baseURL: "http://127.0.0.1:8790"), uuid)
}

import Testing
