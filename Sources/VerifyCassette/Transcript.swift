import VerifyAPI

/// `vsh cassette show`: a recording as people read it: each request line and body,
/// then the status and the body of the answer, bodies indented as JSON.
public enum Transcript {
    public static func render(_ cassette: Cassette, name: String) -> String {
        var out = "\(name): \(cassette.exchanges.count) \(cassette.exchanges.count == 1 ? "exchange" : "exchanges")"
        var origin: [String] = []
        if let script = cassette.script { origin.append("from \(script)") }
        if let baseURL = cassette.baseURL { origin.append("against \(baseURL)") }
        origin.append("by vsh \(cassette.recorder)")
        out += ", recorded " + origin.joined(separator: " ") + "\n"
        for (index, exchange) in cassette.exchanges.enumerated() {
            out += "\n"
            var heading = "#\(index + 1)"
            if let line = exchange.line { heading += "  line \(line)" }
            heading += "  \(exchange.startedAt.iso8601)  \(DurationText.milliseconds(exchange.duration))"
            if let otp = exchange.otp { heading += "  $otp = \(otp)" }
            out += heading + "\n"
            out += exchange.request.requestLine + "\n"
            if let body = exchange.request.body, !body.isEmpty { out += pretty(body) + "\n" }
            out += "→ \(exchange.response.statusLine)\n"
            if !exchange.response.body.isEmpty { out += pretty(exchange.response.body) + "\n" }
        }
        // Everything in a cassette came from a file anyone may have written.
        return VisibleText.of(out)
    }

    /// Indented JSON when the text is JSON, else the text as it is.
    static func pretty(_ text: String) -> String {
        (try? JSONValue(parsing: text))?.prettyText ?? text
    }
}
