import VerifyAPI

/// The default transport of vsh: requests go to an in-process ``VerifySandbox``,
/// nothing leaves the machine, and time is virtual.
public struct SandboxTransport: Transport {
    public let sandbox: VerifySandbox

    public init(sandbox: VerifySandbox) {
        self.sandbox = sandbox
    }

    public var name: String { "sandbox" }

    /// The sandbox's answer; never throws.
    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        sandbox.handle(request)
    }

    /// Moves the clock of the caller's account (the sandbox's default account without
    /// credentials) by `duration` and returns at once.
    public func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        do {
            try sandbox.advanceClock(by: duration, account: (credentials ?? .sandboxDefault).authID)
        } catch {
            throw TransportError(.refused, "the sandbox's clock cannot move by \(DurationText.format(duration)): \(error.text)")
        }
    }

    /// The latest code the sandbox sent for the session.
    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        guard let message = sandbox.outbox(sessionUUID: session.sessionUUID).last else {
            throw TransportError(.missingCode, "no code was sent for session \(session.sessionUUID)")
        }
        return message.code
    }
}
