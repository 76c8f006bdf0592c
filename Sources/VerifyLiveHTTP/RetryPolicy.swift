import VerifyAPI

/// When and how long the live transport waits before trying a request again.
///
/// Only `GET` requests (`session get`, `session list`) are ever retried: they change
/// nothing. `POST` never is: a create sends a paid message, a validate spends one
/// of the session's 10 attempts, and after a lost answer vsh cannot know whether
/// the server acted on it.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    /// The wait before the first retry; doubled for each further one.
    public var baseDelay: Duration
    /// The longest backoff between two tries.
    public var maxDelay: Duration
    /// The longest `Retry-After` honoured. A server asking for longer is not retried:
    /// its 429 or 503 answer goes to the script as it is.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(4), maxRetryAfter: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds since the Unix epoch, from the system clock.
    public static func wallClockSeconds() -> Int64 { Timestamp.now().microsecondsSinceEpoch / 1_000_000 }

    /// No retries at all.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The backoff before try `attempt + 1`, after `attempt` tries failed: `baseDelay · 2^(attempt-1)`,
    /// at most `maxDelay`, then a random point in its upper half ("equal jitter"), so clients
    /// that failed together do not come back together.
    public func backoff(after attempt: Int, unit: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = max(0, min(attempt - 1, 30))
        let full = min(baseDelay * (1 << exponent), maxDelay)
        return full / 2 + (full / 2) * unit
    }

    /// The wait before retrying an answer with `status`, or nil when it is not to be retried.
    /// `retryAfter` is the answer's `Retry-After` header; `now` reads the wall clock, for HTTP dates.
    public func delay(forStatus status: Int, retryAfter: String?, after attempt: Int, now: () -> Int64 = RetryPolicy.wallClockSeconds) -> Duration? {
        guard status == 429 || status == 503 else { return nil }
        guard let retryAfter, let wait = RetryAfter.parse(retryAfter, now: now()) else { return backoff(after: attempt) }
        return wait <= maxRetryAfter ? wait : nil
    }
}

/// The `Retry-After` header (RFC 9110, section 10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The wait it asks for; nil when the value is neither form. A date in the past means no wait.
    /// - Parameter now: seconds since the Unix epoch.
    public static func parse(_ value: String, now: Int64) -> Duration? {
        let text = Substring(value).trimmingASCIISpaces()
        if !text.isEmpty, text.count <= 10, text.allSatisfy(\.isASCIIDigit), let seconds = Int64(text) {
            return .seconds(seconds)
        }
        guard let date = HTTPDate.parse(String(text)) else { return nil }
        return .seconds(max(0, date - now))
    }
}

/// HTTP-dates in the three forms RFC 9110 says recipients must accept, as seconds since the epoch:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850)
/// and `Sun Nov  6 08:49:37 1994` (asctime).
public enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func parse(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { $0.lowercased() }
        let year: Int64, month: Int64, day: Int64, time: Substring
        switch words.count {
        case 6 where words[5] == "gmt":
            // IMF-fixdate: day-name, DD Mon YYYY HH:MM:SS GMT
            guard let d = Int64(words[1]), let m = months.firstIndex(of: words[2]), words[3].count == 4, let y = Int64(words[3]) else { return nil }
            (year, month, day, time) = (y, Int64(m + 1), d, Substring(words[4]))
        case 4 where words[3] == "gmt":
            // RFC 850: day-name, DD-Mon-YY HH:MM:SS GMT
            let parts = words[1].split(separator: "-")
            guard parts.count == 3, let d = Int64(parts[0]), let m = months.firstIndex(of: String(parts[1])), parts[2].count == 2, let yy = Int64(parts[2])
            else { return nil }
            // A two-digit year is read as 19xx from 70 on, else 20xx.
            (year, month, day, time) = (yy < 70 ? 2000 + yy : 1900 + yy, Int64(m + 1), d, Substring(words[2]))
        case 5:
            // asctime: day-name Mon D HH:MM:SS YYYY
            guard let m = months.firstIndex(of: words[1]), let d = Int64(words[2]), words[4].count == 4, let y = Int64(words[4]) else { return nil }
            (year, month, day, time) = (y, Int64(m + 1), d, Substring(words[3]))
        default:
            return nil
        }
        let clock = time.split(separator: ":")
        guard clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1]), let second = Int64(clock[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second), (1...31).contains(day)
        else { return nil }
        return Timestamp.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
    }
}
