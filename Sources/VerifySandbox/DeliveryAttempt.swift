import VerifyAPI

/// One delivery attempt of a session's code: the first create, or a resend.
///
/// Its statuses are known the moment it is made, each at its virtual instant (a
/// ``timeline``), so reading one at any clock reading needs nothing to have run in
/// between: the status at `now` is the last step at or before `now`.
struct DeliveryAttempt: Sendable, Equatable {
    /// One status the attempt reaches, when, and why it failed (Plivo's `ChannelErrorCode`).
    struct Step: Sendable, Equatable {
        var status: String
        var at: Timestamp
        var errorCode: String?
    }

    var uuid: String
    /// 1 for the first attempt; Plivo's `AttemptSequence`.
    var sequence: Int
    var channel: String
    /// When it was made: `attempt_details[].time`.
    var time: Timestamp
    var outcome: DeliveryOutcome
    var timeline: [Step]

    init(uuid: String, sequence: Int, channel: String, time: Timestamp, outcome: DeliveryOutcome) {
        self.uuid = uuid
        self.sequence = sequence
        self.channel = channel
        self.time = time
        self.outcome = outcome
        timeline = Self.timeline(channel: channel, outcome: outcome, from: time)
    }

    /// The statuses Plivo reports for each channel, in the order they come.
    static func timeline(channel: String, outcome: DeliveryOutcome, from start: Timestamp) -> [Step] {
        let late = start.advanced(by: DeliveryOutcome.lateDelay)
        func step(_ status: String, _ at: Timestamp = start, _ code: String? = nil) -> Step { Step(status: status, at: at, errorCode: code) }
        if channel == "voice" {
            switch outcome {
            case .delivered: return [step("ringing"), step("in-progress"), step("completed")]
            case .late: return [step("ringing"), step("in-progress", late), step("completed", late)]
            case .noAnswer: return [step("ringing"), step("no-answer")]
            case .undelivered: return [step("ringing"), step("failed", start, ChannelError.undelivered)]
            case .failed, .invalidNumber: return [step("failed", start, ChannelError.failed)]
            case .fraudBlocked: return [step("failed", start, ChannelError.fraudBlocked)]
            }
        }
        switch outcome {
        case .delivered: return [step("queued"), step("sent"), step("delivered")]
        case .late: return [step("queued"), step("sent"), step("delivered", late)]
        case .undelivered, .noAnswer: return [step("queued"), step("sent"), step("undelivered", start, ChannelError.undelivered)]
        case .failed, .invalidNumber: return [step("queued"), step("failed", start, ChannelError.failed)]
        case .fraudBlocked: return [step("failed", start, ChannelError.fraudBlocked)]
        }
    }

    /// The step in force at `now` (the first one before the attempt has any: never, as the first is at `time`).
    func step(at now: Timestamp) -> Step {
        timeline.last { $0.at <= now } ?? timeline[0]
    }

    func status(at now: Timestamp) -> String { step(at: now).status }

    /// When the code reached the phone (sms `delivered`, voice `completed`); nil if it never does.
    var deliveredAt: Timestamp? {
        timeline.first { $0.status == "delivered" || $0.status == "completed" }?.at
    }

    /// The charge, in units of 0.00001: sms 0.00500, voice 0.00600; an attempt refused
    /// before sending (fraud checks) costs nothing.
    var charge: Int {
        if outcome == .fraudBlocked { return 0 }
        return channel == "voice" ? 600 : 500
    }
}
