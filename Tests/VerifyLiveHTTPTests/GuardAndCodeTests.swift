import Testing
import VerifyAPI

@testable import VerifyLiveHTTP

/// The spend guard, `$otp` on live, and `sleep`.
@Suite struct GuardAndCodeTests {
    static let created = #"{"api_id":"a","message":"Session initiated","session_uuid":"8e712097-8090-4644-81e7-8f4265d8354e"}"#

    static func create(_ n: Int) -> APIRequest {
        VerifyEndpoint.createSession(account, parameters: [("recipient", .string("+1415555\(1000 + n)"))])
    }

    // MARK: Spend guard

    @Test func theSpendGuardRefusesTheCreatePastTheLimitBeforeSendingIt() async throws {
        let server = try await ScriptedServer.start(answering: .json(202, Self.created))
        let (error, created) = try await withLive(server, { $0.maxSessions = 2 }) { transport, _ in
            _ = try await transport.send(Self.create(1))
            _ = try await transport.send(Self.create(2))
            // Validates, gets and lists are free: they do not count.
            _ = try await transport.send(VerifyEndpoint.validateSession(account, uuid: sessionUUID, otp: "000000"))
            _ = try await transport.send(VerifyEndpoint.getSession(account, uuid: sessionUUID))
            let error = await transportError { () async throws(TransportError) in try await transport.send(Self.create(3)) }
            return (error, transport.sessionsCreated)
        }
        #expect(error?.kind == .refused)
        #expect(error?.message == "spend guard: this run already created 2 sessions (--max-sessions 2)")
        #expect(error?.notes == ["nothing was sent; to allow more, run with a higher --max-sessions"])
        #expect(created == 2)
        #expect(server.requests.filter { $0.method == "POST" && $0.target.hasSuffix("/Verify/Session/") }.count == 2)
        #expect(server.requests.count == 4)
    }

    @Test func theDefaultLimitIsTenAndFailedCreatesCount() async throws {
        let server = try await ScriptedServer.start(answering: .json(500, "{}"))
        let error = try await withLive(server) { transport, _ in
            for n in 0..<10 {
                let answer = try await transport.send(Self.create(n))
                #expect(answer.status == 500)
            }
            return await transportError { () async throws(TransportError) in try await transport.send(Self.create(10)) }
        }
        #expect(error?.message == "spend guard: this run already created 10 sessions (--max-sessions 10)")
        #expect(server.requests.count == 10)
    }

    @Test func aRefusedConnectionStillCountsAsACreateTried() async throws {
        let port = try await closedPort()
        let error = try await withLive(nil, base: "http://127.0.0.1:\(port)", { $0.maxSessions = 1 }) { transport, _ in
            _ = await transportError { () async throws(TransportError) in try await transport.send(Self.create(1)) }
            return await transportError { () async throws(TransportError) in try await transport.send(Self.create(2)) }
        }
        #expect(error?.message == "spend guard: this run already created 1 session (--max-sessions 1)")
    }

