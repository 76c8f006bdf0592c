import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import VerifyAPI
import VerifySandbox
import VshRuntime
import VshSyntax

// The input is a script, as for FuzzParser; one that parses and checks clean is then run,
// as `vsh run` runs it, by the interpreter on the embedded sandbox (virtual clock: a
// `sleep` costs no time). It goes on past error answers, as the prompt does, to reach
// more statements. Properties: no trap, and no run takes more than -timeout.
/// `VSH_FUZZ_TRACE=1`: print the diagnostics and the failure that ends a run.
private let tracing = getenv("VSH_FUZZ_TRACE") != nil

private let environment = ["PLIVO_AUTH_ID": "MAFUZZ00000000000000", "PLIVO_AUTH_TOKEN": "fuzz-token-0123456789"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(name: "fuzz.vsh", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let (script, parseErrors) = Parser.parse(file)
    let problems = parseErrors + Checker.check(script, predefined: Set(environment.keys))
    guard problems.isEmpty else {
        if tracing { for problem in problems { print(DiagnosticPrinter().render(problem, in: file), terminator: "") } }
        return 0
    }
    // `fault … delay=D` waits D of real time, by design (docs/language.md): no use to a
    // fuzzer, whose time it eats (a run of such inputs sleeps instead of executing).
    // So are loops of many iterations: a `repeat 1000000` is correct and slow.
    func wastesTime(_ statements: [Statement]) -> Bool {
        statements.contains { statement in
            switch statement.command {
            case .fault(_, let parameters): return parameters.contains { $0.name.name == "delay" }
            case .repeat(let count, let body): return (count.literalText.flatMap { Int($0) } ?? 1000) > 100 || wastesTime(body.statements)
            case .poll(let poll, let body): return poll.maxAttempts > 100 || wastesTime(body.statements)
            default: return statement.blocks.contains { wastesTime($0.statements) }
            }
        }
    }
    if wastesTime(script.statements) { return 0 }
    let sandbox = VerifySandbox(configuration: .init(seed: 42, startTime: Timestamp(microsecondsSinceEpoch: 1_764_547_200_000_000)))
    let interpreter = Interpreter(
        transport: SandboxTransport(sandbox: sandbox), options: .init(failOnUnexpectedStatus: false, environment: environment))
    let done = DispatchSemaphore(value: 0)
    Task {
        for (index, statement) in script.statements.enumerated() {
            let next = index + 1 < script.statements.count ? script.statements[index + 1] : nil
            do {
                try await interpreter.execute(statement, next: next)
            } catch let failure as RunFailure {
                // A failed assertion or a refused request ends the run, as it ends `vsh run`;
                // its report must render.
                let report = DiagnosticPrinter().render(failure.diagnostic, in: file)
                if tracing { print(report, terminator: "") }
                _ = interpreter.redact(failure.diagnostic.message)
                break
            } catch {
                break
            }
        }
        done.signal()
    }
    done.wait()
    return 0
}
