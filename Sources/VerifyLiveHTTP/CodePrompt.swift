import VerifyAPI

/// Someone who can type the one-time code a session sent: on the command line,
/// the person at the terminal (`vsh` asks on `/dev/tty` with echo off).
public protocol CodePrompt: Sendable {
    /// Asks for the code delivered for `session`, naming its recipient when known.
    /// Returns nil when no one answers (end of input, no terminal), and the text typed otherwise.
    func askCode(for session: DeliveredCodeQuery) async -> String?
}

/// Where `$otp` comes from on the live transport, in order: `VSH_OTP`, then a
/// ``CodePrompt``, else a runtime failure saying how to supply it.
public struct CodeSource: Sendable {
    public var environment: [String: String]
    public var prompt: (any CodePrompt)?

    public init(environment: [String: String], prompt: (any CodePrompt)?) {
        self.environment = environment
        self.prompt = prompt
    }

    public func code(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        if let code = environment["VSH_OTP"], !code.isEmpty { return code }
        if let prompt {
            guard let typed = await prompt.askCode(for: session) else {
                throw TransportError(.missingCode, "no one-time code: the prompt got no answer", notes: CodeSource.hint)
            }
            let code = String(typed.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            guard !code.isEmpty else {
                throw TransportError(.missingCode, "no one-time code: nothing was typed", notes: CodeSource.hint)
            }
            return code
        }
        throw TransportError(.missingCode, "no one-time code: set VSH_OTP=… or run on a terminal to be asked", notes: CodeSource.hint)
    }

    static let hint = ["VSH_OTP gives every session of the run the same code; without it, vsh asks on the terminal for each session's code"]
}
