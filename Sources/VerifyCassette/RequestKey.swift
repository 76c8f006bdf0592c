import HTTPTypes
import VerifyAPI

/// What replay compares: method, path (auth_id as the placeholder), query in any
/// order, and the body as JSON (key order and whitespace ignored). Not the host,
/// not the headers: volatile or secret, they say nothing about the flow.
struct RequestKey: Sendable, Equatable {
    var method: HTTPRequest.Method
    var path: String
    /// Sorted, so that order does not matter.
    var query: [QueryItem]
    var body: Body

    enum Body: Sendable, Equatable {
        case none
        case json(JSONValue)
        case text(String)

        init(_ text: String?) {
            guard let text, text.utf8.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
                self = .none
                return
            }
            if let json = try? JSONValue(parsing: text) { self = .json(json) } else { self = .text(text) }
        }
    }

    init(_ recorded: RecordedRequest) {
        method = recorded.method
        path = recorded.path
        query = recorded.query.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        body = Body(recorded.body)
    }

    /// Whether a request changes what later requests see (create, validate): the
    /// points that divide a recording into the stretches where reads are answered.
    var changesState: Bool { method != .get && method != .head }
}

/// Paths with the auth_id in them, and the placeholder that stands for it.
enum AuthIDPath {
    /// `/v1/Account/MA…/Verify/Session/` → (`/v1/Account/{auth_id}/Verify/Session/`, `MA…`).
    static func placeholding(_ path: String) -> (path: String, authID: String?) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count > 3, segments[0].isEmpty, segments[1] == "v1", segments[2] == "Account", !segments[3].isEmpty else {
            return (path, nil)
        }
        let authID = String(segments[3])
        segments[3] = Substring(Cassette.authIDPlaceholder)
        return (segments.joined(separator: "/"), authID == Cassette.authIDPlaceholder ? nil : authID)
    }
}
