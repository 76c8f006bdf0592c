import Synchronization
import Testing
import VerifyAPI
import VshTestSupport

@testable import VerifyLiveHTTP

let account = Credentials(authID: TestAccount.authID, authToken: "s3cret-token")
let sessionUUID = TestAccount.sessionA

/// Records the waits the transport asks for and returns at once.
final class SleepLog: Sendable {
    private let log = Mutex<[Duration]>([])

    var waits: [Duration] { log.withLock { $0 } }

    var sleeper: LiveTransport.Sleeper {
        LiveTransport.Sleeper { duration in
            self.log.withLock { $0.append(duration) }
            try Task.checkCancellation()
        }
    }
}

/// Runs `body` with a live transport pointed at `server` (or at `base`), then shuts
/// both down, whatever happens.
func withLive<T>(
    _ server: ScriptedServer?, base: String? = nil, environment: [String: String] = [:],
    _ configure: (inout LiveTransport.Configuration) -> Void = { _ in },
    _ body: (LiveTransport, SleepLog) async throws -> T
) async throws -> T {
    let log = SleepLog()
    var configuration = LiveTransport.Configuration(baseURL: try BaseURL(parsing: base ?? server!.baseURL), environment: environment)
    configuration.sleeper = log.sleeper
    configure(&configuration)
    let transport = try LiveTransport(configuration: configuration)
    do {
        let result = try await body(transport, log)
        await transport.shutdown()
        await server?.stop()
        return result
    } catch {
        await transport.shutdown()
        await server?.stop()
        throw error
    }
}

extension APIResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The error `body` throws, or nil (and a recorded issue) when it returns.
func transportError<T>(_ body: () async throws(TransportError) -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> TransportError? {
    do {
        let value = try await body()
        Issue.record("expected a TransportError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A fake person at the keyboard.
final class FakePrompt: CodePrompt {
    let answer: String?
    private let log = Mutex<[DeliveredCodeQuery]>([])
    var asked: [DeliveredCodeQuery] { log.withLock { $0 } }

    init(answer: String?) {
        self.answer = answer
    }

    func askCode(for session: DeliveredCodeQuery) async -> String? {
        log.withLock { $0.append(session) }
        return answer
    }
}
