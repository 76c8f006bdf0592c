import HTTPTypes

/// One answer from the Verify API (or from something that plays its part).
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var headerFields: HTTPFields
    public let body: [UInt8]
    /// The body parsed as JSON; nil when it is empty or not JSON.
    public let json: JSONValue?

    public init(status: Int, headerFields: HTTPFields = [:], body: [UInt8]) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
        self.json = body.isEmpty ? nil : try? JSONValue(parsing: body)
    }

    /// A JSON answer, with `Content-Type: application/json`.
    public init(status: Int, json: JSONValue, headerFields: HTTPFields = [:]) {
        var fields = headerFields
        fields[.contentType] = "application/json"
        self.status = status
        self.headerFields = fields
        self.body = json.compactBytes
        self.json = json
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Plivo's `error` text, when the body carries one.
    public var errorText: String? {
        guard let error = json?["error"] else { return nil }
        switch error {
        case .string(let s): return s
        case .null: return nil
        default: return error.compactText
        }
    }

    /// `202 Accepted`, `400 Bad Request`.
    public var statusLine: String {
        let reason = APIResponse.reasonPhrases[status] ?? HTTPResponse.Status(code: status).reasonPhrase
        return reason.isEmpty ? String(status) : "\(status) \(reason)"
    }

    /// The reason phrases of the statuses the Verify API and its stand-ins answer with.
    static let reasonPhrases: [Int: String] = [
        200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        409: "Conflict", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
        429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout",
    ]
}
