import HTTPTypes

/// One request to the Verify API, before any transport has touched it.
///
/// Built by ``VerifyEndpoint``; transports add what is theirs (host, user agent).
public struct APIRequest: Sendable, Equatable {
    public var method: HTTPRequest.Method
    /// The path with its trailing slash: `/v1/Account/MA…/Verify/Session/`.
    public var path: String
    public var query: [QueryItem]
    public var headerFields: HTTPFields
    public var body: JSONValue?
    /// Where in a script the request comes from, for recordings; nil elsewhere.
    public var origin: RequestOrigin?

    public init(method: HTTPRequest.Method, path: String, query: [QueryItem] = [], headerFields: HTTPFields = [:], body: JSONValue? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headerFields = headerFields
        self.body = body
    }

    /// Path and query as they go on the request line: `/v1/…/Session/?status=verified&limit=5`.
    public var target: String {
        query.isEmpty ? path : path + "?" + QueryItem.encode(query)
    }

    /// The body as sent on the wire, compact JSON.
    public var bodyText: String? { body?.compactText }

    /// A copy without credentials, safe to print, log or record.
    public var redacted: APIRequest {
        var copy = self
        copy.headerFields[.authorization] = nil
        return copy
    }
}

/// The script line and column that sent a request.
public struct RequestOrigin: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One `name=value` pair of a query string, in order.
public struct QueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func encode(_ items: [QueryItem]) -> String {
        items.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    /// Parses `a=1&b=two`; `+` means a space, as HTML forms and Plivo's SDKs send it.
    @inlinable  // specialized where it is called: generic over StringProtocol, it costs a witness call per byte
    public static func decode(_ query: some StringProtocol) -> [QueryItem] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(pieces[0], plusIsSpace: true)
            let value = pieces.count > 1 ? PercentEncoding.decode(pieces[1], plusIsSpace: true) : ""
            return QueryItem(name, value)
        }
    }
}

public enum PercentEncoding {
    /// Encodes everything but RFC 3986's unreserved characters, so `+` in a phone number survives.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    @inlinable  // specialized where it is called: generic over StringProtocol, it costs a witness call per byte
    public static func decode(_ text: some StringProtocol, plusIsSpace: Bool = false) -> String {
        // Most path segments and values have nothing to decode.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(text)
        }
        var out = [UInt8]()
        let bytes = Array(text.utf8)
        var i = 0
        func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && bytes[i] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
