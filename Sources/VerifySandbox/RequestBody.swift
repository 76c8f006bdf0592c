import VerifyAPI

/// A request body as the sandbox sees it.
enum RequestBody: Sendable {
    case absent
    case json(JSONValue)
    /// Bytes that are not JSON (only from the raw-bytes entry point).
    case invalid
    /// Bytes sent with a `Content-Type` that is not JSON (only from the raw-bytes entry point).
    case notJSONMediaType

    /// The JSON, nil when there is none; throws for a body that is not JSON.
    func json() throws(SandboxError) -> JSONValue? {
        switch self {
        case .absent: nil
        case .json(let value): value
        case .invalid: throw .bodyNotJSON
        case .notJSONMediaType: throw .unsupportedMediaType
        }
    }

}
