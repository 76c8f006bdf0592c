import Dispatch
import VerifyAPI
import VerifyLiveHTTP
import VshSystem

/// Asks the person at the terminal for a one-time code with echo off:
/// `code sent to +14155550100: `.
struct TerminalCodePrompt: CodePrompt {
    /// A prompt when this process has a controlling terminal; nil otherwise (CI, cron, a service).
    static func ifTerminal() -> TerminalCodePrompt? {
        Terminal.hasControllingTerminal ? TerminalCodePrompt() : nil
    }

    func askCode(for session: DeliveredCodeQuery) async -> String? {
        let label = session.recipient.map { "code sent to \($0): " } ?? "code for session \(session.sessionUUID): "
        return await withCheckedContinuation { continuation in
            // A blocking read: off the cooperative pool.
            DispatchQueue.global().async { continuation.resume(returning: Terminal.readWithoutEcho(prompt: label)) }
        }
    }
}
