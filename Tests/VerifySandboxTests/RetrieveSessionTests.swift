import Testing
import VerifyAPI
import VerifySandbox

@Suite("GET …/Verify/Session/{uuid}/ (retrieve)")
struct RetrieveSessionTests {
    static let fieldOrder = [
        "api_id", "session_uuid", "app_uuid", "alias", "recipient", "channel", "status", "count", "requestor_ip",
        "destination_country_iso2", "destination_network", "locale", "attempt_details", "charges", "created_at",
        "updated_at",
    ]

    @Test func hasTheWireShapeInOrder() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550100"])
        let response = sandbox.retrieve(uuid)
        #expect(response.status == 200)
        let json = response.json
        #expect(keys(json) == Self.fieldOrder)
        #expect(UUIDText.isUUID(json?["api_id"]?.stringValue ?? ""))
        #expect(json?["session_uuid"]?.stringValue == uuid)
        #expect(UUIDText.isUUID(json?["app_uuid"]?.stringValue ?? ""))
        #expect(json?["alias"] == "default_verify_app")
        #expect(json?["recipient"] == "14155550100")
        #expect(json?["channel"] == "sms")
        #expect(json?["status"] == "in-progress")
        #expect(json?["count"] == 1)
        #expect(json?["requestor_ip"] == "127.0.0.1")
        #expect(json?["destination_country_iso2"] == "US")
        #expect(json?["destination_network"] == .null)
        #expect(json?["locale"] == "en")
        #expect(json?["created_at"] == "2025-01-15T10:00:00.000000Z")
        #expect(json?["updated_at"] == "2025-01-15T10:00:00.000000Z")

        let attempt = json?["attempt_details"]?[0]
        #expect(json?["attempt_details"]?.arrayValue?.count == 1)
        #expect(keys(attempt) == ["channel", "attempt_uuid", "status", "time"])
        #expect(attempt?["channel"] == "sms")
        #expect(attempt?["status"] == "delivered")
        #expect(attempt?["time"] == "2025-01-15T10:00:00.000000Z")
        let attemptUUID = attempt?["attempt_uuid"]?.stringValue ?? ""
        #expect(UUIDText.isUUID(attemptUUID) && attemptUUID != uuid)

        let charges = json?["charges"]
        #expect(keys(charges) == ["total_charge", "validation_charge", "attempt_charges"])
        #expect(charges?["total_charge"] == "0.0050")
        #expect(charges?["validation_charge"] == "0.0000")
        #expect(keys(charges?["attempt_charges"]?[0]) == ["attempt_uuid", "channel", "charge"])
        #expect(charges?["attempt_charges"]?[0]?["attempt_uuid"]?.stringValue == attemptUUID)
        #expect(charges?["attempt_charges"]?[0]?["channel"] == "sms")
        #expect(charges?["attempt_charges"]?[0]?["charge"] == "0.00500")
    }

    @Test func voiceCostsMore() {
        let sandbox = makeSandbox()
        let json = sandbox.retrieve(sandbox.createSession(["recipient": "+14155550100", "channel": "voice"])).json
        #expect(json?["charges"]?["total_charge"] == "0.0060")
        #expect(json?["charges"]?["attempt_charges"]?[0]?["charge"] == "0.00600")
        #expect(json?["attempt_details"]?[0]?["channel"] == "voice")
    }

    @Test(arguments: [
        ("+14155550100", "US"), ("+447700900123", "GB"), ("+919876543210", "IN"), ("+61412345678", "AU"),
        ("+4915123456789", "DE"), ("+33612345678", "FR"), ("+34612345678", "ES"), ("+5511912345678", "BR"),
        ("+819012345678", "JP"), ("+6581234567", "SG"), ("+27821234567", ""), ("+8613812345678", ""),
    ])
    func destinationCountryComesFromTheCallingCode(recipient: String, iso2: String) {
        let sandbox = makeSandbox()
        let json = sandbox.retrieve(sandbox.createSession(["recipient": .string(recipient)])).json
        #expect(json?["destination_country_iso2"]?.stringValue == iso2)
    }

    @Test func requestorIPIsTheClientAddress() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(clientAddress: "203.0.113.7")
        #expect(sandbox.retrieve(uuid).json?["requestor_ip"] == "203.0.113.7")
    }

    @Test func defaultAppIsStableAndAGivenAppHasNoAlias() {
        let sandbox = makeSandbox()
        let first = sandbox.retrieve(sandbox.createSession()).json
        let second = sandbox.retrieve(sandbox.createSession()).json
        #expect(first?["app_uuid"] == second?["app_uuid"])
        let app = "d5a6f7b0-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
        let own = sandbox.retrieve(sandbox.createSession(["recipient": "+14155550100", "app_uuid": .string(app)])).json
        #expect(own?["app_uuid"]?.stringValue == app)
        #expect(own?["alias"] == "")
        let named = sandbox.retrieve(
            sandbox.createSession(["recipient": "+14155550100", "app_uuid": first?["app_uuid"] ?? .null])
        ).json
        #expect(named?["alias"] == "default_verify_app")
    }

    @Test func uuidInThePathIsCaseInsensitive() {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession()
        #expect(sandbox.retrieve(uuid.uppercased()).json?["session_uuid"]?.stringValue == uuid)
    }

    @Test func unknownSessionIsNotFound() {
        let sandbox = makeSandbox()
        expectError(sandbox.retrieve("8e712097-8090-4644-81e7-8f4265d8354e"), 404, "session not found")
        expectError(sandbox.retrieve("not-a-uuid"), 404, "session not found")
    }

    @Test func sessionsAreScopedToTheirAccount() {
        let sandbox = makeSandbox()
        let mine = sandbox.createSession(account: account)
        let theirs = sandbox.createSession(account: otherAccount)
        #expect(sandbox.retrieve(mine, account: account).status == 200)
        expectError(sandbox.retrieve(theirs, account: account), 404, "session not found")
        expectError(sandbox.validate(theirs, .string(sandbox.code(theirs)), account: account), 404, "session not found")
        #expect(sandbox.retrieve(theirs, account: otherAccount).json?["status"] == "in-progress")
        #expect(sandbox.validate(theirs, .string(sandbox.code(theirs)), account: otherAccount).status == 200)
    }
}
