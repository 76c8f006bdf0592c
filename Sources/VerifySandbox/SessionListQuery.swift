import VerifyAPI

/// The query of `GET …/Verify/Session/`, checked against ``VerifyParameters/list``.
///
/// Every filter given must hold (a name given twice must hold twice). Names are
/// checked in query order and the first problem is reported. `limit` and
/// `offset` given twice: the last wins.
struct SessionListQuery: Sendable {
    /// How far back the list reaches without any `session_time` filter.
    static let defaultWindow = Duration.seconds(24 * 3600)
    /// How far back any `session_time` filter may reach.
    static let maximumReach = Duration.seconds(90 * 24 * 3600)
    /// The largest `offset` taken: far past any list a sandbox holds, and small enough
    /// that `offset + limit` and the page links can never overflow.
    static let maximumOffset = 1_000_000_000

    enum Condition: Sendable, Equatable {
        case appUUID(String)
        case status(SessionStatus)
        case recipient(String)
        case subaccount(String)
        case country(String)
        case alias(String)
        case brandName(String)
        case appHash(String)
        /// Created in `[start, end)`.
        case createdIn(start: Timestamp, end: Timestamp)
        case createdAfter(Timestamp, orAt: Bool)
        case createdBefore(Timestamp, orAt: Bool)
    }

    /// The filters as given, in order, without `limit` and `offset`: what the page links repeat.
    var filters: [QueryItem] = []
    var conditions: [Condition] = []
    var limit = 20
    var offset = 0

    static let goSDKNames: Set<String> = ["AppHash", "BrandName"]

    init(query: [QueryItem], now: Timestamp) throws(SandboxError) {
        let known = Set(VerifyParameters.list.map(\.name))
        var earliest: Timestamp?
        for item in query {
            // Plivo's Go SDK sends its BrandName/AppHash fields under their Go names,
            // empty when unset, on every list; empty ones are ignored so that SDK works.
            if item.value.isEmpty, Self.goSDKNames.contains(item.name) { continue }
            guard known.contains(item.name) else { throw .unknownParameter(item.name) }
            let value = item.value
            switch item.name {
            case "limit":
                guard let n = Self.wholeNumber(value), (1...20).contains(n) else { throw .limitInvalid }
                limit = n
                continue
            case "offset":
                guard let n = Self.wholeNumber(value), n <= Self.maximumOffset else { throw .offsetInvalid }
                offset = n
                continue
            case "app_uuid": conditions.append(.appUUID(value.lowercased()))
            case "status":
                guard let status = SessionStatus(rawValue: value.lowercased()) else { throw .statusInvalid }
                conditions.append(.status(status))
            case "recipient": conditions.append(.recipient(PhoneNumber.filterForm(value)))
            case "subaccount": conditions.append(.subaccount(value))
            case "country": conditions.append(.country(value.uppercased()))
            case "alias": conditions.append(.alias(value))
            case "brand_name": conditions.append(.brandName(value))
            case "app_hash": conditions.append(.appHash(value))
            default:  // session_time and its four comparisons
                guard let (time, precision) = Self.parseTime(value) else { throw .timeInvalid(filter: item.name) }
                earliest = min(earliest ?? time, time)
                switch item.name {
                case "session_time": conditions.append(.createdIn(start: time, end: time.advanced(by: precision)))
                case "session_time__gt": conditions.append(.createdAfter(time, orAt: false))
                case "session_time__gte": conditions.append(.createdAfter(time, orAt: true))
                case "session_time__lt": conditions.append(.createdBefore(time, orAt: false))
                default: conditions.append(.createdBefore(time, orAt: true))
                }
            }
            filters.append(item)
        }
        let horizon = now.advanced(by: .zero - Self.maximumReach)
        if let earliest {
            guard earliest >= horizon else { throw .timeTooOld }
            conditions.append(.createdAfter(horizon, orAt: true))
        } else {
            conditions.append(.createdAfter(now.advanced(by: .zero - Self.defaultWindow), orAt: true))
        }
    }

    func matches(_ session: SessionRecord, at now: Timestamp) -> Bool {
        conditions.allSatisfy { condition in
            switch condition {
            case .appUUID(let v): session.appUUID.lowercased() == v
            case .status(let v): session.status(at: now) == v
            case .recipient(let v): session.recipient == v
            case .subaccount(let v): session.subaccount == v
            case .country(let v): session.countryISO2 == v
            case .alias(let v): session.alias == v
            case .brandName(let v): session.brandName == v
            case .appHash(let v): session.appHash == v
            case .createdIn(let start, let end): session.createdAt >= start && session.createdAt < end
            case .createdAfter(let t, let orAt): orAt ? session.createdAt >= t : session.createdAt > t
            case .createdBefore(let t, let orAt): orAt ? session.createdAt <= t : session.createdAt < t
            }
        }
    }

    /// `path?filters…&limit=L&offset=O`: the link to another page.
    func link(path: String, offset: Int) -> String {
        path + "?" + QueryItem.encode(filters + [QueryItem("limit", String(limit)), QueryItem("offset", String(offset))])
    }

    /// One page of `matching` (newest first): the sessions and the links to its neighbours.
    func page<T>(of matching: [T], path: String) -> (items: ArraySlice<T>, next: String?, previous: String?) {
        let start = min(offset, matching.count)
        let end = min(start + limit, matching.count)
        let next = offset + limit < matching.count ? link(path: path, offset: offset + limit) : nil
        let previous = offset > 0 ? link(path: path, offset: max(0, offset - limit)) : nil
        return (matching[start..<end], next, previous)
    }

    /// A non-negative decimal integer without sign or spaces; nil also when it overflows.
    static func wholeNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)  // nil when it overflows
    }

    /// `YYYY-MM-DD HH:MM[:ss[.uuuuuu]]` (UTC; `T` and a `Z` or `±hh:mm` offset are
    /// also understood) and the precision it was written to: a minute, a second,
    /// or 10^-k seconds for k fraction digits. `session_time` matches that whole span.
    static func parseTime(_ text: String) -> (Timestamp, Duration)? {
        guard let time = Timestamp(parsing: text) else { return nil }
        // The time of day starts after `YYYY-MM-DD` and the separator.
        var clock = Substring(text).utf8.dropFirst(11)
        if let offsetStart = clock.firstIndex(where: {
            [UInt8(ascii: "Z"), UInt8(ascii: "z"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains($0)
        }) {
            clock = clock[..<offsetStart]
        }
        guard clock.filter({ $0 == UInt8(ascii: ":") }).count == 2 else {
            return (time, .seconds(60))
        }
        guard let dot = clock.firstIndex(of: UInt8(ascii: ".")) else { return (time, .seconds(1)) }
        let fractionDigits = min(6, clock.distance(from: dot, to: clock.endIndex) - 1)
        var micros: Int64 = 1
        for _ in fractionDigits..<6 { micros *= 10 }
        return (time, .microseconds(micros))
    }
}
