import Testing
import VerifyAPI
import VerifySandbox

/// The codes the sandbox sends: their length, and the promise that `000000` is always wrong.
@Suite struct CodeGenerationTests {
    /// With 4-digit codes, 30 000 sessions would draw `0000` about three times if zeros were allowed.
    @Test func codesAreNeverAllZeros() {
        let sandbox = makeSandbox(seed: 7)
        for _ in 0..<30_000 {
            let response = sandbox.handle(createRequest(body: .object(["recipient": .string(freshRecipient()), "code_length": 4])))
            #expect(response.status == 202)
        }
        let codes = sandbox.outbox().map(\.code)
        #expect(codes.count == 30_000)
        #expect(!codes.contains("0000"))
        #expect(codes.allSatisfy { $0.count == 4 && $0.allSatisfy(\.isNumber) })
    }

    @Test func allZerosIsAlwaysAWrongCode() {
        let sandbox = makeSandbox(seed: 11)
        let created = sandbox.handle(createRequest(["recipient": "+14155550100"]))
        let uuid = created.json?["session_uuid"]?.stringValue ?? ""
        let refused = sandbox.handle(validateRequest(uuid, ["otp": "000000"]))
        expectError(refused, 400, "incorrect otp")
    }
}
