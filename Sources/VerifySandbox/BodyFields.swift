import VerifyAPI

/// A request body's keys, read as the sandbox reads every body: no body is `{}`, anything
/// but an object is refused, a key the endpoint does not take is refused (in body order),
/// a `null` value counts as absent, and of a repeated key the first wins.
struct BodyFields {
    let pairs: [(key: String, value: JSONValue)]

    init(_ body: JSONValue?, known: Set<String>) throws(SandboxError) {
        switch body {
        case nil: pairs = []
        case .object(let p)?: pairs = p
        default: throw .bodyNotObject
        }
        for pair in pairs where !known.contains(pair.key) { throw .unknownParameter(pair.key) }
    }

    /// The value of `name`, nil when absent or `null`.
    func value(_ name: String) -> JSONValue? {
        guard let v = pairs.first(where: { $0.key == name })?.value, !v.isNull else { return nil }
        return v
    }

    /// The text of `name`, nil when absent; another JSON type is `<name> must be a string`.
    func text(_ name: String) throws(SandboxError) -> String? {
        guard let v = value(name) else { return nil }
        guard let s = v.stringValue else { throw .notAString(parameter: name) }
        return s
    }
}
