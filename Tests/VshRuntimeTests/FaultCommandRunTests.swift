import Testing
import VshTestSupport
import VerifyAPI
import VerifySandbox
import VshRuntime
import VshSyntax

/// A script arms a fault on the embedded sandbox and sees its client side.
@Suite struct FaultCommandRunTests {
    private func run(_ text: String, sandbox: VerifySandbox = VerifySandbox()) async -> RunFailure? {
        let (script, diagnostics) = Parser.parse(SourceFile(name: "faults.vsh", text: text))
        #expect(diagnostics.isEmpty, "syntax errors: \(diagnostics.map(\.message))")
        do {
            try await Interpreter(transport: SandboxTransport(sandbox: sandbox)).run(script)
            return nil
        } catch {
            return error
        }
    }

    @Test func aScriptRehearsesA503AndARetry() async {
        let failure = await run(
            """
            fault create status=503 times=2
            session create recipient=+14155550100
            assert status == 503
            assert body.error == "service unavailable"
            assert header "X-Vsh-Fault" == "f1"
            session create recipient=+14155550100
            assert status == 503
            session create recipient=+14155550100
            assert status == 202
            validate $otp
            assert status == 200
            """)
        #expect(failure == nil, "\(failure.map { "\($0)" } ?? "")")
    }

    @Test func aDroppedConnectionIsARuntimeFailureAtItsLine() async {
        let failure = await run(
            """
            fault validate drop
            session create recipient=+14155550100
            validate $otp
            """)
        #expect(failure?.diagnostic.message == "the sandbox closed the connection without an answer (armed fault f1)")
        #expect(failure?.diagnostic.range.lowerBound.line == 3)
    }

    @Test func faultClearDisarms() async {
        let failure = await run(
            """
            fault any status=500 times=10
            fault clear
            session create recipient=+14155550100
            assert status == 202
            """)
        #expect(failure == nil, "\(failure.map { "\($0)" } ?? "")")
    }

    @Test func theFaultIsTheScriptsAccounts() async {
        let sandbox = VerifySandbox()
        let failure = await run(
            """
            auth MA2025RK4E639VJFZAGV
            fault create status=500
            """, sandbox: sandbox)
        #expect(failure == nil)
        let listed = sandbox.handle(APIRequest(method: .get, path: "/__sandbox/faults")).json?["faults"]?[0]?["auth_id"]
        #expect(listed == "MA2025RK4E639VJFZAGV")
    }
}
