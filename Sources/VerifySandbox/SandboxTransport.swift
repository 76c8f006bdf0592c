import VerifyAPI

/// The default transport of vsh: requests go to an in-process ``VerifySandbox``,
/// nothing leaves the machine, and time is virtual.
public struct SandboxTransport: Transport {
    public let sandbox: VerifySandbox

    public init(sandbox: VerifySandbox) {
        self.sandbox = sandbox
    }

    public var name: String { "sandbox" }

    /// The sandbox's answer. Throws only where an armed fault (`fault …`) says a network
    /// would have failed: a dropped or reset connection, a success whose body is not JSON;
    /// a fault's delay is waited for real.
    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        let answer = sandbox.answer(request)
        guard let fault = answer.fault else { return answer.response }
        if let delay = fault.delay {
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw TransportError(.cancelled, "cancelled")
            }
        }
        switch fault.mangle {
        case .drop:
            throw TransportError(.connection, "the sandbox closed the connection without an answer (armed fault \(fault.faultID))")
        case .reset:
            throw TransportError(.connection, "the connection was reset in the middle of the answer (armed fault \(fault.faultID))")
        case nil:
            break
        }
        let response = answer.response
        if response.isSuccess, !response.body.isEmpty, response.json == nil {
            throw TransportError(
                .invalidResponse, "the answer from the sandbox (\(response.statusLine)) is not JSON (armed fault \(fault.faultID))")
        }
        return response
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

    /// The sandbox's own answer: faults do not apply to its out-of-band endpoints.
    public func control(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        sandbox.handle(request)
    }

    /// The latest code the sandbox sent for the session.
    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        guard let message = sandbox.outbox(sessionUUID: session.sessionUUID).last else {
            throw TransportError(.missingCode, "no code was sent for session \(session.sessionUUID)")
        }
        return message.code
    }
}
