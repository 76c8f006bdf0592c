// Parser throughput, in-process: reads a script once, then times `Parser.parse`
// (lexing and parsing, diagnostics included) and `Checker.check` over it,
// several times, and prints the median as lines per second.
//
// Usage: parser-benchmark FILE [RUNS]   (run by scripts/bench; build with -c release)
import VshSyntax

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2, let handle = fopen(arguments[1], "rb") else {
    print("usage: parser-benchmark FILE [RUNS]")
    exit(1)
}
var bytes: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 1 << 16)
while true {
    let count = fread(&chunk, 1, chunk.count, handle)
    if count <= 0 { break }
    bytes += chunk[0..<count]
}
fclose(handle)
let runs = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 7) : 7

let file = SourceFile(name: arguments[1], bytes: bytes)
let lines = file.lineStarts.count - (bytes.last == UInt8(ascii: "\n") ? 1 : 0)
let clock = ContinuousClock()
var parseTimes: [Duration] = []
var checkTimes: [Duration] = []
var statements = 0
var problems = 0
for _ in 0..<runs {
    let start = clock.now
    let (script, diagnostics) = Parser.parse(file)
    let parsed = clock.now
    let findings = Checker.check(script)
    checkTimes.append(clock.now - parsed)
    parseTimes.append(parsed - start)
    statements = script.statements.count
    problems = diagnostics.count + findings.count
}

func median(_ values: [Duration]) -> Double {
    let sorted = values.sorted()
    let (seconds, attoseconds) = sorted[sorted.count / 2].components
    return Double(seconds) + Double(attoseconds) / 1e18
}

let parse = median(parseTimes)
let check = median(checkTimes)
// One line of JSON for scripts/bench.
print(
    "{\"lines\": \(lines), \"statements\": \(statements), \"problems\": \(problems), \"runs\": \(runs), "
        + "\"parse_seconds\": \(parse), \"check_seconds\": \(check), "
        + "\"parse_lines_per_second\": \(Double(lines) / parse), \"parse_and_check_lines_per_second\": \(Double(lines) / (parse + check))}")
