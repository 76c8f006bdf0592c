import HTTPTypes
import VerifyAPI

/// Why a file is not a cassette vsh can read: malformed input, exit 2.
public struct CassetteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `not JSON (invalid JSON at byte 12: …)`, `log.entries[2].request.method: expected a string, found a number`.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Cassettes as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format
/// browsers' developer tools and proxies export, so HAR viewers open them.
///
/// vsh's own fields are prefixed `_vsh`, as the format allows for custom fields:
/// `log._vsh` (`script`, `base_url`) and each entry's `_vsh` (`line`, `otp`).
public enum HARFormat {
    /// Refused before parsing: a cassette of a few scripts is kilobytes.
    public static let maxSize = 64 << 20

    // MARK: Writing

    /// The cassette as HAR text, indented, ending in a newline.
    public static func encode(_ cassette: Cassette) -> [UInt8] {
        var log: [(key: String, value: JSONValue)] = [
            ("version", "1.2"),
            ("creator", .object(["name": "vsh", "version": .string(cassette.recorder)])),
            ("entries", .array(cassette.exchanges.map { entry($0, baseURL: cassette.baseURL ?? "") })),
        ]
        var vsh: [(key: String, value: JSONValue)] = [("format", 1)]
        if let script = cassette.script { vsh.append(("script", .string(script))) }
        if let baseURL = cassette.baseURL { vsh.append(("base_url", .string(baseURL))) }
        log.append(("_vsh", .object(vsh)))
        return Array((JSONValue.object(["log": .object(log)]).prettyText + "\n").utf8)
    }

    static func entry(_ exchange: Exchange, baseURL: String) -> JSONValue {
        let milliseconds = Double(exchange.duration.components.seconds) * 1000
            + Double(exchange.duration.components.attoseconds) / 1e15
        let time = (milliseconds * 1000).rounded() / 1000
        var request: [(key: String, value: JSONValue)] = [
            ("method", .string(exchange.request.method.rawValue)),
            ("url", .string(baseURL + exchange.request.path + (exchange.request.query.isEmpty ? "" : "?" + QueryItem.encode(exchange.request.query)))),
            ("httpVersion", "HTTP/1.1"),
            ("cookies", []),
            ("headers", headers(exchange.request.headers)),
            ("queryString", .array(exchange.request.query.map { .object(["name": .string($0.name), "value": .string($0.value)]) })),
        ]
        if let body = exchange.request.body {
            request.append(("postData", .object(["mimeType": .string(mimeType(exchange.request.headers)), "text": .string(body)])))
        }
        request += [("headersSize", -1), ("bodySize", .number(Double(exchange.request.body?.utf8.count ?? 0)))]
        let responseSize = JSONValue.number(Double(exchange.response.body.utf8.count))
        let response: [(key: String, value: JSONValue)] = [
            ("status", .number(Double(exchange.response.status))),
            ("statusText", .string(String(exchange.response.statusLine.drop(while: { $0 != " " }).dropFirst()))),
            ("httpVersion", "HTTP/1.1"),
            ("cookies", []),
            ("headers", headers(exchange.response.headers)),
            ("content", .object(["size": responseSize, "mimeType": .string(mimeType(exchange.response.headers)), "text": .string(exchange.response.body)])),
            ("redirectURL", ""),
            ("headersSize", -1),
            ("bodySize", responseSize),
        ]
        var vsh: [(key: String, value: JSONValue)] = []
        if let line = exchange.line { vsh.append(("line", .number(Double(line)))) }
        if let otp = exchange.otp { vsh.append(("otp", .string(otp))) }
        if exchange.sleeps > 0 { vsh.append(("sleeps", .number(Double(exchange.sleeps)))) }
        var entry: [(key: String, value: JSONValue)] = [
            ("startedDateTime", .string(exchange.startedAt.iso8601)),
            ("time", .number(time)),
            ("request", .object(request)),
            ("response", .object(response)),
            ("cache", .object([])),
            ("timings", .object(["send": 0, "wait": .number(time), "receive": 0])),
        ]
        if !vsh.isEmpty { entry.append(("_vsh", .object(vsh))) }
        return .object(entry)
    }

    static func headers(_ headers: [Header]) -> JSONValue {
        .array(headers.map { .object(["name": .string($0.name), "value": .string($0.value)]) })
    }

    static func mimeType(_ headers: [Header]) -> String {
        headers.first { $0.name.lowercased() == "content-type" }?.value ?? "application/json"
    }

    // MARK: Reading

