import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import VshTestSupport
import VerifyAPI
import VerifySandbox
@testable import VerifySandboxServer

let account = TestAccount.authID
let otherAccount = "SA2025OTHERACCOUNT01"
/// Chosen to be findable in logs: it must never show up there.
let token = "Tok3n-never-logged-9f8e7d"
/// 2025-01-15T10:00:00Z: where every test's virtual clock starts.
let start = Timestamp(parsing: "2025-01-15T10:00:00Z")!
let sessions = "/v1/Account/\(account)/Verify/Session/"
func session(_ uuid: String) -> String { "/v1/Account/\(account)/Verify/Session/\(uuid)/" }

func basicAuth(_ authID: String = account, _ secret: String = token) -> String {
    "Basic " + Base64.encode(Array("\(authID):\(secret)".utf8))
}

func makeSandbox(fixedCode: String? = nil) -> VerifySandbox {
    VerifySandbox(configuration: .init(authToken: token, fixedCode: fixedCode, seed: 7, startTime: start))
}

func makeServer(
    sandbox: VerifySandbox = makeSandbox(), logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
    port: Int = 0
) -> SandboxServer {
    SandboxServer(configuration: .init(host: "127.0.0.1", port: port, sandbox: sandbox, logger: logger))
}

/// The ways a test reaches the server: HummingbirdTesting's router client (no socket),
/// its live client (a real server on a free port), and AsyncHTTPClient.
enum Door: String, CaseIterable, Sendable, CustomStringConvertible {
    case router, live, ahc

    var setup: TestingSetup {
        switch self {
        case .router: .router
        case .live: .live
        case .ahc: .ahc(.http)
        }
    }

    var description: String { rawValue }
}

/// One answer, whichever client fetched it.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: [UInt8]

    var json: JSONValue? { try? JSONValue(parsing: body) }
    var errorText: String? { json?["error"]?.stringValue }
    var text: String { String(decoding: body, as: UTF8.self) }

    subscript(key: String) -> JSONValue? { json?[key] }
}

/// What every failure must look like: status, text, an `api_id` (but on 401), JSON.
func expectError(_ answer: Answer, _ status: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(answer.status == status, "status; body: \(answer.text)", sourceLocation: sourceLocation)
    #expect(answer.errorText == text, "error text", sourceLocation: sourceLocation)
    if status != 401 {
        #expect(answer["api_id"]?.stringValue?.count == 36, "api_id", sourceLocation: sourceLocation)
    }
    #expect(answer.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
}

extension TestClientProtocol {
    /// Sends a request; `json` goes as the body, with `contentType` unless that is nil.
    func send(
        _ method: HTTPRequest.Method, _ target: String, json: String? = nil, bytes: [UInt8]? = nil,
        contentType: String? = "application/json", auth: String? = basicAuth(), headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let auth { headers[.authorization] = auth }
        let body = bytes ?? json.map { Array($0.utf8) }
        if body != nil, let contentType { headers[.contentType] = contentType }
        let response = try await executeRequest(
            uri: target, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return Answer(status: Int(response.status.code), headers: response.headers, body: Array(response.body.readableBytesView))
    }

    /// Creates a session and returns its uuid.
    func create(_ json: String = #"{"recipient": "+14155550100"}"#, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> String
    {
        let answer = try await send(.post, sessions, json: json)
        #expect(answer.status == 202, "create: \(answer.text)", sourceLocation: sourceLocation)
        return try #require(answer["session_uuid"]?.stringValue, sourceLocation: sourceLocation)
    }

    /// The code the outbox holds for a session.
    func code(_ uuid: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let answer = try await send(.get, "/__sandbox/outbox?session_uuid=\(uuid)", auth: nil)
        return try #require(answer["messages"]?[0]?["code"]?.stringValue, sourceLocation: sourceLocation)
    }
}

/// AsyncHTTPClient, as another program would talk to the sandbox over a socket.
func send(
    _ base: String, _ method: HTTPMethod, _ target: String, json: String? = nil, auth: String? = basicAuth(),
    client: HTTPClient = .shared
) async throws -> Answer {
    var request = HTTPClientRequest(url: base + target)
    request.method = method
    if let auth { request.headers.add(name: "Authorization", value: auth) }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await client.execute(request, timeout: .seconds(20))
    return try await Answer(response)
}

extension Answer {
    init(_ response: HTTPClientResponse) async throws {
        let body = try await response.body.collect(upTo: 1 << 22)
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        self.init(status: Int(response.status.code), headers: fields, body: Array(body.readableBytesView))
    }
}

/// Keeps every log line, with its level and metadata, for checks on what is logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "vsh.sandbox.test") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(merged.isEmpty ? "" : "\(merged)")")
    }
}
