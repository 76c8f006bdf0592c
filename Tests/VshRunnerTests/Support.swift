import Foundation
import VerifyAPI
import VerifySandbox
import VshRunner
import VshSyntax
import VshSystem
import VshTestSupport

/// A runner over an in-memory console, each file on a fresh embedded sandbox (code 123456).
func makeRunner(
    _ configure: (inout RunConfiguration) -> Void = { _ in },
    transport: @escaping @Sendable (ScriptInput) -> any Transport = { _ in
        SandboxTransport(sandbox: VerifySandbox(configuration: .init(authToken: nil, fixedCode: "123456")))
    }
) -> (ScriptRunner, CapturedConsole) {
    let captured = CapturedConsole()
    var configuration = RunConfiguration(makeTransport: { input in transport(input) })
    configure(&configuration)
    return (ScriptRunner(console: captured.console, configuration: configuration), captured)
}

/// Script files in a temporary folder, as `ScriptInput`s in the order given.
func scripts(_ files: KeyValuePairs<String, String>) throws -> (folder: URL, inputs: [ScriptInput]) {
    let folder = try TemporaryFolder.make("runner")
    var inputs: [ScriptInput] = []
    for (name, text) in files {
        let path = try folder.write(name, text)
        inputs.append(ScriptInput(name: name, path: path))
    }
    return (folder, inputs)
}

/// A flow that passes on the embedded sandbox: 2 requests, 3 assertions.
let passingFlow = """
    session create recipient=+14155550100
    assert status == 202
    validate $otp
    assert status == 200
    assert body.message == "session validated successfully."

    """
