import Testing
import VerifyAPI
import VerifySandbox

/// The test recipients `+1 NXX 555 0190…0195` end their attempts a set way, and every
/// view of the session (attempt_details, count, charges, the outbox) agrees.
@Suite struct DeliveryOutcomeTests {
    func attempt(_ sandbox: VerifySandbox, _ uuid: String) -> JSONValue? {
        sandbox.retrieve(uuid).json?["attempt_details"]?[0]
    }

    @Test(arguments: [
        ("+14155550190", "sms", "undelivered"), ("+12125550191", "sms", "failed"), ("+14155550193", "sms", "undelivered"),
        ("+14155550194", "sms", "failed"), ("+14155550190", "voice", "failed"), ("+14155550193", "voice", "no-answer"),
        ("+14155550194", "voice", "failed"), ("+14155550100", "voice", "completed"), ("+14155550199", "sms", "delivered"),
    ])
    func aTestRecipientEndsItsWay(recipient: String, channel: String, status: String) throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": .string(recipient), "channel": .string(channel)])
        #expect(attempt(sandbox, uuid)?["status"]?.stringValue == status)
        let arrived = status == "delivered" || status == "completed"
        #expect(sandbox.outbox(sessionUUID: uuid).count == (arrived ? 1 : 0), "only what arrived is in the outbox")
        #expect(sandbox.retrieve(uuid).json?["status"] == "in-progress", "the session waits for a resend or its expiry")
    }

    @Test func aLateDeliveryArrivesWhenTheClockGetsThere() throws {
        let sandbox = makeSandbox()
        let uuid = sandbox.createSession(["recipient": "+14155550192"])
        #expect(attempt(sandbox, uuid)?["status"] == "sent")
        #expect(sandbox.outbox(sessionUUID: uuid).isEmpty)
        try sandbox.advanceClock(by: .seconds(119))
        #expect(sandbox.outbox(sessionUUID: uuid).isEmpty)
        try sandbox.advanceClock(by: .seconds(1))
        #expect(attempt(sandbox, uuid)?["status"] == "delivered")
        let message = try #require(sandbox.outbox(sessionUUID: uuid).first)
        #expect(message.sentAt == start)
        #expect(message.deliveredAt == start.advanced(by: .seconds(120)))
    }

    @Test func fraudChecksBlockUnlessDisabled() throws {
        let sandbox = makeSandbox()
        let blocked = sandbox.createSession(["recipient": "+14155550194"])
        #expect(sandbox.retrieve(blocked).json?["charges"]?["total_charge"] == "0.0000", "a blocked attempt costs nothing")
        let allowed = sandbox.createSession(["recipient": "+14155550194", "fraud_check": "disabled", "app_uuid": "3f0ac4f8-12f6-4a5a-9c38-6f1c3e2a7b10"])
        #expect(attempt(sandbox, allowed)?["status"] == "delivered")
    }

    @Test func anInvalidNumberIsRefusedAtCreate() throws {
        let sandbox = makeSandbox()
        expectError(sandbox.handle(createRequest(["recipient": "+14155550195"])), 400, "invalid destination number")
        #expect(sandbox.listedUUIDs().isEmpty)
    }

    @Test func onlyNorthAmericanNumbersAreTestNumbers() {
        #expect(DeliveryOutcome.forRecipient("14155550190") == .undelivered)
        #expect(DeliveryOutcome.forRecipient("4415555550190") == nil)
        #expect(DeliveryOutcome.forRecipient("14155550100") == nil)
        #expect(DeliveryOutcome.forRecipient("14155550196") == nil)
    }

    @Test func theMessageReadsAsThePhoneShowsIt() throws {
        let sandbox = makeSandbox(fixedCode: "482913")
        let plain = sandbox.createSession(["recipient": "+14155550100"])
        #expect(sandbox.outbox(sessionUUID: plain).first?.text == "Your verification code is 482913.")
        let branded = sandbox.createSession(["recipient": "+14155550101", "brand_name": "Acme", "app_hash": "FA9qCX9VSu1"])
        #expect(sandbox.outbox(sessionUUID: branded).first?.text == "Your Acme verification code is 482913.\nFA9qCX9VSu1")
        let voice = sandbox.createSession(["recipient": "+14155550102", "channel": "voice", "brand_name": "Acme"])
        #expect(sandbox.outbox(sessionUUID: voice).first?.text == "Your Acme verification code is 4, 8, 2, 9, 1, 3.")
    }
}
