import Foundation
import Testing

/// Scripts that fail, and what the user sees: SPEC section 2's exit codes and diagnostics.
@Suite struct FailureTests {
    @Test func failedAssertionExitsFourWithExpectedAndActual() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("fail.vsh", """
            session create recipient=+14155550100
            assert status == 202
            session get
            assert body.status == "verified"
            print "not reached"
            """)
        let outcome = try VshProcess.run(["run", "fail.vsh"], in: dir)
        #expect(outcome.status == 4)
        #expect(outcome.stderr.contains("fail.vsh:4:8: error: assertion failed"))
        #expect(outcome.stderr.contains(" 4 | assert body.status == \"verified\"\n   |        ^^^^^^^^^^^^^^^^^^^^^^^^^\n"))
        #expect(outcome.stderr.contains("expected: \"verified\""))
        #expect(outcome.stderr.contains("  actual: \"in-progress\""))
        #expect(!outcome.stdout.contains("not reached"), "the script stops at the first failed assertion")
        #expect(outcome.stdout.contains("✗ fail.vsh (line 4: assertion failed)"))
        #expect(outcome.stdout.contains("0 passed, 1 failed"))
    }

    @Test func unexpectedErrorAnswerExitsThree() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("refused.vsh", """
            session create recipient=+14155550100
            validate 000000
            print "not reached"
            """)
        let outcome = try VshProcess.run(["run", "refused.vsh"], in: dir)
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("refused.vsh:2:1: error: POST /v1/Account/MASANDBOX00000000000/Verify/Session/"))
        #expect(outcome.stderr.contains("answered 400 Bad Request: incorrect otp"))
        #expect(outcome.stderr.contains("hint: to expect this answer, follow the request with `assert status == 400`"))
        #expect(!outcome.stdout.contains("not reached"))
    }

    @Test func expectedErrorAnswerPasses() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("expected.vsh", """
            session create recipient=+14155550100
            validate 000000
            assert status == 400
            """)
        let outcome = try VshProcess.run(["run", "expected.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
    }

    @Test func syntaxErrorsExitTwoAndAreAllReported() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("broken.vsh", """
            sesion create recipient=+14155550100
            session create recipient=+14155550100
            assert status = 202
            validate $nope
            """)
        for command in ["run", "check"] {
            let outcome = try VshProcess.run([command, "broken.vsh"], in: dir)
            #expect(outcome.status == 2, "\(command)")
            #expect(outcome.stderr.contains("broken.vsh:1:1: error: unknown command `sesion`"))
            #expect(outcome.stderr.contains("hint: did you mean `session`?"))
            #expect(outcome.stderr.contains("broken.vsh:3:15: error: `=` assigns; to compare, use `==`"))
            #expect(outcome.stderr.contains("broken.vsh:4:10: error: undefined variable `$nope`"))
        }
    }

    @Test func nothingIsSentWhenAScriptHasAnError() throws {
        // The error is on the last line; the create on line 1 must not run (it would cost money on live).
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("late.vsh", """
            session create recipient=+14155550100
            print "sent"
            asert status == 202
            """)
        let outcome = try VshProcess.run(["run", "late.vsh"], in: dir)
        #expect(outcome.status == 2)
        #expect(!outcome.stdout.contains("sent"))
    }

    @Test func highestExitCodeWinsAcrossFiles() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("a-pass.vsh", "session create recipient=+14155550100\nassert status == 202\n")
        try dir.write("b-assert.vsh", "session create recipient=+14155550100\nassert status == 200\n")
        try dir.write("c-runtime.vsh", "session create recipient=+14155550100\nvalidate 000000\n")
        let outcome = try VshProcess.run(["run", "a-pass.vsh", "b-assert.vsh", "c-runtime.vsh"], in: dir)
        #expect(outcome.status == 4)
        #expect(outcome.stdout.contains("1 passed, 2 failed"))
        let syntax = try VshProcess.run(["run", "a-pass.vsh", "c-runtime.vsh"], in: dir)
        #expect(syntax.status == 3)
    }

    @Test func missingFileIsAUsageError() throws {
        let outcome = try VshProcess.run(["run", "no/such/file.vsh"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("no such file or directory: no/such/file.vsh"))
    }

    @Test func unknownFlagIsAUsageError() throws {
        let outcome = try VshProcess.run(["run", "--frobnicate", "examples"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("--frobnicate"))
    }

    @Test func malformedVarIsMalformedInput() throws {
        let outcome = try VshProcess.run(["run", "--var", "novalue", "examples/01-quickstart.vsh"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--var expects NAME=VALUE"))
    }

    @Test func varsReachTheScript() throws {
        let dir = try VshProcess.temporaryDirectory()
        try dir.write("vars.vsh", "session create recipient=$phone brand_name=\"$brand Inc\"\nassert status == 202\nprint \"sent to $phone for $brand\"\n")
        let outcome = try VshProcess.run(["run", "--var", "phone=+14155550100", "--var", "brand=Acme", "vars.vsh"], in: dir)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("sent to +14155550100 for Acme"))
    }

    @Test func noCurrentSessionIsARuntimeFailure() throws {
        let outcome = try VshProcess.run([], stdin: Data("validate 123456\n".utf8))
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("<stdin>:1:1: error: there is no current session"))
    }
}
