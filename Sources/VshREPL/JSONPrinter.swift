import VerifyAPI

/// Indented JSON for people at a terminal, in colour when asked: keys blue,
/// strings green, numbers yellow, `true`/`false`/`null` magenta.
public struct JSONPrinter: Sendable {
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    public func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, level: 0, to: &out)
        return out
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func write(_ value: JSONValue, level: Int, to out: inout String) {
        let indent = String(repeating: "  ", count: level + 1)
        let closing = String(repeating: "  ", count: level)
        switch value {
        case .null: out += paint("null", "35")
        case .bool(let flag): out += paint(flag ? "true" : "false", "35")
        case .number(let number): out += paint(JSONValue.format(number: number), "33")
        case .string(let text): out += paint(JSONValue.quoted(text), "32")
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += indent
                write(item, level: level + 1, to: &out)
                out += index + 1 < items.count ? ",\n" : "\n"
            }
            out += closing + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, pair) in pairs.enumerated() {
                out += indent + paint(JSONValue.quoted(pair.key), "34") + ": "
                write(pair.value, level: level + 1, to: &out)
                out += index + 1 < pairs.count ? ",\n" : "\n"
            }
            out += closing + "}"
        }
    }
}
