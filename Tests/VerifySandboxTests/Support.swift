import HTTPTypes
import Synchronization
import Testing
import VshTestSupport
import VerifyAPI
import VerifySandbox

let account = TestAccount.authID
let otherAccount = "SA2025OTHERACCOUNT01"
/// 2025-01-15T10:00:00Z: where every test's virtual clock starts.
let start = Timestamp(parsing: "2025-01-15T10:00:00Z")!

func makeSandbox(
    authToken: String? = nil, fixedCode: String? = nil, codeLifetime: Duration = .seconds(600), maxAttempts: Int = 10,
    rateLimits: RateLimits = .verify, seed: UInt64? = 42
) -> VerifySandbox {
    VerifySandbox(
        configuration: .init(
            authToken: authToken, fixedCode: fixedCode, codeLifetime: codeLifetime, maxAttempts: maxAttempts, rateLimits: rateLimits,
            seed: seed, startTime: start))
}

func sessionsPath(_ authID: String = account) -> String { VerifyEndpoint.sessionsPath(account: authID) }
func sessionPath(_ uuid: String, _ authID: String = account) -> String { VerifyEndpoint.sessionPath(account: authID, uuid: uuid) }

func createRequest(body: JSONValue?, account authID: String = account) -> APIRequest {
    APIRequest(method: .post, path: sessionsPath(authID), body: body)
}

func createRequest(_ body: KeyValuePairs<String, JSONValue>, account authID: String = account) -> APIRequest {
    createRequest(body: .object(body), account: authID)
}

func validateRequest(_ uuid: String, body: JSONValue?, account authID: String = account) -> APIRequest {
    APIRequest(method: .post, path: sessionPath(uuid, authID), body: body)
}

func validateRequest(_ uuid: String, _ body: KeyValuePairs<String, JSONValue>, account authID: String = account) -> APIRequest {
    validateRequest(uuid, body: .object(body), account: authID)
}

func listRequest(_ query: [(String, String)], account authID: String = account) -> APIRequest {
    APIRequest(method: .get, path: sessionsPath(authID), query: query.map { QueryItem($0.0, $0.1) })
}

/// HTTP Basic credentials of `authID` (any token: the test sandboxes check none), which
/// name the account an out-of-band endpoint acts on.
func basicAuth(_ authID: String = account, token: String = "any-token") -> HTTPFields {
    var fields = HTTPFields()
    fields[.authorization] = "Basic " + Base64.encode(Array("\(authID):\(token)".utf8))
    return fields
}

/// An out-of-band request on behalf of `authID` (nil: anonymous).
func outOfBand(
    _ method: HTTPRequest.Method, _ path: String, body: JSONValue? = nil, as authID: String? = account
) -> APIRequest {
    APIRequest(method: method, path: path, headerFields: authID.map { basicAuth($0) } ?? [:], body: body)
}

/// Asserts a failure answer: its status, its `error` text, and an `api_id` (except on 401).
func expectError(
    _ response: APIResponse, _ status: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "status", sourceLocation: sourceLocation)
    #expect(response.errorText == text, "error text", sourceLocation: sourceLocation)
    if status != 401 {
        #expect(response.json?["api_id"]?.stringValue.map(UUIDText.isUUID) == true, "api_id", sourceLocation: sourceLocation)
    }
    #expect(response.headerFields[.contentType] == "application/json", sourceLocation: sourceLocation)
}

/// The keys of a JSON object, in order.
func keys(_ value: JSONValue?) -> [String] {
    guard case .object(let pairs)? = value else { return [] }
    return pairs.map(\.key)
}

/// A recipient no other call returns: a session is made once per recipient within its
/// lifetime, so tests that want several sessions give each its own number.
func freshRecipient() -> String {
    "+1212" + String(2_000_000 + recipientCounter.add(1, ordering: .relaxed).oldValue)
}

private let recipientCounter = Atomic<Int>(0)

extension VerifySandbox {
    /// Creates a session under `account` and returns its uuid (failing the test if it cannot);
    /// without parameters, for a ``freshRecipient()``, so each call makes a new session.
    func createSession(
        _ parameters: KeyValuePairs<String, JSONValue>? = nil, account authID: String = account,
        clientAddress: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let request =
            parameters.map { createRequest($0, account: authID) }
            ?? createRequest(body: .object(["recipient": .string(freshRecipient())]), account: authID)
        let response = handle(request, clientAddress: clientAddress)
        #expect(response.status == 202, "create: \(response.errorText ?? "")", sourceLocation: sourceLocation)
        return response.json?["session_uuid"]?.stringValue ?? "<none>"
    }

    func code(_ uuid: String) -> String { outbox(sessionUUID: uuid).last?.code ?? "<none>" }

    func validate(_ uuid: String, _ otp: JSONValue, account authID: String = account) -> APIResponse {
        handle(validateRequest(uuid, ["otp": otp], account: authID))
    }

    func retrieve(_ uuid: String, account authID: String = account) -> APIResponse {
        handle(APIRequest(method: .get, path: sessionPath(uuid, authID)))
    }

    func list(_ query: [(String, String)] = [], account authID: String = account) -> APIResponse {
        handle(listRequest(query, account: authID))
    }

    /// The session uuids of a list answer, in order.
    func listedUUIDs(_ query: [(String, String)] = [], account authID: String = account) -> [String] {
        list(query, account: authID).json?["sessions"]?.arrayValue?.compactMap { $0["session_uuid"]?.stringValue } ?? []
    }
}

/// A code guaranteed to differ from `code`, of the same length.
func wrongCode(_ code: String) -> String {
    String(code.map { $0 == "0" ? "1" : "0" })
}
