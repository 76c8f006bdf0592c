import Synchronization
import VerifyAPI

/// Answers from a cassette; nothing leaves the machine.
///
/// Flow-aware: the state-changing exchanges of the recording (creates, validates)
/// must come in their recorded order, and a read (get, list) is answered only by
/// the exchanges recorded between the same two state changes. Identical reads take
/// the recorded answers in order and then repeat the last one, so a script may poll
/// once more or once less than when it was recorded.
public final class ReplayTransport: Transport {
    public let cassette: Cassette
    /// How messages name the cassette: `examples/01-quickstart.har`.
    public let cassetteName: String
    /// The command that records the cassette again, for the miss report.
    public let rerecordCommand: String?
    /// The replaying run's secrets: where a request holds its token, it is compared as
    /// ``Cassette/authTokenPlaceholder``, as recorded.
    public let redaction: SharedRedactor
    private let keys: [RequestKey]
    private let state = Mutex(Progress())

    struct Progress {
        /// The index after the last state-changing exchange played: reads are looked
        /// for from here up to the next state-changing one.
        var position = 0
        var played: [Bool] = []
        /// `sleep`s the script has done.
        var sleeps = 0
    }

    public init(cassette: Cassette, cassetteName: String, rerecordCommand: String? = nil, redaction: SharedRedactor = SharedRedactor()) {
        self.cassette = cassette
        self.cassetteName = cassetteName
        self.rerecordCommand = rerecordCommand
        self.redaction = redaction
        keys = cassette.exchanges.map { RequestKey($0.request) }
        state.withLock { $0.played = Array(repeating: false, count: cassette.exchanges.count) }
    }

    public var name: String { "replay" }

    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        let (path, authID) = AuthIDPath.placeholding(request.path)
        // The request as a recording holds it: its tokens (and auth_id) as placeholders.
        var tokens: Set<String> = []
        if let (_, token) = RecordTransport.credentials(request), !token.isEmpty { tokens.insert(token) }
        let scrub = Scrubber(authIDs: authID.map { [$0] } ?? [], tokens: tokens, known: redaction.current)
        let recorded = RecordedRequest(
            method: request.method, path: path, query: request.query.map { QueryItem(scrub($0.name), scrub($0.value)) },
            body: request.body.map { scrub($0).compactText })
        let key = RequestKey(recorded)
        let found: Int? = state.withLock { progress in
            let next = nextStateChange(from: progress.position)
            if key.changesState {
                guard next < keys.count, keys[next] == key else { return nil }
                progress.played[next] = true
                progress.position = next + 1
                return next
            }
            let candidates = (progress.position..<next).filter { keys[$0] == key && sleepsMatch($0, progress.sleeps) }
            guard let last = candidates.last else { return nil }
            let index = candidates.first { !progress.played[$0] } ?? last
            progress.played[index] = true
            return index
        }
        guard let found else { throw miss(recorded, key: key) }
        var response = cassette.exchanges[found].response
        if let authID { response.body = response.body.replacing(Cassette.authIDPlaceholder, with: authID) }
        return response.apiResponse
    }

    /// Nothing to control: the cassette already holds what the faults of the recording did.
    public func control(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        APIResponse(status: 200, json: .object([:]))
    }

    /// Replay's clock is virtual: a `sleep` is instant. It moves the flow on: reads
    /// recorded after it answer from now on.
    public func sleep(for duration: Duration, as credentials: Credentials?) async throws(TransportError) {
        state.withLock { $0.sleeps += 1 }
    }

    /// Whether exchange `index` was recorded after as many sleeps as the script has done.
    private func sleepsMatch(_ index: Int, _ sleeps: Int) -> Bool {
        !cassette.tracksSleeps || cassette.exchanges[index].sleeps == sleeps
    }

    /// The code recorded for the session (`_vsh.otp` of the exchange that created it),
    /// else the code its last accepted validate sent.
    public func deliveredCode(for session: DeliveredCodeQuery) async throws(TransportError) -> String {
        let uuid = session.sessionUUID.lowercased()
        for exchange in cassette.exchanges where exchange.otp != nil {
            if exchange.response.json?["session_uuid"]?.stringValue?.lowercased() == uuid, let otp = exchange.otp { return otp }
        }
        let validates = cassette.exchanges.filter {
            $0.request.method == .post && $0.request.path.lowercased().hasSuffix("/session/\(uuid)/")
        }
        let accepted = validates.last { (200..<300).contains($0.response.status) } ?? validates.last
        if let json = accepted?.request.json, let otp = (json["otp"] ?? json["OTP"])?.stringValue { return otp }
        throw TransportError(
            .missingCode, "\(cassetteName) holds no code for session \(session.sessionUUID)",
            notes: ["$otp replays the code the recording used; record the script again with a validate of $otp"]
                + (rerecordCommand.map { ["to re-record: \($0)"] } ?? []))
    }

    /// The exchanges no request has used so far, in recorded order.
    public var unplayed: [Exchange] {
        let played = state.withLock { $0.played }
        return cassette.exchanges.indices.filter { !played[$0] }.map { cassette.exchanges[$0] }
    }

    private func nextStateChange(from position: Int) -> Int {
        var index = position
        while index < keys.count, !keys[index].changesState { index += 1 }
        return index
    }

    // MARK: The miss report

    private func miss(_ request: RecordedRequest, key: RequestKey) -> TransportError {
        let position = state.withLock { $0.position }
        var notes: [String] = []
        if let nearest = nearest(to: key, position: position) {
            let exchange = cassette.exchanges[nearest]
            let origin = exchange.line.map { ", recorded from line \($0)" } ?? ""
            notes.append("nearest recorded exchange: #\(nearest + 1) \(exchange.request.requestLine)\(origin)")
            let differences = RequestDiff.lines(recorded: keys[nearest], sent: key)
            if differences.isEmpty {
                notes.append(placementNote(for: nearest, position: position))
            } else {
                notes += differences.map { "  \($0)" }
            }
        } else {
            notes.append("\(cassetteName) holds no exchange")
        }
        if let rerecordCommand { notes.append("if the script changed on purpose, record it again: \(rerecordCommand)") }
        return TransportError(.replayMiss, "no recorded exchange in \(cassetteName) matches \(request.requestLine)", notes: notes)
    }

    /// Why an identical request did not answer: it belongs to another point of the flow.
    private func placementNote(for index: Int, position: Int) -> String {
        let next = nextStateChange(from: position)
        if keys[index].changesState {
            if index < position { return "  it was replayed already; the recording sends it once at that point" }
            if next < keys.count {
                return "  the recording sends #\(next + 1) \(cassette.exchanges[next].request.requestLine) first"
            }
        }
        let sleeps = state.withLock { $0.sleeps }
        if index >= position, index < next, !sleepsMatch(index, sleeps) {
            let recorded = cassette.exchanges[index].sleeps
            return "  identical, but recorded after \(recorded) sleep\(recorded == 1 ? "" : "s"), and this one comes after \(sleeps); replay answers it only there"
        }
        let after = index < position ? "earlier" : "later"
        return "  identical, but recorded \(after) in the flow (between other creates or validates); replay answers it only there"
    }

    /// The recorded exchange most like the request: same method and path first, then
    /// query and body; among equals, the one nearest the current point of the flow.
    private func nearest(to key: RequestKey, position: Int) -> Int? {
        keys.indices.max { a, b in
            let (scoreA, scoreB) = (similarity(keys[a], key), similarity(keys[b], key))
            if scoreA != scoreB { return scoreA < scoreB }
            return abs(a - position) > abs(b - position)
        }
    }

    private func similarity(_ recorded: RequestKey, _ sent: RequestKey) -> Int {
        var score = 0
        if recorded.method == sent.method { score += 8 }
        if recorded.path == sent.path {
            score += 8
        } else if recorded.path.split(separator: "/").count == sent.path.split(separator: "/").count {
            score += 4
        }
        if recorded.query == sent.query { score += 2 }
        if recorded.body == sent.body { score += 2 }
        return score
    }
}

