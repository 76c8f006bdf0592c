import VerifyAPI
import VerifyCassette
import Testing

@Suite struct ReplayTests {
    /// The flow's requests as a script at replay sends them, under any auth_id.
    struct Flow {
        let uuid: String
        let account = Credentials(authID: "SA0000REPLAY00000000", authToken: nil)
        var create: APIRequest { VerifyEndpoint.createSession(account, parameters: [("channel", "sms"), ("recipient", "+14155550100")]) }
        var wrong: APIRequest { VerifyEndpoint.validateSession(account, uuid: uuid, otp: "000000") }
        var right: APIRequest { VerifyEndpoint.validateSession(account, uuid: uuid, otp: "123456") }
        var poll: APIRequest { VerifyEndpoint.getSession(account, uuid: uuid) }
        var list: APIRequest { VerifyEndpoint.listSessions(account, filters: [QueryItem("limit", "5"), QueryItem("status", "verified")]) }
    }

    func replay() async throws -> (ReplayTransport, Flow) {
        let (cassette, uuid) = try await recordedFlow()
        return (ReplayTransport(cassette: cassette, cassetteName: "flow.har", rerecordCommand: "vsh run --transport record --overwrite flow.vsh"), Flow(uuid: uuid))
    }

    @Test func theRecordedFlowReplaysWithBodyKeysAndQueryInAnyOrder() async throws {
        let (replay, flow) = try await replay()
        #expect(try await replay.send(flow.create).status == 202)
        #expect(try await replay.send(flow.wrong).status == 400)
        #expect(try await replay.send(flow.poll).json?["status"] == "in-progress")
        #expect(try await replay.send(flow.poll).json?["status"] == "in-progress")
        #expect(try await replay.send(flow.right).status == 200)
        #expect(try await replay.send(flow.poll).json?["status"] == "verified")
        #expect(try await replay.send(flow.list).status == 200)
        #expect(replay.unplayed.isEmpty)
    }

    @Test func theAuthIDOfTheReplayingScriptIsPutBack() async throws {
        var (cassette, uuid) = try await recordedFlow()
        cassette.exchanges[5].response.body = "{\"account\": \"{auth_id}\"}"
        let replay = ReplayTransport(cassette: cassette, cassetteName: "flow.har")
        let flow = Flow(uuid: uuid)
        for request in [flow.create, flow.wrong, flow.right] { _ = try await replay.send(request) }
        #expect(try await replay.send(flow.poll).json?["account"] == "SA0000REPLAY00000000")
    }

    @Test func oneMorePollRepeatsTheLastRecordedAnswer() async throws {
        let (replay, flow) = try await replay()
        _ = try await replay.send(flow.create)
        _ = try await replay.send(flow.wrong)
        for _ in 0..<3 { #expect(try await replay.send(flow.poll).json?["status"] == "in-progress") }
        _ = try await replay.send(flow.right)
        for _ in 0..<2 { #expect(try await replay.send(flow.poll).json?["status"] == "verified") }
    }

    @Test func oneLessPollLeavesItUnplayed() async throws {
        let (replay, flow) = try await replay()
        for request in [flow.create, flow.wrong, flow.poll, flow.right, flow.poll, flow.list] { _ = try await replay.send(request) }
        #expect(replay.unplayed.map(\.line) == [4])
    }

    @Test func aReadAnswersOnlyAtItsPointOfTheFlow() async throws {
        let (replay, flow) = try await replay()
        _ = try await replay.send(flow.create)
        // The list was recorded after the right code: before it, it is a miss.
        await #expect {
            try await replay.send(flow.list)
        } throws: { error in
            guard let error = error as? TransportError, error.kind == .replayMiss else { return false }
            return error.notes.contains { $0.contains("recorded later in the flow") }
        }
    }

    @Test func stateChangesMustComeInTheRecordedOrder() async throws {
        let (replay, flow) = try await replay()
        _ = try await replay.send(flow.create)
        await #expect {
            try await replay.send(flow.right)
        } throws: { error in
            guard let error = error as? TransportError, error.kind == .replayMiss else { return false }
            // The identical validate comes later; the report names the one expected first.
            return error.notes.contains { $0.contains("the recording sends #2 POST /v1/Account/{auth_id}/Verify/Session/\(flow.uuid)/ first") }
        }
    }

    @Test func aMissNamesTheRequestTheNearestExchangeEachDifferenceAndTheFix() async throws {
        let (replay, flow) = try await replay()
        var changed = flow.create
        changed.body = .object(["recipient": "+14155550199", "channel": "voice", "locale": "fr"])
        do {
            _ = try await replay.send(changed)
            Issue.record("expected a miss")
        } catch {
            #expect(error.kind == .replayMiss)
            #expect(error.message == "no recorded exchange in flow.har matches POST /v1/Account/{auth_id}/Verify/Session/")
            #expect(error.notes.first == "nearest recorded exchange: #1 POST /v1/Account/{auth_id}/Verify/Session/, recorded from line 1")
            #expect(error.notes.contains("  body.recipient: recorded \"+14155550100\", sent \"+14155550199\""))
            #expect(error.notes.contains("  body.channel: recorded \"sms\", sent \"voice\""))
            #expect(error.notes.contains("  body.locale: not recorded, sent \"fr\""))
            #expect(error.notes.last == "if the script changed on purpose, record it again: vsh run --transport record --overwrite flow.vsh")
        }
    }

    @Test func queryDifferencesAreListedByParameter() async throws {
        let (replay, flow) = try await replay()
        for request in [flow.create, flow.wrong, flow.right] { _ = try await replay.send(request) }
        let other = VerifyEndpoint.listSessions(flow.account, filters: [QueryItem("status", "expired"), QueryItem("limit", "5"), QueryItem("offset", "5")])
        await #expect {
            try await replay.send(other)
        } throws: { error in
            let notes = (error as? TransportError)?.notes ?? []
            return notes.contains("  query status: recorded \"verified\", sent \"expired\"") && notes.contains("  query offset: not recorded, sent \"5\"")
        }
    }

    @Test func sleepIsInstant() async throws {
        let (replay, _) = try await replay()
        let clock = ContinuousClock()
        let start = clock.now
        try await replay.sleep(for: .seconds(3600), as: nil)
        #expect(clock.now - start < .seconds(5))
    }
}
