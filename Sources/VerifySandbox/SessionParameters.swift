import VerifyAPI

/// The body of `POST …/Verify/Session/`, checked against ``VerifyParameters/create``.
///
/// Checks run in a fixed order so the first problem is always the one reported:
/// the body's shape, unknown keys (in body order), then each parameter in the
/// order of ``VerifyParameters/create``. A `null` value counts as absent.
struct SessionParameters: Sendable, Equatable {
    /// E.164 digits without the `+`.
    var recipient: String
    var appUUID: String?
    var channel = "sms"
    var url: String?
    var method = "POST"
    var locale = "en"
    var brandName: String?
    var appHash: String?
    var codeLength = 6
    var dtmf: Int?
    var fraudCheck: String?

    init(body: JSONValue?) throws(SandboxError) {
        let fields = try BodyFields(body, known: Set(VerifyParameters.create.map(\.name)))
        let value = fields.value
        let text = fields.text

        guard let recipientText = try text("recipient") else { throw .recipientRequired }
        guard let digits = PhoneNumber.normalize(recipientText) else { throw .recipientInvalid }
        recipient = digits

        for spec in VerifyParameters.create where spec.name != "recipient" {
            let name = spec.name
            switch name {
            case "app_uuid": appUUID = try text(name)
            case "channel":
                if let v = value(name) {
                    guard let s = v.stringValue?.lowercased(), VerifyParameters.channels.contains(s) else {
                        throw .channelInvalid
                    }
                    channel = s
                }
            case "url":
                if let s = try text(name) {
                    guard Self.isHTTPURL(s) else { throw .urlInvalid }
                    url = s
                }
            case "method":
                if let v = value(name) {
                    guard let s = v.stringValue?.uppercased(), s == "POST" || s == "GET" else { throw .methodInvalid }
                    method = s
                }
            case "locale": locale = try text(name) ?? locale
            case "brand_name": brandName = try text(name)
            case "app_hash": appHash = try text(name)
            case "code_length":
                if let v = value(name) {
                    guard let n = v.intValue, (4...8).contains(n) else { throw .codeLengthInvalid }
                    codeLength = n
                }
            case "dtmf":
                if let v = value(name) {
                    guard let n = v.intValue else { throw .dtmfInvalid }
                    dtmf = n
                }
            case "fraud_check": fraudCheck = try text(name)
            default:
                // A parameter added to the shared table later: text must at least be text.
                if case .text = spec.kind { _ = try text(name) }
            }
        }
    }

    /// `http://` or `https://` (any case) followed by at least a host character, no spaces.
    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return false
        }
        guard let first = rest.first, first != "/", first != "?", first != "#" else { return false }
        return !rest.contains(where: { $0 == " " || $0.isNewline })
    }
}