    @Test func concurrentCreatesNeverPassTheLimit() async throws {
        let server = try await ScriptedServer.start(answering: .json(202, Self.created))
        let refused = try await withLive(server, { $0.maxSessions = 3 }) { transport, _ in
            await withTaskGroup(of: Bool.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        do throws(TransportError) {
                            _ = try await transport.send(Self.create(n))
                            return false
                        } catch {
                            return error.kind == .refused
                        }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        #expect(refused == 5)
        #expect(server.requests.count == 3)
    }

    // MARK: $otp

    static let query = DeliveredCodeQuery(sessionUUID: sessionUUID, recipient: "+14155550100")

    @Test func theCodeComesFromVSH_OTPFirst() async throws {
        let prompt = FakePrompt(answer: "999999")
        let code = try await withLive(nil, base: "http://127.0.0.1:1", environment: ["VSH_OTP": "123456"], { $0.codePrompt = prompt }) { transport, _ in
            try await transport.deliveredCode(for: Self.query)
        }
        #expect(code == "123456")
        #expect(prompt.asked.isEmpty)
    }

    @Test func elseThePromptIsAskedWithTheRecipient() async throws {
        let prompt = FakePrompt(answer: " 482913\n")
        let code = try await withLive(nil, base: "http://127.0.0.1:1", environment: ["VSH_OTP": ""], { $0.codePrompt = prompt }) { transport, _ in
            try await transport.deliveredCode(for: Self.query)
        }
        #expect(code == "482913")
        #expect(prompt.asked == [Self.query])
    }

    @Test func withNeitherTheMissingCodeSaysHowToSupplyIt() async throws {
        let error = try await withLive(nil, base: "http://127.0.0.1:1") { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.deliveredCode(for: Self.query) }
        }
        #expect(error?.kind == .missingCode)
        #expect(error?.message == "no one-time code: set VSH_OTP=… or run on a terminal to be asked")
        #expect(error?.notes == CodeSource.hint)
    }

    @Test(arguments: [nil, "", "  \n"])
    func aPromptWithoutAnAnswerIsAMissingCode(answer: String?) async throws {
        let error = try await withLive(nil, base: "http://127.0.0.1:1", { $0.codePrompt = FakePrompt(answer: answer) }) { transport, _ in
            await transportError { () async throws(TransportError) in try await transport.deliveredCode(for: Self.query) }
        }
        #expect(error?.kind == .missingCode)
        #expect(error?.message.hasPrefix("no one-time code: ") == true)
    }

    // MARK: sleep

    @Test func sleepWaitsForRealAgainstAServerThatIsNotASandbox() async throws {
        let server = try await ScriptedServer.start(answering: .json(404, #"{"error":"not found"}"#))
        let waits = try await withLive(server) { transport, log in
            try await transport.sleep(for: .seconds(90), as: nil)
            try await transport.sleep(for: .milliseconds(5), as: nil)
            return log.waits
        }
        #expect(waits == [.seconds(90), .milliseconds(5)])
        #expect(server.requests.map(\.target) == ["/__sandbox/clock"], "asked once whether it is a sandbox")
    }

    @Test func sleepMovesASandboxServersClockInstead() async throws {
        let server = try await ScriptedServer.start { request, _ in
            request.target == "/__sandbox/clock" ? .json(200, #"{"now":"2025-01-15T10:00:00.000000Z"}"#) : .json(404, "{}")
        }
        let waits = try await withLive(server) { transport, log in
            try await transport.sleep(for: .seconds(540), as: Credentials(authID: "MA2025RK4E639VJFZAGV", authToken: "s3cr3t-t0ken"))
            try await transport.sleep(for: .seconds(120), as: nil)
            return log.waits
        }
        #expect(waits.isEmpty)
        let requests = server.requests
        #expect(requests.map { "\($0.method) \($0.target) \($0.bodyText)" } == [
            "GET /__sandbox/clock ", "POST /__sandbox/clock {\"advance\":\"9m\"}", "POST /__sandbox/clock {\"advance\":\"2m\"}",
        ])
        // The clock of an account moves only for its credentials; the probe needs none.
        #expect(requests.map { $0.header("Authorization") } == [
            nil, "Basic " + Base64.encode(Array("MA2025RK4E639VJFZAGV:s3cr3t-t0ken".utf8)), nil,
        ])
    }

    @Test func plivoIsNeverAskedWhetherItIsASandbox() async throws {
        let waits = try await withLive(nil, base: "https://api.plivo.com") { transport, log in
            #expect(await transport.isSandboxServer() == false)
            try await transport.sleep(for: .seconds(1), as: nil)
            return log.waits
        }
        #expect(waits == [.seconds(1)])
    }

    @Test func realSleepIsCancellable() async throws {
        var configuration = LiveTransport.Configuration(baseURL: .plivo)
        configuration.virtualTimeOnSandbox = false
        let transport = try LiveTransport(configuration: configuration)
        let task = Task { try await transport.sleep(for: .seconds(60), as: nil) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let result = await task.result
        await transport.shutdown()
        guard case .failure(let error as TransportError) = result else {
            Issue.record("sleep was not cancelled")
            return
        }
        #expect(error.kind == .cancelled)
    }

    @Test func theTransportNamesItselfAndNeedsCredentials() async throws {
        let transport = try LiveTransport(configuration: .init())
        #expect(transport.name == "live")
        #expect(transport.needsCredentials)
        #expect(transport.configuration.baseURL == .plivo)
        #expect(transport.configuration.connectTimeout == .seconds(5))
        #expect(transport.configuration.requestTimeout == .seconds(30))
        #expect(transport.configuration.maxSessions == 10)
        #expect(transport.configuration.retry.maxAttempts == 3)
        await transport.shutdown()
    }
}
