import HTTPTypes
import Testing
import VshTestSupport
import VerifyAPI
import VshRuntime
import VshSyntax

/// The answer every predicate below is judged against.
let answer: JSONValue = .object([
    "api_id": "3335cb16-d297-4e00-a5e7-66a2b4d0e1d0",
    "session_uuid": .string(sessionA),
    "status": "verified",
    "count": 3,
    "ratio": 1.5,
    "created_at": "2024-01-01T01:00:00.000000Z",
    // 00:00Z: an hour before `created_at`, though it sorts after it as text.
    "updated_at": "2024-01-01T05:30:00.00000+05:30",
    "destination_network": nil,
    "flags": [1, "two", .object(["a": 1, "b": 2])],
    "charges": .object(["total_charge": "0.0050", "validation_charge": "0.0000"]),
    "verified": true,
    "code": "012345",
])

func judge(_ expression: String, answer: JSONValue = answer) async -> Outcome {
    let transport = ScriptedTransport(answers: [ok(answer)])
    return await run("session get \(sessionA)\nassert \(expression)", on: transport)
}

@Suite struct PredicateTests {
    @Test(arguments: [
        // numbers
        ("status == 200", true), ("status != 200", false), ("status < 300", true), ("status <= 200", true), ("status > 200", false),
        ("status >= 201", false), ("body.count == 3", true), ("body.count == 3.0", true), ("1 == 1.0", true), ("body.count != 3", false),
        ("body.ratio < 2", true), ("body.ratio > -1.5", true), ("body.count >= 3", true), ("body.count <= 2", false),
        // strings
        (#"body.status == "verified""#, true), (#"body.status != "expired""#, true), (#"body.status > "in-progress""#, true),
        (#"body.status < "in-progress""#, false), (#""abc" <= "abd""#, true), (#""b" >= "abc""#, true), (#"body.code == "012345""#, true),
        // timestamps compare as instants
        ("body.updated_at < body.created_at", true), ("body.created_at > body.updated_at", true), ("body.created_at < body.updated_at", false),
        (#"body.created_at <= "2024-01-01T01:00:00Z""#, true), (#"body.created_at >= "2024-01-01 02:00""#, false),
        (#""2024-01-01T00:00:00Z" >= body.updated_at"#, true), (#""2024-01-01T00:00:00Z" <= body.updated_at"#, true),
        (#"body.updated_at == "2024-01-01T00:00:00Z""#, false),  // `==` compares the JSON values
        // mismatched types
        (#"body.count == "3""#, false), (#""200" != 200"#, true), ("body.status < 5", false), ("body.flags > 1", false), ("body.verified == 1", false),
        // null and missing
        ("body.destination_network == null", true), ("body.missing == null", false), ("body.missing != null", true), ("body.missing != 1", true),
        ("body.missing == body.other", false), ("body.missing < 1", false),
        // contains
        (#"body.status contains "rifi""#, true), (#"body.status contains "x""#, false), ("body.flags contains 1", true),
        (#"body.flags contains "two""#, true), ("body.flags contains 2", false), ("body.flags contains body.flags[2]", true),
        (#"body.charges contains "total_charge""#, true), (#"body.charges contains "0.0050""#, false), ("body.count contains 3", false),
        ("body.status contains 1", false),
        // matches
        ("body.status matches /^ver/", true), ("body.status matches /^VER/", false), ("body.count matches /^3$/", true),
        (#"body.ratio matches /^1\.5$/"#, true), ("body.verified matches /^true$/", true), ("body.flags matches /1/", false),
        ("body.missing matches /.*/", false), ("body.session_uuid matches /^[0-9a-f-]{36}$/", true), ("body.destination_network matches /null/", false),
        ("body.status matches /rifi/", true),
        // exists
        ("body.destination_network exists", true), ("body.missing exists", false), ("body.flags[2].a exists", true), ("body.flags[3] exists", false),
        ("body.status.x exists", false), ("body exists", true), ("body.flags[0] exists", true), ("body.charges[0] exists", false),
        // is
        ("body.session_uuid is uuid", true), ("body.status is uuid", false), ("body.status is string", true), ("body.count is string", false),
        ("body.count is number", true), ("body.created_at is date", true), ("body.updated_at is date", true), ("body.status is date", false),
        ("body.verified is boolean", true), ("body.destination_network is null", true), ("body.missing is null", false), ("body.flags is array", true),
        ("body.charges is object", true), ("body.charges is array", false), ("body.session_uuid is not uuid", false), ("body.status is not uuid", true),
        ("body.missing is not string", true), ("status is number", true), (#"header "Content-Type" is string"#, true),
        // not
        (#"not body.status == "expired""#, true), (#"not body.status == "verified""#, false), (#"body.status not contains "x""#, true),
        ("body.flags not contains 1", false), ("body.missing not exists", true), ("body.status not matches /^x/", true), ("not not status == 200", true),
        // headers
        (#"header "content-type" == "application/json""#, true), (#"header "Content-Type" contains "json""#, true), (#"header "X-Nope" exists"#, false),
        // bare values hold when they are `true`
        ("body.verified", true), ("body.status", false), ("true", true), ("false", false), ("(status == 200)", true), ("body.missing", false),
    ])
    func predicate(_ expression: String, _ holds: Bool) async {
        let outcome = await judge(expression)
        if holds {
            #expect(outcome.failure == nil, "\(outcome.failure?.diagnostic.details ?? [])")
            #expect(outcome.log.passedAssertions == 1)
        } else {
            #expect(outcome.failure?.kind == .assertion)
            #expect(outcome.log.passedAssertions == 0)
        }
    }

    @Test func objectsAreEqualRegardlessOfKeyOrder() async {
        let first = ok(.object(["charges": .object(["a": 1, "b": ["x", "y"]])]))
        let reordered = ok(.object(["charges": .object(["b": ["x", "y"], "a": 1.0])]))
        let different = ok(.object(["charges": .object(["b": ["y", "x"], "a": 1])]))
        let transport = ScriptedTransport(answers: [first, reordered, different])
        let outcome = await run(
            """
            session get \(sessionA)
            let first = body.charges
            session get \(sessionA)
            assert body.charges == $first
            session get \(sessionA)
            assert body.charges != $first
            """, on: transport)
        #expect(outcome.failure == nil)
        #expect(outcome.log.passedAssertions == 2)
    }
}

@Suite struct AssertionReportTests {
    func report(_ expression: String, answer: JSONValue = answer) async throws -> (details: [String], text: String?) {
        let outcome = await judge(expression, answer: answer)
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .assertion)
        #expect(failure.status == .assertionFailed)
        #expect(failure.diagnostic.message == "assertion failed")
        return (failure.diagnostic.details, outcome.failureText)
    }

    @Test func equality() async throws {
        let (details, text) = try await report(#"body.status == "expired""#)
        #expect(details == [#"expected: "expired""#, #"  actual: "verified""#])
        #expect(text == #"body.status == "expired""#)
    }

    @Test func ordering() async throws {
        #expect(try await report("body.count > 5").details == ["expected: > 5", "  actual: 3"])
        #expect(try await report("status != 200").details == ["expected: != 200", "  actual: 200"])
        #expect(try await report("body.ratio <= 1").details == ["expected: <= 1", "  actual: 1.5"])
    }

    @Test func mismatchedTypesSayWhy() async throws {
        #expect(try await report("body.status < 5").details == ["expected: < 5", #"  actual: "verified" (cannot order a string against a number)"#])
        #expect(try await report("body.flags >= 1").details == ["expected: >= 1", #"  actual: [1,"two",{"a":1,"b":2}] (cannot order an array against a number)"#])
        #expect(try await report("body.count contains 3").details == ["expected: contains 3", "  actual: 3 (a number cannot contain a number)"])
        #expect(try await report("body.charges contains 1").details.last == #"  actual: {"total_charge":"0.0050","validation_charge":"0.0000"} (an object cannot contain a number)"#)
    }

    @Test func aMissingPathShowsTheKeysThatAreThere() async throws {
        let (details, text) = try await report("body.sesion_uuid is uuid")
        #expect(
            details == [
                "expected: a uuid",
                "  actual: nothing: `body.sesion_uuid` does not exist; there: api_id, session_uuid, status, count, ratio, created_at, updated_at, destination_network, flags, charges, verified, code",
            ])
        #expect(text == "body.sesion_uuid is uuid")
        #expect(try await report("body.charges.total is string").details.last == "  actual: nothing: `body.charges.total` does not exist; there: total_charge, validation_charge")
        #expect(try await report("body.flags[5] exists").details == ["expected: to exist", "  actual: nothing: `body.flags[5]` does not exist; there: an array of 3"])
        #expect(try await report("body.status.x exists").details == ["expected: to exist", "  actual: nothing: `body.status.x` does not exist"])
    }

    @Test func aMissingRightHandSide() async throws {
        #expect(try await report("body.count == body.nope").details == ["expected: nothing (`body.nope` does not exist)", "  actual: 3"])
    }

    @Test func typesAndNegations() async throws {
        #expect(try await report("body.flags is object").details == ["expected: an object", #"  actual: [1,"two",{"a":1,"b":2}]"#])
        #expect(try await report("body.status is null").details == ["expected: null", #"  actual: "verified""#])
        #expect(try await report("body.session_uuid is not uuid").details == ["expected: not a uuid", "  actual: \"\(sessionA)\""])
        #expect(try await report("not status == 200").details == ["expected: not 200", "  actual: 200"])
        #expect(try await report("body.status matches /^x/").details == ["expected: matches /^x/", #"  actual: "verified""#])
        #expect(try await report("body.verified == false").details == ["expected: false", "  actual: true"])
        #expect(try await report("body.status").details == ["expected: true", #"  actual: "verified""#])
    }

    @Test func longValuesAreCut() async throws {
        let long = String(repeating: "x", count: 500)
        let details = try await report(#"body.long == "short""#, answer: .object(["long": .string(long)])).details
        #expect(details.last == "  actual: \"" + String(repeating: "x", count: 199) + "… (502 characters)")
    }

    @Test func anAssertionThatHoldsIsReported() async {
        let outcome = await judge("status == 200")
        #expect(outcome.failure == nil)
        #expect(outcome.log.passedAssertions == 1)
    }
}
