import HTTPTypes
import VerifyAPI

/// A recording of one script's exchanges with the Verify API: what `--transport record`
/// writes and `--transport replay` answers from. Stored as HAR 1.2 (see ``HARFormat``).
///
/// Holds no secret: requests carry no `Authorization` or `Cookie` header, and the
/// auth_id in their paths is ``Cassette/authIDPlaceholder``, put back at replay.
public struct Cassette: Sendable, Equatable {
    /// Stands for the auth_id in recorded paths and bodies.
    public static let authIDPlaceholder = "{auth_id}"
    /// Stands for the auth token wherever a request sent it (`brand_name=$PLIVO_AUTH_TOKEN`);
    /// replay puts the same placeholder where its own token is before comparing.
    public static let authTokenPlaceholder = "{auth_token}"
    /// The sandbox's documented default token: no secret, kept as it is.
    public static let sandboxToken = "sandbox"

    /// The recording script, as it was named on the command line (`examples/01-quickstart.vsh`).
    public var script: String?
    /// The API root it was recorded against: `https://api.plivo.com`, `http://127.0.0.1:8790`.
    public var baseURL: String?
    /// The vsh version that recorded it (HAR's `log.creator.version`).
    public var recorder: String
    public var exchanges: [Exchange]
    /// Whether each exchange's ``Exchange/sleeps`` is known: true for every cassette vsh
    /// writes; false for a HAR file from another tool, whose reads then ignore `sleep`.
    public var tracksSleeps: Bool

    public init(
        script: String? = nil, baseURL: String? = nil, recorder: String = VshVersion.current, exchanges: [Exchange] = [],
        tracksSleeps: Bool = true
    ) {
        self.script = script
        self.baseURL = baseURL
        self.recorder = recorder
        self.exchanges = exchanges
        self.tracksSleeps = tracksSleeps
    }
}

/// One request and its answer, as recorded.
public struct Exchange: Sendable, Equatable {
    public var startedAt: Timestamp
    /// From sending the request to the end of the answer.
    public var duration: Duration
    public var request: RecordedRequest
    public var response: RecordedResponse
    /// The script line that sent the request.
    public var line: Int?
    /// The one-time code `$otp` stood for in this session, kept on the exchange that
    /// created the session: replay answers `$otp` with it.
    public var otp: String?
    /// How many `sleep`s the script had done before sending it: a read recorded after a
    /// `sleep` answers only after as many at replay (an expired session stays expired).
    public var sleeps: Int = 0

    public init(
        startedAt: Timestamp, duration: Duration, request: RecordedRequest, response: RecordedResponse, line: Int? = nil,
        otp: String? = nil, sleeps: Int = 0
    ) {
        self.sleeps = sleeps
        self.startedAt = startedAt
        self.duration = duration
        self.request = request
        self.response = response
        self.line = line
        self.otp = otp
    }
}

/// A request as the cassette keeps it: credentials gone, the auth_id a placeholder.
public struct RecordedRequest: Sendable, Equatable {
    public var method: HTTPRequest.Method
    /// The path with the placeholder for the auth_id: `/v1/Account/{auth_id}/Verify/Session/`.
    public var path: String
    public var query: [QueryItem]
    public var headers: [Header]
    /// The body as sent, when there was one.
    public var body: String?

    public init(method: HTTPRequest.Method, path: String, query: [QueryItem] = [], headers: [Header] = [], body: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The body as JSON; nil when there is none or it is not JSON.
    public var json: JSONValue? { body.flatMap { try? JSONValue(parsing: $0) } }

    /// Whether replaying it changes what later requests see: a create, a validate,
    /// anything but a GET.
    public var changesState: Bool { method != .get && method != .head }

    /// `POST /v1/Account/{auth_id}/Verify/Session/`, with the query when there is one.
    public var requestLine: String {
        query.isEmpty ? "\(method.rawValue) \(path)" : "\(method.rawValue) \(path)?\(QueryItem.encode(query))"
    }
}

/// An answer as the cassette keeps it.
public struct RecordedResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [Header]
    public var body: String

    public init(status: Int, headers: [Header] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The answer the interpreter sees at replay.
    public var apiResponse: APIResponse {
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return APIResponse(status: status, headerFields: fields, body: Array(body.utf8))
    }

    public var statusLine: String { APIResponse(status: status, body: []).statusLine }

    /// The body as JSON; nil when it is not JSON.
    public var json: JSONValue? { body.isEmpty ? nil : try? JSONValue(parsing: body) }
}

/// One header, in the order it was sent or received.
public struct Header: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
