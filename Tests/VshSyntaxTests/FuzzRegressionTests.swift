import Foundation
import Testing
import VshTestSupport
import VshSyntax

/// Every input FuzzParser found (Tests/Fuzz/regressions/FuzzParser) keeps the fuzz
/// target's property in the ordinary test run: every diagnostic's and statement's range
/// lies inside the file, whole and statement by statement, and renders.
@Suite struct FuzzParserRegressionTests {
    static var inputs: [String] { FuzzRegressions.inputs("FuzzParser") }

    @Test func thereAreInputs() {
        #expect(!Self.inputs.isEmpty)
    }

    @Test(arguments: FuzzParserRegressionTests.inputs)
    func everyRangeIsInsideTheFile(name: String) throws {
        let file = SourceFile(name: name, bytes: try FuzzRegressions.bytes("FuzzParser", name))
        let (script, parseErrors) = Parser.parse(file)
        var checker = Checker(predefined: ["PLIVO_AUTH_ID"])
        let problems = parseErrors + Checker.check(script) + script.statements.flatMap { checker.check($0) }
        let ranges = problems.map(\.range) + script.statements.map(\.range)
        for range in ranges {
            for bound in [range.lowerBound, range.upperBound] {
                #expect((0...file.bytes.count).contains(bound.offset), "offset \(bound.offset) outside 0...\(file.bytes.count)")
                #expect((1...file.lineStarts.count).contains(bound.line))
            }
        }
        for problem in problems { #expect(!DiagnosticPrinter().render(problem, in: file).isEmpty) }
    }
}
