import VerifyAPI

/// A session's status on the wire.
enum SessionStatus: String, Sendable, CaseIterable {
    case inProgress = "in-progress"
    case verified
    case expired
}

/// One Verify session as the sandbox keeps it.
///
/// Only `attempts` (a resend adds one), `verifiedAt`, `validationAttempts` and the
/// validation log ever change (and `expiresAt`, when a session is expired on request); whether a session has expired, and where each attempt's delivery stands,
/// is worked out from the clock on every read, so nothing has to run when time moves.
struct SessionRecord: Sendable {
    /// Creation order, which breaks ties between sessions made at the same (frozen) instant.
    var sequence: Int
    var uuid: String
    /// The auth_id of the path the session was created under; it is visible only there.
    var account: String
    var appUUID: String
    var alias: String
    var recipient: String
    var channel: String
    var locale: String
    var brandName: String?
    var appHash: String?
    var callbackURL: String?
    var callbackMethod: String
    var dtmf: Int?
    var fraudCheck: String?
    var code: String
    var requestorIP: String
    var countryISO2: String
    /// The delivery attempts, first one first; never empty.
    var attempts: [DeliveryAttempt]
    var createdAt: Timestamp
    var expiresAt: Timestamp
    var verifiedAt: Timestamp?
    /// Judged validation attempts, right or wrong; malformed bodies do not count.
    var validationAttempts = 0
    /// The validation requests the session saw, judged or refused, for its timeline (at most
    /// ``ValidationRecord/maximumKept``; `validationsDropped` counts the ones let go).
    var validations: [ValidationRecord] = []
    var validationsDropped = 0

    /// The alias of the account's default Verify application.
    static let defaultAlias = "default_verify_app"

    /// `in-progress` until verified; `expired` from `expiresAt` on, unless verified first.
    func status(at now: Timestamp) -> SessionStatus {
        if verifiedAt != nil { return .verified }
        return now >= expiresAt ? .expired : .inProgress
    }

    /// The instant of the last change of status: creation, verification or expiry.
    func updatedAt(at now: Timestamp) -> Timestamp {
        switch status(at: now) {
        case .inProgress: createdAt
        case .verified: verifiedAt ?? createdAt
        case .expired: expiresAt
        }
    }

    /// `subaccount` as the list filter sees it: the creating auth_id when it is a subaccount's.
    var subaccount: String { account.hasPrefix("SA") ? account : "" }

    /// The latest attempt's channel: a resend may switch from sms to voice (channel fallback).
    var currentChannel: String { attempts.last?.channel ?? channel }

    /// The retrieve shape without `api_id`, keys in the order of Plivo's answers
    /// (which is also the shape of each entry of a list).
    func fields(at now: Timestamp) -> [(key: String, value: JSONValue)] {
        let created = JSONValue.string(createdAt.iso8601)
        return [
            ("session_uuid", .string(uuid)),
            ("app_uuid", .string(appUUID)),
            ("alias", .string(alias)),
            ("recipient", .string(recipient)),
            ("channel", .string(currentChannel)),
            ("status", .string(status(at: now).rawValue)),
            ("count", .number(Double(attempts.count))),
            ("requestor_ip", .string(requestorIP)),
            ("destination_country_iso2", .string(countryISO2)),
            ("destination_network", .null),
            ("locale", .string(locale)),
            ("attempt_details", .array(attempts.map { attempt in
                .object([
                    "channel": .string(attempt.channel), "attempt_uuid": .string(attempt.uuid),
                    "status": .string(attempt.status(at: now)), "time": .string(attempt.time.iso8601),
                ])
            })),
            (
                "charges",
                .object([
                    "total_charge": .string(Self.decimal(attempts.reduce(0) { $0 + $1.charge }, fractionDigits: 4)),
                    "validation_charge": "0.0000",
                    "attempt_charges": .array(attempts.map { attempt in
                        .object([
                            "attempt_uuid": .string(attempt.uuid), "channel": .string(attempt.channel),
                            "charge": .string(Self.decimal(attempt.charge, fractionDigits: 5)),
                        ])
                    }),
                ])
            ),
            ("created_at", created),
            ("updated_at", .string(updatedAt(at: now).iso8601)),
        ].map { (key: $0.0, value: $0.1) }
    }

    /// Renders an amount in units of 0.00001 as a decimal string with
    /// `fractionDigits` (at most 5) digits, rounding half up: `500` → `0.0050`.
    static func decimal(_ hundredThousandths: Int, fractionDigits: Int) -> String {
        var scale = 1
        for _ in fractionDigits..<5 { scale *= 10 }
        let value = (hundredThousandths + scale / 2) / scale
        var unit = 1
        for _ in 0..<fractionDigits { unit *= 10 }
        let fraction = String(value % unit)
        return "\(value / unit)." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
    }
}