    /// Reads a cassette; every problem names where in the file it is.
    public static func decode(_ bytes: [UInt8]) throws(CassetteError) -> Cassette {
        guard bytes.count <= maxSize else {
            throw CassetteError("too large (\(bytes.count >> 20) MiB; a cassette is at most \(maxSize >> 20) MiB)")
        }
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { throw CassetteError("empty file, not a HAR cassette") }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes)
        } catch {
            throw CassetteError("not JSON (\(error.description))")
        }
        let reader = Reader()
        let log = try reader.object(document["log"], at: "log")
        if let version = log["version"] {
            let text = try reader.string(version, at: "log.version")
            guard text.hasPrefix("1.") else { throw CassetteError("log.version: HAR \(text) is not supported (1.1 or 1.2)") }
        }
        // Only vsh's own cassettes say where the sleeps were.
        var cassette = Cassette(tracksSleeps: log["_vsh"] != nil)
        if let creator = log["creator"], let version = creator["version"]?.stringValue { cassette.recorder = version }
        if let vsh = log["_vsh"] {
            _ = try reader.object(vsh, at: "log._vsh")
            cassette.script = try vsh["script"].map { value throws(CassetteError) in try reader.string(value, at: "log._vsh.script") }
            cassette.baseURL = try vsh["base_url"].map { value throws(CassetteError) in try reader.string(value, at: "log._vsh.base_url") }
            // What is read is what is written back in front of every path: it must be an API root.
            if let baseURL = cassette.baseURL, !Reader.isAPIRoot(baseURL) {
                throw CassetteError("log._vsh.base_url: \(JSONValue.quoted(baseURL)) is not an http:// or https:// API root")
            }
        }
        let entries = try reader.array(log["entries"], at: "log.entries")
        // Recorded through an API root with a path (`https://proxy.example/plivo`): requests
        // are matched on the API's own path, as the script builds it.
        let prefix = cassette.baseURL.map { Reader.split(url: $0).path }.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        for (index, entry) in entries.enumerated() {
            var exchange = try reader.exchange(entry, at: "log.entries[\(index)]")
            if !prefix.isEmpty, exchange.request.path.hasPrefix(prefix + "/") {
                exchange.request.path = String(exchange.request.path.dropFirst(prefix.count))
            }
            cassette.exchanges.append(exchange)
        }
        return cassette
    }

    /// Type-checked access to the parsed document, with the JSON path in every error.
    struct Reader {
        /// `a number`, `an object`, `null`.
        func described(_ value: JSONValue) -> String {
            let name = value.typeName
            if name == "null" { return name }
            return ("aeiou".contains(name.first ?? "x") ? "an " : "a ") + name
        }

        func value(_ value: JSONValue?, at path: String) throws(CassetteError) -> JSONValue {
            guard let value else { throw CassetteError("\(path): missing") }
            return value
        }

        func object(_ value: JSONValue?, at path: String) throws(CassetteError) -> JSONValue {
            let value = try self.value(value, at: path)
            guard case .object = value else { throw CassetteError("\(path): expected an object, found \(described(value))") }
            return value
        }

        func array(_ value: JSONValue?, at path: String) throws(CassetteError) -> [JSONValue] {
            let value = try self.value(value, at: path)
            guard case .array(let items) = value else { throw CassetteError("\(path): expected an array, found \(described(value))") }
            return items
        }

        func string(_ value: JSONValue?, at path: String) throws(CassetteError) -> String {
            let value = try self.value(value, at: path)
            guard case .string(let text) = value else { throw CassetteError("\(path): expected a string, found \(described(value))") }
            return text
        }

        /// `http://host[:port][/path]` or `https://…`, without a query or fragment.
        static func isAPIRoot(_ text: String) -> Bool {
            let lower = text.lowercased()
            guard let schemeEnd = ["http://", "https://"].first(where: lower.hasPrefix)?.count else { return false }
            let rest = text.utf8.dropFirst(schemeEnd)
            guard let first = rest.first, first != UInt8(ascii: "/") else { return false }
            return !rest.contains { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 <= 0x20 || $0 == 0x7F }
        }

        func integer(_ value: JSONValue?, at path: String) throws(CassetteError) -> Int {
            let value = try self.value(value, at: path)
            guard case .number(let number) = value else { throw CassetteError("\(path): expected a whole number, found \(described(value))") }
            guard number.rounded() == number, abs(number) < 1e15 else { throw CassetteError("\(path): \(value.compactText) is not a whole number") }
            return Int(number)
        }

        func headers(_ value: JSONValue?, at path: String) throws(CassetteError) -> [Header] {
            guard let value else { return [] }
            var headers: [Header] = []
            for (index, item) in try array(value, at: path).enumerated() {
                _ = try object(item, at: "\(path)[\(index)]")
                headers.append(Header(try string(item["name"], at: "\(path)[\(index)].name"), try string(item["value"], at: "\(path)[\(index)].value")))
            }
            return headers
        }

        func exchange(_ entry: JSONValue, at path: String) throws(CassetteError) -> Exchange {
            _ = try object(entry, at: path)
            let started = try string(entry["startedDateTime"] ?? .string(Timestamp(microsecondsSinceEpoch: 0).iso8601), at: "\(path).startedDateTime")
            guard let startedAt = Timestamp(parsing: started) else {
                throw CassetteError("\(path).startedDateTime: \(JSONValue.quoted(started)) is not an ISO 8601 date and time")
            }
            var milliseconds = 0.0
            if let time = entry["time"] {
                guard let number = time.numberValue else {
                    throw CassetteError("\(path).time: expected a number of milliseconds, found \(described(time))")
                }
                // A day at most: anything longer is not a recording of an API call.
                guard number.isFinite, number >= 0, number <= 86_400_000 else {
                    throw CassetteError("\(path).time: \(time.compactText) is not a duration in milliseconds (0 to 86400000)")
                }
                milliseconds = number
            }

            let request = try object(entry["request"], at: "\(path).request")
            let methodText = try string(request["method"], at: "\(path).request.method")
            guard let method = HTTPRequest.Method(methodText) else {
                throw CassetteError("\(path).request.method: \(JSONValue.quoted(methodText)) is not an HTTP method")
            }
            let url = try string(request["url"], at: "\(path).request.url")
            let (requestPath, urlQuery) = Self.split(url: url)
            guard requestPath.hasPrefix("/") else {
                throw CassetteError("\(path).request.url: \(JSONValue.quoted(url)) has no path")
            }
            var query = urlQuery
            if let items = request["queryString"] {
                query = []
                for (index, item) in try array(items, at: "\(path).request.queryString").enumerated() {
                    let at = "\(path).request.queryString[\(index)]"
                    _ = try object(item, at: at)
                    query.append(QueryItem(try string(item["name"], at: "\(at).name"), try string(item["value"], at: "\(at).value")))
                }
            }
            var body: String?
            if let postData = request["postData"] {
                _ = try object(postData, at: "\(path).request.postData")
                body = try postData["text"].map { value throws(CassetteError) in try string(value, at: "\(path).request.postData.text") }
            }

            let response = try object(entry["response"], at: "\(path).response")
            let status = try integer(response["status"], at: "\(path).response.status")
            guard (100...599).contains(status) else { throw CassetteError("\(path).response.status: \(status) is not an HTTP status") }
            var responseBody = ""
            if let content = response["content"] {
                _ = try object(content, at: "\(path).response.content")
                if let text = content["text"] {
                    responseBody = try string(text, at: "\(path).response.content.text")
                    if content["encoding"]?.stringValue == "base64" {
                        guard let decoded = Base64.decode(responseBody), let utf8 = String(validating: decoded, as: UTF8.self) else {
                            throw CassetteError("\(path).response.content.text: not base64 of UTF-8 text")
                        }
                        responseBody = utf8
                    }
                }
            }

            var line: Int?
            var otp: String?
            var sleeps = 0
            if let vsh = entry["_vsh"] {
                _ = try object(vsh, at: "\(path)._vsh")
                line = try vsh["line"].map { value throws(CassetteError) in try integer(value, at: "\(path)._vsh.line") }
                otp = try vsh["otp"].map { value throws(CassetteError) in try string(value, at: "\(path)._vsh.otp") }
                sleeps = try vsh["sleeps"].map { value throws(CassetteError) in try integer(value, at: "\(path)._vsh.sleeps") } ?? 0
            }
            let seconds = milliseconds / 1000
            return Exchange(
                startedAt: startedAt,
                duration: .seconds(Int64(seconds)) + .nanoseconds(Int64((seconds - seconds.rounded(.down)) * 1e9)),
                request: RecordedRequest(
                    method: method, path: requestPath, query: query, headers: try headers(request["headers"], at: "\(path).request.headers"),
                    body: body),
                response: RecordedResponse(
                    status: status, headers: try headers(response["headers"], at: "\(path).response.headers"), body: responseBody),
                line: line, otp: otp, sleeps: max(0, sleeps))
        }

        /// `https://api.plivo.com/v1/x/?a=1` → (`/v1/x/`, [a=1]); a URL without a scheme is taken as a path.
        static func split(url: String) -> (path: String, query: [QueryItem]) {
            var rest = Substring(url)
            // Absolute only when the text starts with a scheme: a `://` later on is part of
            // the path (`/x/http://y`), or a path written back would read as another one.
            if let scheme = rest.firstRange(of: "://"), rest.startIndex < scheme.lowerBound,
                rest[..<scheme.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
                rest.first?.isLetter == true
            {
                rest = rest[scheme.upperBound...]
                rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
            }
            rest = rest[..<(rest.firstIndex(of: "#") ?? rest.endIndex)]
            guard let mark = rest.firstIndex(of: "?") else { return (String(rest), []) }
            return (String(rest[..<mark]), QueryItem.decode(rest[rest.index(after: mark)...]))
        }
    }
}
