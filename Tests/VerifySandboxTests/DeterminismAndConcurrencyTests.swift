import Testing
import VerifyAPI
import VerifySandbox

@Suite("Determinism and concurrency")
struct DeterminismAndConcurrencyTests {
    /// A fixed conversation; returns every answer body as text.
    func transcript(_ sandbox: VerifySandbox) -> [String] {
        var bodies: [String] = []
        func send(_ request: APIRequest) -> APIResponse {
            let response = sandbox.handle(request)
            bodies.append(String(decoding: response.body, as: UTF8.self))
            return response
        }
        let created = send(createRequest(["recipient": "+14155550100", "code_length": 8]))
        let uuid = created.json?["session_uuid"]?.stringValue ?? ""
        _ = send(validateRequest(uuid, ["otp": "00000000"]))
        _ = send(validateRequest(uuid, ["otp": .string(sandbox.code(uuid))]))
        _ = send(createRequest(["recipient": "+447700900123", "channel": "voice"]))
        _ = send(APIRequest(method: .get, path: sessionPath(uuid)))
        _ = send(listRequest([]))
        _ = send(APIRequest(method: .get, path: "/__sandbox/outbox"))
        return bodies
    }

    @Test func sameSeedSameAnswers() {
        let first = transcript(makeSandbox(seed: 7))
        let second = transcript(makeSandbox(seed: 7))
        #expect(first == second)
        #expect(first.count == 7)
    }

    @Test func differentSeedsDifferentAnswers() {
        let first = transcript(makeSandbox(seed: 7))
        let second = transcript(makeSandbox(seed: 8))
        #expect(first[0] != second[0])
        #expect(first.last != second.last)
    }

    @Test func withoutASeedRunsDiffer() {
        #expect(transcript(makeSandbox(seed: nil))[0] != transcript(makeSandbox(seed: nil))[0])
    }

    @Test func concurrentCreatesLoseNothing() async {
        // Paging through a thousand sessions takes 51 lists: more than Plivo's 20 a minute.
        let sandbox = makeSandbox(rateLimits: .off, seed: nil)
        let tasks = 50
        let perTask = 20
        let uuids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    (0..<perTask).map { _ in
                        sandbox.handle(createRequest(body: .object(["recipient": .string(freshRecipient())]))).json?["session_uuid"]?.stringValue ?? ""
                    }
                }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(uuids.count == tasks * perTask)
        #expect(Set(uuids).count == tasks * perTask)
        #expect(uuids.allSatisfy(UUIDText.isUUID))
        #expect(sandbox.outbox().count == tasks * perTask)
        #expect(Set(sandbox.outbox().map(\.sessionUUID)) == Set(uuids))
        #expect(uuids.allSatisfy { sandbox.retrieve($0).status == 200 })
        // Paging through the list sees every one exactly once.
        var listed: [String] = []
        var offset = 0
        while offset < tasks * perTask + 20 {
            listed += sandbox.listedUUIDs([("limit", "20"), ("offset", String(offset))])
            offset += 20
        }
        #expect(listed.count == tasks * perTask)
        #expect(Set(listed) == Set(uuids))
    }

    @Test func concurrentValidationsCountEveryAttempt() async {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        let code = sandbox.code(uuid)
        let statuses = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<40 { group.addTask { sandbox.validate(uuid, .string(wrongCode(code))).errorText } }
            var all: [String?] = []
            for await status in group { all.append(status) }
            return all
        }
        #expect(statuses.filter { $0 == "incorrect otp" }.count == 10)
        #expect(statuses.filter { $0 == "maximum validation attempts exceeded" }.count == 30)
    }
}