/// Field-by-field differences between a recorded request and the one sent.
enum RequestDiff {
    static func lines(recorded: RequestKey, sent: RequestKey) -> [String] {
        var lines: [String] = []
        if recorded.method != sent.method { lines.append("method: recorded \(recorded.method.rawValue), sent \(sent.method.rawValue)") }
        if recorded.path != sent.path { lines.append("path: recorded \(recorded.path), sent \(sent.path)") }
        if recorded.query != sent.query {
            let names = Array(Set(recorded.query.map(\.name) + sent.query.map(\.name))).sorted()
            for name in names {
                let a = recorded.query.filter { $0.name == name }.map(\.value)
                let b = sent.query.filter { $0.name == name }.map(\.value)
                guard a != b else { continue }
                lines.append("query \(name): \(describe(a, "recorded")), \(describe(b, "sent"))")
            }
        }
        if recorded.body != sent.body {
            switch (recorded.body, sent.body) {
            case (.json(let a), .json(let b)): lines += json(a, b, at: "body")
            case (.none, _): lines.append("body: none recorded, sent \(text(sent.body))")
            case (_, .none): lines.append("body: recorded \(text(recorded.body)), none sent")
            default: lines.append("body: recorded \(text(recorded.body)), sent \(text(sent.body))")
            }
        }
        return lines
    }

    private static func describe(_ values: [String], _ side: String) -> String {
        values.isEmpty ? "not \(side)" : "\(side) \(values.map(JSONValue.quoted).joined(separator: ", "))"
    }

    private static func text(_ body: RequestKey.Body) -> String {
        switch body {
        case .none: "none"
        case .json(let value): value.compactText
        case .text(let text): JSONValue.quoted(text)
        }
    }

    /// `body.otp: recorded "123456", sent "000000"`, one line per differing leaf.
    static func json(_ a: JSONValue, _ b: JSONValue, at path: String) -> [String] {
        guard a != b else { return [] }
        switch (a, b) {
        case (.object(let left), .object(let right)):
            var lines: [String] = []
            var keys = left.map(\.key)
            for key in right.map(\.key) where !keys.contains(key) { keys.append(key) }
            for key in keys {
                let inner = "\(path).\(key)"
                switch (a[key], b[key]) {
                case (let x?, let y?): lines += json(x, y, at: inner)
                case (let x?, nil): lines.append("\(inner): recorded \(x.compactText), not sent")
                case (nil, let y?): lines.append("\(inner): not recorded, sent \(y.compactText)")
                case (nil, nil): break
                }
            }
            return lines
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { index, pair in json(pair.0, pair.1, at: "\(path)[\(index)]") }
        default:
            return ["\(path): recorded \(a.compactText), sent \(b.compactText)"]
        }
    }
}
