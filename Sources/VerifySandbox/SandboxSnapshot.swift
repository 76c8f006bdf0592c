import VerifyAPI

/// The whole state of accounts as JSON: `GET /__sandbox/state` shows it, and
/// `vsh sandbox serve --state FILE` starts from it and writes it back on a clean
/// shutdown. Every session with its code, attempts and outcome, the outcomes set out of
/// band and the armed faults. Not kept: callbacks (pending ones are not sent again after
/// a restart) and the rate-limit windows; a restored account draws new ids from a fresh
/// generator.
enum SandboxSnapshot {
    static let format = "vsh-sandbox-state/1"

    /// Why a snapshot cannot be read: a path into the JSON and what is wrong there.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    static func encode(_ state: SandboxState, accounts: [SandboxAccount]) -> JSONValue {
        .object([
            "format": .string(format), "now": .string(state.now.iso8601),
            "accounts": .array(accounts.map(encode)),
        ])
    }

    static func encode(_ account: SandboxAccount) -> JSONValue {
        .object([
            "auth_id": .string(account.authID), "now": .string(account.now.iso8601),
            "default_app_uuid": .string(account.defaultAppUUID),
            "sessions": .array(account.sessions.map(encode)),
            "outcomes": .object(
                account.outcomeByRecipient.sorted { $0.key < $1.key }.map { (key: "+" + $0.key, value: JSONValue.string($0.value.rawValue)) }
                    + account.outcomeBySession.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value.rawValue)) }),
            "faults": .array(account.faults.map(\.json)),
        ])
    }

    static func encode(_ session: SessionRecord) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            "session_uuid": .string(session.uuid), "app_uuid": .string(session.appUUID), "alias": .string(session.alias),
            "recipient": .string(session.recipient), "channel": .string(session.channel), "locale": .string(session.locale),
            "brand_name": optional(session.brandName), "app_hash": optional(session.appHash), "url": optional(session.callbackURL),
            "method": .string(session.callbackMethod), "dtmf": session.dtmf.map { .number(Double($0)) } ?? .null,
            "fraud_check": optional(session.fraudCheck), "code": .string(session.code), "requestor_ip": .string(session.requestorIP),
            "created_at": .string(session.createdAt.iso8601), "expires_at": .string(session.expiresAt.iso8601),
            "verified_at": optional(session.verifiedAt?.iso8601),
            "validation_attempts": .number(Double(session.validationAttempts)),
            "attempts": .array(
                session.attempts.map { attempt in
                    .object([
                        "attempt_uuid": .string(attempt.uuid), "channel": .string(attempt.channel), "time": .string(attempt.time.iso8601),
                        "outcome": .string(attempt.outcome.rawValue),
                    ])
                }),
        ])
    }

    // MARK: Reading

    /// The accounts of a snapshot, each checked whole; the first problem ends the reading.
    static func decodeAccounts(_ json: JSONValue, configuration: VerifySandbox.Configuration) throws(Problem) -> (now: Timestamp, accounts: [SandboxAccount]) {
        let reader = Reader(json, path: "")
        guard try reader.string("format") == format else { throw Problem(path: "format", message: "not \(format)") }
        let now = try reader.timestamp("now")
        var accounts: [SandboxAccount] = []
        var seen = Set<String>()
        for (index, item) in try reader.array("accounts").enumerated() {
            let account = try decodeAccount(Reader(item, path: "accounts[\(index)]"), configuration: configuration)
            guard seen.insert(account.authID).inserted else { throw Problem(path: "accounts[\(index)].auth_id", message: "given twice") }
            accounts.append(account)
        }
        return (now, accounts)
    }

    static func decodeAccount(_ reader: Reader, configuration: VerifySandbox.Configuration) throws(Problem) -> SandboxAccount {
        let authID = try reader.string("auth_id")
        guard Credentials.isWellFormed(authID: authID) else { throw reader.problem("auth_id", "not a well-formed auth_id") }
        var account = SandboxAccount(
            authID: authID, now: try reader.timestamp("now"), seed: nil, rateLimits: configuration.rateLimits,
            sendsCallbacks: configuration.sendsCallbacks, defaultAppUUID: try reader.string("default_app_uuid"))
        for (index, item) in try reader.array("sessions").enumerated() {
            let session = try decodeSession(Reader(item, path: "\(reader.path).sessions[\(index)]"), account: authID, sequence: index)
            guard account.add(session) != nil else { throw reader.problem("sessions[\(index)].session_uuid", "given twice") }
        }
        if case .object(let pairs)? = reader.json["outcomes"] {
            for pair in pairs {
                guard let outcome = pair.value.stringValue.flatMap(DeliveryOutcome.init(rawValue:)) else {
                    throw reader.problem("outcomes.\(pair.key)", "not an outcome")
                }
                if let digits = PhoneNumber.normalize(pair.key), pair.key.hasPrefix("+") {
                    account.outcomeByRecipient[digits] = outcome
                } else {
                    account.outcomeBySession[pair.key.lowercased()] = outcome
                }
            }
        }
        for (index, item) in ((reader.json["faults"]?.arrayValue) ?? []).enumerated() {
            do throws(SandboxError) {
                var fault = try account.armFault(body: Self.faultBody(item))
                fault.remaining = item["remaining"]?.intValue ?? 1
                account.faults[account.faults.count - 1].remaining = max(1, min(SandboxFault.maximumTimes, fault.remaining))
            } catch {
                throw reader.problem("faults[\(index)]", error.text)
            }
        }
        return account
    }

    /// A listed fault as the body that arms it again.
    static func faultBody(_ listed: JSONValue) -> JSONValue {
        guard case .object(let pairs) = listed else { return listed }
        return .object(pairs.filter { !["id", "remaining", "auth_id"].contains($0.key) && !$0.value.isNull }.map { pair in
            pair.key == "remaining" ? (key: "times", value: pair.value) : pair
        })
    }

    static func decodeSession(_ reader: Reader, account: String, sequence: Int) throws(Problem) -> SessionRecord {
        let uuid = try reader.string("session_uuid").lowercased()
        guard UUIDText.isUUID(uuid) else { throw reader.problem("session_uuid", "not a uuid") }
        let recipient = try reader.string("recipient")
        guard let digits = PhoneNumber.normalize(recipient) else { throw reader.problem("recipient", "not an E.164 number") }
        let code = try reader.string("code")
        guard (4...8).contains(code.utf8.count), code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw reader.problem("code", "not 4 to 8 digits")
        }
        let channel = try reader.string("channel")
        var attempts: [DeliveryAttempt] = []
        for (index, item) in try reader.array("attempts").enumerated() {
            let attempt = Reader(item, path: "\(reader.path).attempts[\(index)]")
            guard let outcome = DeliveryOutcome(rawValue: try attempt.string("outcome")) else { throw attempt.problem("outcome", "not an outcome") }
            attempts.append(
                DeliveryAttempt(
                    uuid: try attempt.string("attempt_uuid"), sequence: index + 1, channel: try attempt.string("channel"),
                    time: try attempt.timestamp("time"), outcome: outcome))
        }
        guard !attempts.isEmpty else { throw reader.problem("attempts", "a session has at least one attempt") }
        var session = SessionRecord(
            sequence: sequence, uuid: uuid, account: account, appUUID: try reader.string("app_uuid"),
            alias: reader.json["alias"]?.stringValue ?? "", recipient: digits, channel: channel,
            locale: reader.json["locale"]?.stringValue ?? "en", brandName: reader.json["brand_name"]?.stringValue,
            appHash: reader.json["app_hash"]?.stringValue, callbackURL: reader.json["url"]?.stringValue,
            callbackMethod: reader.json["method"]?.stringValue ?? "POST", dtmf: reader.json["dtmf"]?.intValue,
            fraudCheck: reader.json["fraud_check"]?.stringValue, code: code,
            requestorIP: reader.json["requestor_ip"]?.stringValue ?? "127.0.0.1", countryISO2: PhoneNumber.countryISO2(ofDigits: digits),
            attempts: attempts, createdAt: try reader.timestamp("created_at"), expiresAt: try reader.timestamp("expires_at"))
        guard session.expiresAt >= session.createdAt else { throw reader.problem("expires_at", "before created_at") }
        guard VerifyParameters.channels.contains(channel), attempts.allSatisfy({ VerifyParameters.channels.contains($0.channel) }) else {
            throw reader.problem("channel", "not sms or voice")
        }
        if let verified = reader.json["verified_at"], !verified.isNull { session.verifiedAt = try reader.timestamp("verified_at") }
        session.validationAttempts = max(0, reader.json["validation_attempts"]?.intValue ?? 0)
        return session
    }

    /// Typed reads of one JSON object, with the path for problems.
    struct Reader {
        let json: JSONValue
        let path: String

        init(_ json: JSONValue, path: String) {
            self.json = json
            self.path = path
        }

        func problem(_ key: String, _ message: String) -> Problem {
            Problem(path: path.isEmpty ? key : "\(path).\(key)", message: message)
        }

        func string(_ key: String) throws(Problem) -> String {
            guard let text = json[key]?.stringValue else { throw problem(key, "missing, or not a string") }
            return text
        }

        func timestamp(_ key: String) throws(Problem) -> Timestamp {
            guard let time = Timestamp(parsing: try string(key)), time >= Timestamp.earliest, time <= Timestamp.latest else {
                throw problem(key, "not a time as 2025-01-15T10:00:00.000000Z (years 1 to 9999)")
            }
            return time
        }

        func array(_ key: String) throws(Problem) -> [JSONValue] {
            guard let items = json[key]?.arrayValue else { throw problem(key, "missing, or not an array") }
            return items
        }
    }
}
