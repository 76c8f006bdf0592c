import HTTPTypes
import Testing
import VerifyAPI
import VshRuntime
import VshSyntax

let account = "MA2025RK4E639VJFZAGV"
let token = "s3cret-token-XYZ"
let sessionA = "8e712097-8090-4644-81e7-8f4265d8354e"
let sessionB = "0f3b2a10-1111-4222-8333-944455556666"

/// A transport that records every request and answers from a queue of canned responses.
actor ScriptedTransport: Transport {
    nonisolated let name: String
    nonisolated let needsCredentials: Bool
    private(set) var requests: [APIRequest] = []
    private(set) var codeQueries: [DeliveredCodeQuery] = []
    private(set) var sleeps: [Duration] = []
    private var answers: [APIResponse]
    private let codes: [String: String]
    private let sendError: TransportError?
    private let sleepError: TransportError?

    init(
        name: String = "scripted", needsCredentials: Bool = false, answers: [APIResponse] = [], codes: [String: String] = [:],
        sendError: TransportError? = nil, sleepError: TransportError? = nil
    ) {
        self.name = name
        self.needsCredentials = needsCredentials
        self.answers = answers
        self.codes = codes
        self.sendError = sendError
        self.sleepError = sleepError
    }

    func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        requests.append(request)
        if let sendError { throw sendError }
        guard !answers.isEmpty else { throw TransportError(.connection, "no answer queued for \(request.method.rawValue) \(request.path)") }
        return answers.removeFirst()
    }

    func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        sleeps.append(duration)
        if let sleepError { throw sleepError }
    }

    func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        codeQueries.append(session)
        guard let code = codes[session.sessionUUID] else {
            throw TransportError(.missingCode, "no code was delivered for session \(session.sessionUUID)", notes: ["set VSH_OTP"])
        }
        return code
    }
}

extension Array {
    /// The element at `index`, or nil, so a failing test reports instead of trapping.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

// MARK: Canned answers

func created(_ uuid: String = sessionA, status: Int = 202) -> APIResponse {
    APIResponse(status: status, json: .object(["api_id": "3335cb16-d297-4e00-a5e7-66a2b4d0e1d0", "message": "Session initiated", "session_uuid": .string(uuid)]))
}

func validated() -> APIResponse {
    APIResponse(status: 200, json: .object(["api_id": "e7af31b5-a7cb-40d6-a3ab-122fdcc9f0fe", "message": "session validated successfully."]))
}

func failed(_ status: Int, _ error: String) -> APIResponse {
    APIResponse(status: status, json: .object(["api_id": "e7af31b5-a7cb-40d6-a3ab-122fdcc9f0fe", "error": .string(error)]))
}

func ok(_ json: JSONValue, status: Int = 200) -> APIResponse { APIResponse(status: status, json: json) }

func ok(_ pairs: KeyValuePairs<String, JSONValue>, status: Int = 200) -> APIResponse { ok(.object(pairs), status: status) }

// MARK: Running scripts

/// Collects what the interpreter reports.
final class EventLog {
    var events: [RunEvent] = []

    var printed: [String] {
        events.compactMap { if case .printed(let text, _) = $0 { text } else { nil } }
    }

    var exchanges: [(request: APIRequest, response: APIResponse)] {
        events.compactMap { if case .exchange(let request, let response, _, _) = $0 { (request, response) } else { nil } }
    }

    var passedAssertions: Int {
        events.filter { if case .assertionPassed = $0 { true } else { false } }.count
    }

    var sessionChanges: [String?] {
        events.compactMap { if case .sessionChanged(let s) = $0 { .some(s) } else { nil } }
    }
}

struct Outcome {
    var failure: RunFailure?
    var log: EventLog
    var interpreter: Interpreter
    var file: SourceFile

    var printed: [String] { log.printed }
    /// The source text the failure points at.
    var failureText: String? { failure.map { file.text(in: $0.diagnostic.range) } }
}

/// Parses a script that must be free of syntax errors and runs it.
func run(
    _ text: String, on transport: ScriptedTransport, options: Interpreter.Options = .init(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> Outcome {
    let file = SourceFile(name: "test.vsh", text: text)
    let (script, diagnostics) = Parser.parse(file)
    #expect(diagnostics.isEmpty, "syntax errors: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    let log = EventLog()
    let interpreter = Interpreter(transport: transport, options: options) { log.events.append($0) }
    do {
        try await interpreter.run(script)
        return Outcome(failure: nil, log: log, interpreter: interpreter, file: file)
    } catch {
        return Outcome(failure: error, log: log, interpreter: interpreter, file: file)
    }
}

/// The `Authorization` value for `id:secret`.
func basic(_ id: String, _ secret: String) -> String {
    "Basic " + Base64.encode(Array("\(id):\(secret)".utf8))
}
