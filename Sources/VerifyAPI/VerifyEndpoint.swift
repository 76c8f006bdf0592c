import HTTPTypes

/// Builds the four Verify requests exactly as Plivo's official SDKs shape them:
/// paths with a trailing slash, JSON bodies on POST, filters in the query on list,
/// `Accept: application/json`, and Basic auth when there is a token.
public enum VerifyEndpoint {
    public static func sessionsPath(account: String) -> String {
        "/v1/Account/\(account)/Verify/Session/"
    }

    public static func sessionPath(account: String, uuid: String) -> String {
        "/v1/Account/\(account)/Verify/Session/\(PercentEncoding.encode(uuid))/"
    }

    /// `POST /v1/Account/{auth_id}/Verify/Session/`
    public static func createSession(_ credentials: Credentials, parameters: [(key: String, value: JSONValue)]) -> APIRequest {
        request(.post, sessionsPath(account: credentials.authID), credentials, body: .object(parameters))
    }

    /// `GET /v1/Account/{auth_id}/Verify/Session/{uuid}/`
    public static func getSession(_ credentials: Credentials, uuid: String) -> APIRequest {
        request(.get, sessionPath(account: credentials.authID, uuid: uuid), credentials)
    }

    /// `GET /v1/Account/{auth_id}/Verify/Session/?filters`
    public static func listSessions(_ credentials: Credentials, filters: [QueryItem]) -> APIRequest {
        var r = request(.get, sessionsPath(account: credentials.authID), credentials)
        r.query = filters
        return r
    }

    /// `POST /v1/Account/{auth_id}/Verify/Session/{uuid}/` with `{"otp": "…"}`
    public static func validateSession(_ credentials: Credentials, uuid: String, otp: String) -> APIRequest {
        request(.post, sessionPath(account: credentials.authID, uuid: uuid), credentials, body: .object(["otp": .string(otp)]))
    }

    private static func request(_ method: HTTPRequest.Method, _ path: String, _ credentials: Credentials, body: JSONValue? = nil) -> APIRequest {
        var fields = HTTPFields()
        fields[.accept] = "application/json"
        if body != nil { fields[.contentType] = "application/json" }
        if let authorization = credentials.basicAuthorization { fields[.authorization] = authorization }
        return APIRequest(method: method, path: path, headerFields: fields, body: body)
    }
}

/// The parameters each request takes, one table shared by the language's
/// checks, its completion and the sandbox's validation.
public struct ParameterSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text
        case integer
        case choice([String])
        case timestamp
    }

    public var name: String
    public var kind: Kind

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// The out-of-band paths of vsh's sandbox (docs/sandbox.md): one place for the sandbox's
/// router and every door that uses them.
public enum SandboxPath {
    /// The first segment of every out-of-band path.
    public static let root = "__sandbox"

    /// The endpoints under it: `/__sandbox/NAME` (and `/__sandbox/faults/ID`).
    public enum Name: String, CaseIterable, Sendable {
        case outbox, clock, faults, callbacks, state, reset, sessions, outcomes, expire, inbox, timeline, events
    }

    public static func path(_ name: Name) -> String { "/\(root)/\(name.rawValue)" }

    public static let outbox = path(.outbox)
    public static let clock = path(.clock)
    public static let faults = path(.faults)
    public static let events = path(.events)
}

public enum VerifyParameters {
    public static let channels = ["sms", "voice"]
    public static let sessionStatuses = ["in-progress", "verified", "expired"]

    /// `session create`: the body of POST …/Verify/Session/.
    public static let create: [ParameterSpec] = [
        .init("recipient", .text),
        .init("app_uuid", .text),
        .init("channel", .choice(channels)),
        .init("url", .text),
        .init("method", .choice(["POST", "GET"])),
        .init("locale", .text),
        .init("brand_name", .text),
        .init("app_hash", .text),
        .init("code_length", .integer),
        .init("dtmf", .integer),
        .init("fraud_check", .text),
    ]

    /// `fault ENDPOINT …`: what it waits for (after the endpoint) and what it does, the keys of
    /// the body of `POST /__sandbox/faults`. `drop` and `reset` are written bare.
    public static let faultEndpoints = ["create", "validate", "retrieve", "list", "any"]
    public static let fault: [ParameterSpec] = [
        .init("status", .choice(["400", "401", "404", "429", "500", "502", "503"])),
        .init("delay", .text),
        .init("body", .choice(["malformed", "empty"])),
        .init("times", .integer),
        .init("retry_after", .integer),
        .init("method", .choice(["POST", "GET"])),
        .init("recipient", .text),
    ]
    public static let faultFlags = ["drop", "reset"]

    /// `session list`: the query of GET …/Verify/Session/.
    public static let list: [ParameterSpec] = [
        .init("app_uuid", .text),
        .init("status", .choice(sessionStatuses)),
        .init("recipient", .text),
        .init("subaccount", .text),
        .init("country", .text),
        .init("alias", .text),
        .init("brand_name", .text),
        .init("app_hash", .text),
        .init("session_time", .timestamp),
        .init("session_time__gt", .timestamp),
        .init("session_time__gte", .timestamp),
        .init("session_time__lt", .timestamp),
        .init("session_time__lte", .timestamp),
        .init("limit", .integer),
        .init("offset", .integer),
    ]
}

/// Plivo's session and request ids are lower-case RFC 4122 UUIDs.
public enum UUIDText {
    public static func isUUID(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
                else { return false }
            }
        }
        return true
    }

    /// A random version-4 UUID, lower case, from the given generator.
    @inlinable  // specialized for the caller's generator: the sandbox draws one or two per request
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
