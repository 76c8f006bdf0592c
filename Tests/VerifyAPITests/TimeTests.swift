import Testing
import VerifyAPI

/// 2024-01-01T00:00:00Z
let newYear2024: Int64 = 1_704_067_200_000_000

@Suite struct TimestampTests {
    @Test func formatting() {
        let epoch = Timestamp(microsecondsSinceEpoch: 0)
        #expect(epoch.iso8601 == "1970-01-01T00:00:00.000000Z")
        #expect(epoch.filterForm == "1970-01-01 00:00:00.000000")
        #expect(epoch.description == epoch.iso8601)
        #expect(Timestamp(microsecondsSinceEpoch: newYear2024 + 5_123_456).iso8601 == "2024-01-01T00:00:05.123456Z")
        #expect(Timestamp(microsecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp(microsecondsSinceEpoch: -86_400_000_000).iso8601 == "1969-12-31T00:00:00.000000Z")
    }

    static let parsed: [(String, Int64)] = [
        ("2024-01-01T00:00:05.123456Z", newYear2024 + 5_123_456),
        ("2024-01-01T05:30:05.123456+05:30", newYear2024 + 5_123_456),
        ("2023-12-31T16:00:05.123456-08:00", newYear2024 + 5_123_456),
        ("2024-01-01T05:30:05.123456+0530", newYear2024 + 5_123_456),
        ("2024-01-01T00:00:05.12345Z", newYear2024 + 5_123_450),  // five fractional digits
        ("2024-01-01T00:00:05.1234567Z", newYear2024 + 5_123_456),  // more than six are cut
        ("2024-01-01T00:00:05.5Z", newYear2024 + 5_500_000),
        ("2024-01-01T00:00:05Z", newYear2024 + 5_000_000),
        ("2024-01-01t00:00:05z", newYear2024 + 5_000_000),
        ("2024-01-01 00:00", newYear2024),  // the list filter form
        ("2024-01-01 00:00:30", newYear2024 + 30_000_000),
        ("2024-01-01 00:00:30.000001", newYear2024 + 30_000_001),
        ("2024-01-01T00:00", newYear2024),
        ("2024-02-29 00:00", newYear2024 + 5_097_600_000_000),  // a leap day
        ("2000-02-29 00:00", 951_782_400_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999999Z", -1),
    ]

    @Test(arguments: parsed)
    func parsing(_ text: String, _ micros: Int64) {
        #expect(Timestamp(parsing: text)?.microsecondsSinceEpoch == micros)
    }

    @Test(arguments: [
        "2023-02-29 00:00", "1900-02-29 00:00", "2024-13-01 00:00", "2024-00-10 00:00", "2024-04-31 00:00", "2024-01-00 00:00",
        "2024-01-32 00:00", "2024-01-01 24:00", "2024-01-01 23:60", "2024-01-01 23:59:60", "2024-01-01", "2024-01-01T", "2024-01-01T00",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zjunk", "2024-01-01T00:00+5:30", "2024-01-01T00:00+24:00", "2024-01-01T00:00+05:60",
        "", "24-01-01 00:00", "2024-1-01 00:00", "2024/01/01 00:00", "2024-01-01  00:00", " 2024-01-01 00:00", "2024-01-01 00:00 ",
        "２０２４-01-01 00:00", "2024-01-01T00:00:00.123456+", "2024-01-01T00:00:00+05:30Z",
    ])
    func invalid(_ text: String) {
        #expect(Timestamp(parsing: text) == nil, "\(text)")
    }

    @Test(arguments: ["0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T12:34:56.000001Z", "1900-03-01T00:00:00.000000Z"])
    func roundTrip(_ text: String) throws {
        let timestamp = try #require(Timestamp(parsing: text))
        #expect(timestamp.iso8601 == text)
        #expect(Timestamp(parsing: timestamp.filterForm) == timestamp)
    }

    @Test func orderAndArithmetic() throws {
        let a = try #require(Timestamp(parsing: "2024-01-01T00:00:00Z"))
        let b = try #require(Timestamp(parsing: "2024-01-01T05:29:59+05:30"))
        #expect(b < a)
        #expect(a.advanced(by: .seconds(90)).iso8601 == "2024-01-01T00:01:30.000000Z")
        #expect(a.advanced(by: .milliseconds(1)).microsecondsSinceEpoch == newYear2024 + 1000)
        #expect(a.advanced(by: .seconds(-1)).iso8601 == "2023-12-31T23:59:59.000000Z")
        #expect(a.advanced(by: .seconds(600)) == Timestamp(parsing: "2024-01-01 00:10"))
        #expect(Timestamp.now() > a)
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("11m", Duration.seconds(660)), ("30s", .seconds(30)), ("500ms", .milliseconds(500)), ("1h30m", .seconds(5400)),
        ("2d", .seconds(172_800)), ("1h1m1s1ms", .milliseconds(3_661_001)), ("0s", .zero), ("90s", .seconds(90)), ("1m30s", .seconds(90)),
        ("30s1m", .seconds(90)), ("999999999ms", .milliseconds(999_999_999)),
    ])
    func parse(_ text: String, _ duration: Duration) {
        #expect(DurationText.parse(text) == duration)
    }

    @Test(arguments: ["", "5", "m", "1.5s", "1H", "1 m", "-1s", "1m1", "1x", "s1", " 1s", "1s ", "1mm", "1µs"])
    func invalid(_ text: String) {
        #expect(DurationText.parse(text) == nil, "\(text)")
    }

    @Test(arguments: [
        (Duration.seconds(660), "11m"), (.seconds(5400), "1h30m"), (.milliseconds(250), "250ms"), (.zero, "0s"),
        (.seconds(90_061), "1d1h1m1s"), (.milliseconds(1500), "1s500ms"), (.microseconds(999), "0s"), (.microseconds(1_999), "1ms"),
        (.seconds(-5), "0s"), (.seconds(3600), "1h"), (.seconds(172_800), "2d"),
    ])
    func format(_ duration: Duration, _ text: String) {
        #expect(DurationText.format(duration) == text)
    }

    @Test func roundTrip() {
        for millis in [1, 999, 1000, 59_999, 60_000, 3_600_000, 86_400_001, 123_456_789] as [Int64] {
            let duration = Duration.milliseconds(millis)
            #expect(DurationText.parse(DurationText.format(duration)) == duration)
        }
    }
}
