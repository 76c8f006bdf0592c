import VerifyAPI

/// A transport that records every request and answers from a queue of canned responses.
public actor ScriptedTransport: Transport {
    public nonisolated let name: String
    public nonisolated let needsCredentials: Bool
    public private(set) var requests: [APIRequest] = []
    public private(set) var codeQueries: [DeliveredCodeQuery] = []
    public private(set) var sleeps: [Duration] = []
    private var answers: [APIResponse]
    private let codes: [String: String]
    private let sendError: TransportError?
    private let sleepError: TransportError?

    public init(
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

    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        requests.append(request)
        if let sendError { throw sendError }
        guard !answers.isEmpty else { throw TransportError(.connection, "no answer queued for \(request.method.rawValue) \(request.path)") }
        return answers.removeFirst()
    }

    public func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        sleeps.append(duration)
        if let sleepError { throw sleepError }
    }

    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        codeQueries.append(session)
        guard let code = codes[session.sessionUUID] else {
            throw TransportError(.missingCode, "no code was delivered for session \(session.sessionUUID)", notes: ["set VSH_OTP"])
        }
        return code
    }
}

// MARK: Canned answers

public func created(_ uuid: String = TestAccount.sessionA, status: Int = 202) -> APIResponse {
    APIResponse(status: status, json: .object(["api_id": "3335cb16-d297-4e00-a5e7-66a2b4d0e1d0", "message": "Session initiated", "session_uuid": .string(uuid)]))
}

public func validated() -> APIResponse {
    APIResponse(status: 200, json: .object(["api_id": "e7af31b5-a7cb-40d6-a3ab-122fdcc9f0fe", "message": "session validated successfully."]))
}

public func failed(_ status: Int, _ error: String) -> APIResponse {
    APIResponse(status: status, json: .object(["api_id": "e7af31b5-a7cb-40d6-a3ab-122fdcc9f0fe", "error": .string(error)]))
}

public func ok(_ json: JSONValue, status: Int = 200) -> APIResponse { APIResponse(status: status, json: json) }

public func ok(_ pairs: KeyValuePairs<String, JSONValue>, status: Int = 200) -> APIResponse { ok(.object(pairs), status: status) }
