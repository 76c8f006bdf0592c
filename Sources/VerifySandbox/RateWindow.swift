import VerifyAPI

/// A sliding-window rate limit on an account's virtual clock: at most `limit` requests in
/// any `period`. Requests refused with a 429 do not count.
struct RateWindow: Sendable {
    let limit: Int
    let period: Duration
    /// The instants of the admitted requests still inside the window, oldest first (the
    /// clock never goes back, so appending keeps them in order). At most `limit` of them.
    private var admitted: [Timestamp] = []

    init(limit: Int, period: Duration) {
        self.limit = limit
        self.period = period
        admitted.reserveCapacity(min(limit, 64))
    }

    /// Nil when a request at `now` would be admitted, else how long until one would be:
    /// whole seconds, rounded up, for `Retry-After`. Forgets what has left the window.
    mutating func wait(at now: Timestamp) -> Int? {
        let windowStart = now.adding(.zero - period) ?? Timestamp.earliest
        if let keep = admitted.firstIndex(where: { $0 > windowStart }) {
            admitted.removeFirst(keep)
        } else {
            admitted.removeAll(keepingCapacity: true)
        }
        guard admitted.count >= limit else { return nil }
        let freeAt = admitted[0].advanced(by: period)
        let micros = freeAt.microsecondsSinceEpoch - now.microsecondsSinceEpoch
        return Int(max(1, (micros + 999_999) / 1_000_000))
    }

    /// Counts a request admitted at `now` (after ``wait(at:)`` said nil).
    mutating func record(at now: Timestamp) {
        admitted.append(now)
    }
}

/// Which of Plivo's documented rate limits the sandbox enforces (`--rate-limits`).
public enum RateLimits: String, Sendable, CaseIterable {
    /// Verify's own: list sessions, 20 requests a minute per account (the default).
    case verify
    /// Verify's, and the account-wide limit Plivo documents for its voice API: 300
    /// requests in 5 seconds across every Verify endpoint.
    case all
    /// None: load tests and benchmarks are never throttled.
    case off

    static let listLimit = 20
    static let listPeriod = Duration.seconds(60)
    static let accountLimit = 300
    static let accountPeriod = Duration.seconds(5)
}
