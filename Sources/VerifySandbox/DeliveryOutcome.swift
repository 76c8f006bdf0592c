import VerifyAPI

/// How a delivery attempt ends: the paths a team's app must handle, on demand.
///
/// The default is ``delivered``. Test recipients end a set way (``forRecipient(_:)``),
/// and `POST /__sandbox/outcomes` sets an outcome for a recipient or one session of an
/// account. docs/sandbox.md, "Delivery outcomes", is the table users read.
public enum DeliveryOutcome: String, Sendable, CaseIterable {
    /// sms `queued → sent → delivered`; voice `ringing → in-progress → completed`. At once.
    case delivered
    /// sms `queued → sent → undelivered` (the carrier gave up); voice `ringing → failed`.
    case undelivered
    /// sms `queued → failed` (never left Plivo); voice `failed`.
    case failed
    /// Delivered after ``lateDelay`` on the account's virtual clock; until then `sent` (sms) or `ringing` (voice).
    case late
    /// voice `ringing → no-answer`; on sms the same as ``undelivered``.
    case noAnswer = "no-answer"
    /// Refused by Plivo's fraud checks (Fraud Shield) before sending: `failed` with error 452 and
    /// no charge; a session created with `fraud_check` `disabled` is delivered instead.
    case fraudBlocked = "fraud-blocked"
    /// The number cannot receive messages: create answers `400` and makes no session.
    case invalidNumber = "invalid-number"

    /// Outcomes set out of band at once in one account (recipients and sessions together).
    public static let maximumSet = 1000

    /// How long a ``late`` attempt takes to arrive, on the virtual clock.
    public static let lateDelay = Duration.seconds(120)

    /// The test recipients: North American fiction numbers `+1 NXX 555 0190…0196`,
    /// any area code. Every other number (`+14155550100` included) is delivered.
    public static let testSuffixes: [(suffix: String, outcome: DeliveryOutcome)] = [
        ("5550190", .undelivered), ("5550191", .failed), ("5550192", .late), ("5550193", .noAnswer),
        ("5550194", .fraudBlocked), ("5550195", .invalidNumber),
    ]

    /// The outcome a test recipient (E.164 digits without `+`) is set to; nil for any other number.
    public static func forRecipient(_ digits: String) -> DeliveryOutcome? {
        guard digits.utf8.count == 11, digits.hasPrefix("1") else { return nil }
        return testSuffixes.first { digits.hasSuffix($0.suffix) }?.outcome
    }
}

/// The `ChannelErrorCode` of an attempt that did not arrive: Plivo's SMS error codes
/// (plivo.com/docs/messaging/troubleshooting/error-codes), which its Verify callbacks carry.
enum ChannelError {
    /// 80: "Destination Temporarily Unavailable" (handset off or out of coverage).
    static let undelivered = "80"
    /// 90: "No Route Available" (the message never left).
    static let failed = "90"
    /// 452: "Potential SMS Pumping", Fraud Shield's block.
    static let fraudBlocked = "452"
}
