/// A Plivo account's credentials. The token is a secret: it never appears in
/// `description`, logs, cassettes or history.
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    public var authID: String
    public var authToken: String?

    public init(authID: String, authToken: String?) {
        self.authID = authID
        self.authToken = authToken
    }

    /// The account the embedded sandbox uses when a script has no `auth` line.
    public static let sandboxDefault = Credentials(authID: "MASANDBOX00000000000", authToken: nil)

    public var description: String { "\(authID):\(authToken == nil ? "<no token>" : "<redacted>")" }

    /// `MA` or `SA` followed by 18 upper-case letters or digits.
    @inlinable
    public static func isWellFormed(authID: some StringProtocol) -> Bool {
        let bytes = Array(authID.utf8)
        guard bytes.count == 20, bytes[1] == UInt8(ascii: "A"), bytes[0] == UInt8(ascii: "M") || bytes[0] == UInt8(ascii: "S")
        else { return false }
        return bytes[2...].allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The value of an `Authorization: Basic …` header, when there is a token.
    /// HTTP Basic for the sandbox's out-of-band endpoints, which name the account by it:
    /// with the token when there is one, else with an empty one (the embedded sandbox checks none).
    public var sandboxAuthorization: String {
        basicAuthorization ?? "Basic " + Base64.encode(Array("\(authID):".utf8))
    }

    public var basicAuthorization: String? {
        guard let authToken else { return nil }
        return "Basic " + Base64.encode(Array("\(authID):\(authToken)".utf8))
    }
}

/// Standard base64 (RFC 4648), small enough not to need Foundation for it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded or unpadded base64; nil when the text is not base64.
    @inlinable  // specialized where it is called: generic over StringProtocol, it costs a witness call per byte
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= UInt32(v) << (18 - 6 * k) }
            out.append(UInt8(n >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
