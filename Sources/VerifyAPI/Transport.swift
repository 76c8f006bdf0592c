/// What the interpreter talks to: a request goes in, an answer comes out.
///
/// Implementations: the embedded sandbox (the default), live HTTP, record and
/// replay. The interpreter never formats a URL or touches a socket itself; it
/// builds ``APIRequest`` values with ``VerifyEndpoint`` and hands them here.
public protocol Transport: Sendable {
    /// A short name for prompts and reports: `sandbox`, `live`, `record`, `replay`.
    var name: String { get }

    /// Whether requests need real credentials (`auth` or `PLIVO_AUTH_ID`/`PLIVO_AUTH_TOKEN`).
    /// The embedded sandbox needs none.
    var needsCredentials: Bool { get }

    /// Sends one request and returns the answer, whatever its status.
    /// Throws only when there is no answer: network, timeout, replay miss.
    func send(_ request: APIRequest) async throws(TransportError) -> APIResponse

    /// Waits. Virtual transports (sandbox, replay) move their clock and return at once.
    func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError)

    /// The one-time code delivered for a session: from the sandbox's outbox,
    /// the recording, the environment or the person at the keyboard.
    func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String

    /// Sends a request to the sandbox's out-of-band endpoints (``SandboxPath``), as a
    /// script's `fault` does: the embedded sandbox, or a vsh sandbox server. Throws
    /// ``TransportError/Kind/refused`` where there is no sandbox (Plivo itself).
    func control(_ request: APIRequest) async throws(TransportError) -> APIResponse
}

extension Transport {
    public var needsCredentials: Bool { false }

    public func control(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        throw TransportError(.refused, "the \(name) transport has no sandbox to control (`fault` needs the sandbox or a vsh sandbox server)")
    }
}

/// Which session's code is wanted, with what a person needs to find it on their phone.
public struct DeliveredCodeQuery: Sendable, Equatable {
    public var sessionUUID: String
    public var recipient: String?

    public init(sessionUUID: String, recipient: String? = nil) {
        self.sessionUUID = sessionUUID
        self.recipient = recipient
    }
}

/// Why a transport has no answer to give. Always a runtime failure (exit 3).
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case connection, timeout, replayMiss, missingCode, cancelled, invalidResponse, refused
    }

    public var kind: Kind
    public var message: String
    /// Further lines: a diff, a hint, the command that fixes it.
    public var notes: [String]

    public init(_ kind: Kind, _ message: String, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.notes = notes
    }

    public var description: String { message }
}
