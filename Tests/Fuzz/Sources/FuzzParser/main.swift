import FuzzSupport
import VshSyntax

// The input is a script, whole: parsed, checked and its diagnostics rendered, as
// `vsh check` does (VshRunner's ScriptRunner.check), then checked again statement by
// statement, as the prompt does. Properties: no trap, every diagnostic and statement
// range lies inside the file and is ordered, rendering never fails.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(name: "fuzz.vsh", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let (script, parseErrors) = Parser.parse(file)
    let problems = (parseErrors + Checker.check(script, predefined: ["PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "phone"]))
        .sorted { $0.range.lowerBound < $1.range.lowerBound }
    let printer = DiagnosticPrinter()
    for problem in problems {
        check(problem.range, in: file, "diagnostic \"\(problem.message)\"")
        _ = printer.render(problem, in: file)
    }
    for statement in script.statements { check(statement.range, in: file, "statement") }

    // The prompt's way: one checker, fed a statement at a time.
    var checker = Checker(predefined: ["PLIVO_AUTH_ID"])
    for statement in script.statements {
        for problem in checker.check(statement) {
            check(problem.range, in: file, "diagnostic \"\(problem.message)\"")
            _ = printer.render(problem, in: file)
        }
    }
    return 0
}

private func check(_ range: SourceRange, in file: SourceFile, _ what: String) {
    for bound in [range.lowerBound, range.upperBound] {
        fuzzCheck(bound.offset >= 0 && bound.offset <= file.bytes.count, "\(what): offset \(bound.offset) outside 0...\(file.bytes.count)")
        fuzzCheck(bound.line >= 1 && bound.line <= file.lineStarts.count, "\(what): line \(bound.line) outside 1...\(file.lineStarts.count)")
        fuzzCheck(bound.column >= 1, "\(what): column \(bound.column)")
    }
}
