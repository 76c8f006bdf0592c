import Testing
import VerifyAPI

/// No user-supplied number reaches arithmetic that can trap: durations are capped where
/// they are read, instants are held to years 1 to 9999, numbers print as digits.
@Suite struct OverflowTests {
    @Test(arguments: ["999999999d", "9999999999999999999999d", "36501d", "36500d1ms", "876001h", "1" + String(repeating: "0", count: 400) + "s"])
    func durationsOverTheMaximumAreRefusedAsTooLong(text: String) {
        #expect(DurationText.read(text) == .failure(.tooLong))
        #expect(DurationText.parse(text) == nil)
    }

    @Test func manyPartsAddUpWithoutOverflow() {
        // 100,000 parts of 999 days: each fits, the sum is far over the maximum.
        let text = String(repeating: "999d", count: 100_000)
        #expect(DurationText.read(text) == .failure(.tooLong))
        #expect(DurationText.read(String(repeating: "1d", count: 36_500)) == .success(.seconds(36_500 * 86_400)))
    }

    @Test func aMalformedTextSaysSoEvenWhenAPartIsTooLong() {
        #expect(DurationText.read("999999999999d5x") == .failure(.malformed))
        #expect(DurationText.read("") == .failure(.malformed))
        #expect(DurationText.read("10") == .failure(.malformed))
    }

    @Test func theMaximumIsAccepted() {
        #expect(DurationText.read(DurationText.maximumText) == .success(DurationText.maximum))
        #expect(DurationText.read("0000000000000000000011m") == .success(.seconds(660)))
    }

    @Test func instantsStayBetweenYearOneAndYear9999() {
        #expect(Timestamp.earliest.iso8601 == "0001-01-01T00:00:00.000000Z")
        #expect(Timestamp.latest.iso8601 == "9999-12-31T23:59:59.999999Z")
        let now = Timestamp(parsing: "2026-12-01 00:00")!
        #expect(now.adding(.seconds(Int64.max)) == nil)
        #expect(now.adding(.seconds(Int64.min)) == nil)
        #expect(now.adding(DurationText.maximum)?.iso8601 == "2126-11-07T00:00:00.000000Z")
        #expect(Timestamp.latest.adding(.microseconds(1)) == nil)
        // The saturating form never traps and holds to the ends.
        #expect(now.advanced(by: .seconds(Int64.max)) == .latest)
        #expect(now.advanced(by: .seconds(Int64.min)) == .earliest)
        #expect(Timestamp(microsecondsSinceEpoch: .max).advanced(by: .seconds(1)) == .latest)
    }

    @Test func wholeNumbersPrintAsDigitsNotExponents() {
        #expect(JSONValue.format(number: 1_152_921_504_606_846_976) == "1152921504606846976")
        #expect(JSONValue.format(number: 1e18) == "1000000000000000000")
        #expect(JSONValue.format(number: -1e18) == "-1000000000000000000")
        #expect(JSONValue.format(number: 202) == "202")
        #expect(JSONValue.format(number: 0.5) == "0.5")
        #expect(JSONValue.format(number: 1e300) == "1e+300")
        #expect(JSONValue.format(number: .infinity) == "null")
    }
}

/// Found by FuzzJSON: `==` must be an equivalence for every document, repeated keys too.
@Suite struct JSONEqualityTests {
    @Test func objectsWithARepeatedKeyEqualThemselves() throws {
        for text in [#"{"a":1,"a":2}"#, #"{"a":1,"b":0,"a":2}"#, #"{"a":{"x":1,"x":[1,2]},"a":null}"#] {
            let value = try JSONValue(parsing: text)
            #expect(value == value, "\(text)")
            #expect(value.hashValue == value.hashValue)
        }
    }

    @Test func repeatedKeysCompareTheirValuesInOrder() throws {
        let a = try JSONValue(parsing: #"{"a":1,"b":0,"a":2}"#)
        #expect(a == (try JSONValue(parsing: #"{"b":0,"a":1,"a":2}"#)))
        #expect(a != (try JSONValue(parsing: #"{"b":0,"a":2,"a":1}"#)))
        #expect(a != (try JSONValue(parsing: #"{"a":1,"b":0,"b":2}"#)))
        #expect((try JSONValue(parsing: #"{"a":1,"b":2}"#)) == (try JSONValue(parsing: #"{"b":2,"a":1}"#)))
    }
}
