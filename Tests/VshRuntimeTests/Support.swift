import HTTPTypes
import Testing
import VerifyAPI
import VshRuntime
import VshSyntax
import VshTestSupport

let account = TestAccount.authID
let token = TestAccount.token
let sessionA = TestAccount.sessionA
let sessionB = TestAccount.sessionB

extension Array {
    /// The element at `index`, or nil, so a failing test reports instead of trapping.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

// MARK: Running scripts

/// Collects what the interpreter reports.
final class EventLog {
    var events: [RunEvent] = []

    var printed: [String] {
        events.compactMap { if case .printed(let text, _) = $0 { text } else { nil } }
    }

    var exchanges: [(request: APIRequest, response: APIResponse)] {
        events.compactMap { if case .exchange(let request, let response, _, _) = $0 { (request, response) } else { nil } }
    }

    var passedAssertions: Int {
        events.filter { if case .assertionPassed = $0 { true } else { false } }.count
    }

    var sessionChanges: [String?] {
        events.compactMap { if case .sessionChanged(let s) = $0 { .some(s) } else { nil } }
    }
}

struct Outcome {
    var failure: RunFailure?
    var log: EventLog
    var interpreter: Interpreter
    var file: SourceFile

    var printed: [String] { log.printed }
    /// The source text the failure points at.
    var failureText: String? { failure.map { file.text(in: $0.diagnostic.range) } }
}

/// Parses a script that must be free of syntax errors and runs it.
func run(
    _ text: String, on transport: ScriptedTransport, options: Interpreter.Options = .init(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> Outcome {
    let file = SourceFile(name: "test.vsh", text: text)
    let (script, diagnostics) = Parser.parse(file)
    #expect(diagnostics.isEmpty, "syntax errors: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    let log = EventLog()
    let interpreter = Interpreter(transport: transport, options: options) { log.events.append($0) }
    do {
        try await interpreter.run(script)
        return Outcome(failure: nil, log: log, interpreter: interpreter, file: file)
    } catch {
        return Outcome(failure: error, log: log, interpreter: interpreter, file: file)
    }
}

/// The `Authorization` value for `id:secret`.
func basic(_ id: String, _ secret: String) -> String {
    "Basic " + Base64.encode(Array("\(id):\(secret)".utf8))
}
