import Testing
import VshSyntax

extension Array {
    /// The element at `index`, or nil, so a failing test reports instead of trapping.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

// MARK: Parsing helpers

func source(_ text: String, name: String = "test.vsh") -> SourceFile {
    SourceFile(name: name, text: text)
}

/// Parses text that must have no diagnostics and returns its statements.
func statements(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Statement] {
    let (script, diagnostics) = Parser.parse(source(text))
    #expect(diagnostics.isEmpty, "unexpected diagnostics: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return script.statements
}

/// Parses one line that must parse cleanly and returns its command, ranges erased.
func command(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Command? {
    let parsed = statements(text, sourceLocation: sourceLocation)
    #expect(parsed.count == 1, "expected one statement, got \(parsed.count)", sourceLocation: sourceLocation)
    return parsed.first.map { $0.command.erasingRanges }
}

/// Every token of `text` lexed in one mode, up to and including `.end`.
func tokens(_ text: String, _ mode: Lexer.Mode) -> [Token] {
    var lexer = Lexer(source(text))
    var out: [Token] = []
    while true {
        let token = lexer.next(mode)
        out.append(token)
        if token.kind == .end || out.count > 10_000 { return out }
    }
}

func kinds(_ text: String, _ mode: Lexer.Mode) -> [Token.Kind] { tokens(text, mode).map(\.kind) }

/// A location on the first line, from a 0-based byte offset.
func at(_ offset: Int) -> VshSyntax.SourceLocation {
    VshSyntax.SourceLocation(offset: offset, line: 1, column: offset + 1)
}

/// A range on the first line, from 0-based byte offsets.
func span(_ lower: Int, _ upper: Int) -> SourceRange { at(lower)..<at(upper) }

// MARK: Building expected ASTs (ranges do not matter; see `erasingRanges`)

let noRange: SourceRange = at(0)..<at(0)

func word(_ w: String) -> Argument { Argument(.word(w), range: noRange) }
func string(_ parts: StringPart...) -> Argument { Argument(.string(parts), range: noRange) }
func text(_ t: String) -> StringPart { .text(t) }
func interpolated(_ name: String) -> StringPart { .variable(Identifier(name, range: noRange)) }
func variable(_ name: String) -> Argument { Argument(.variable(name), range: noRange) }
func parameter(_ name: String, _ value: Argument) -> Parameter { Parameter(name: Identifier(name, range: noRange), value: value) }
func identifier(_ name: String) -> Identifier { Identifier(name, range: noRange) }

enum PathStep: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String), index(Int)
    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
    var component: Path.Component {
        switch self {
        case .key(let k): .key(k)
        case .index(let i): .index(i)
        }
    }
}

func path(_ steps: [PathStep]) -> Path { Path(steps.map { Path.Step($0.component, range: noRange) }) }

func expr(_ kind: Expression.Kind) -> Expression { Expression(kind, range: noRange) }
let statusExpr = expr(.status)
func body(_ steps: PathStep...) -> Expression { expr(.body(path(steps))) }
func variableExpr(_ name: String, _ steps: PathStep...) -> Expression { expr(.variable(identifier(name), path(steps))) }
func number(_ n: Double) -> Expression { expr(.literal(.number(n))) }
func stringExpr(_ parts: StringPart...) -> Expression { expr(.string(parts)) }
func compare(_ a: Expression, _ op: ComparisonOperator, _ b: Expression) -> Expression { expr(.comparison(a, op, b)) }
func not(_ e: Expression) -> Expression { expr(.not(e)) }
func isType(_ e: Expression, _ type: ValueType) -> Expression { expr(.isType(e, type, noRange)) }
func matches(_ e: Expression, _ pattern: String) -> Expression { expr(.matches(e, RegexLiteral(pattern: pattern, range: noRange))) }
func exists(_ e: Expression) -> Expression { expr(.exists(e)) }

// MARK: Erasing ranges, so ASTs compare by shape

extension Argument {
    var erasingRanges: Argument {
        switch kind {
        case .string(let parts): Argument(.string(parts.map(\.erasingRanges)), range: noRange)
        default: Argument(kind, range: noRange)
        }
    }
}

extension StringPart {
    var erasingRanges: StringPart {
        switch self {
        case .text: self
        case .variable(let id): .variable(Identifier(id.name, range: noRange))
        }
    }
}

extension Path {
    var erasingRanges: Path { Path(components.map { Path.Step($0.component, range: noRange) }) }
}

extension Expression {
    var erasingRanges: Expression {
        let kind: Kind =
            switch self.kind {
            case .status, .header, .literal: self.kind
            case .body(let p): .body(p.erasingRanges)
            case .variable(let id, let p): .variable(Identifier(id.name, range: noRange), p.erasingRanges)
            case .string(let parts): .string(parts.map(\.erasingRanges))
            case .not(let e): .not(e.erasingRanges)
            case .comparison(let a, let op, let b): .comparison(a.erasingRanges, op, b.erasingRanges)
            case .matches(let e, let r): .matches(e.erasingRanges, RegexLiteral(pattern: r.pattern, range: noRange))
            case .exists(let e): .exists(e.erasingRanges)
            case .isType(let e, let t, _): .isType(e.erasingRanges, t, noRange)
            case .list(let items): .list(items.map(\.erasingRanges))
            }
        return Expression(kind, range: noRange)
    }
}

extension Command {
    var erasingRanges: Command {
        switch self {
        case .auth(let id, let token): .auth(authID: id?.erasingRanges, token: token?.erasingRanges)
        case .sessionCreate(let ps): .sessionCreate(ps.map { Parameter(name: Identifier($0.name.name, range: noRange), value: $0.value.erasingRanges) })
        case .sessionList(let ps): .sessionList(ps.map { Parameter(name: Identifier($0.name.name, range: noRange), value: $0.value.erasingRanges) })
        case .sessionGet(let a): .sessionGet(a?.erasingRanges)
        case .sessionUse(let a): .sessionUse(a.erasingRanges)
        case .validate(let a): .validate(a.erasingRanges)
        case .assert(let e): .assert(e.erasingRanges)
        case .let(let id, let e): .let(Identifier(id.name, range: noRange), e.erasingRanges)
        case .print(let e): .print(e.erasingRanges)
        case .sleep(let d, _): .sleep(d, noRange)
        case .fault(let target, let ps):
            .fault(target: Identifier(target.name, range: noRange), ps.map { Parameter(name: Identifier($0.name.name, range: noRange), value: $0.value.erasingRanges) })
        case .repeat(let count, let body): .repeat(count.erasingRanges, body.erasingRanges)
        case .forEach(let name, let list, let body): .forEach(Identifier(name.name, range: noRange), list.erasingRanges, body.erasingRanges)
        case .poll(let poll, let body):
            .poll(
                Poll(interval: poll.interval, intervalRange: poll.intervalRange.map { _ in noRange }, timeout: poll.timeout, timeoutRange: noRange,
                     condition: poll.condition.erasingRanges), body.erasingRanges)
        case .if(let branches, let otherwise):
            .if(branches.map { Branch(condition: $0.condition.erasingRanges, body: $0.body.erasingRanges, keyword: noRange) }, else: otherwise?.erasingRanges)
        case .include(let include):
            .include(Include(path: include.path, pathRange: noRange, parameters: include.parameters.map {
                Parameter(name: Identifier($0.name.name, range: noRange), value: $0.value.erasingRanges) }, unit: include.unit))
        }
    }
}

extension Block {
    var erasingRanges: Block {
        Block(statements.map { Statement($0.command.erasingRanges, range: noRange) }, open: noRange, close: noRange)
    }
}

extension Script {
    /// The script's shape, every range erased: what the formatter must keep.
    var erasingRanges: Script { Script(statements: statements.map { Statement($0.command.erasingRanges, range: noRange) }) }
}

// MARK: Diagnostics at markers, swift-format style

/// Source text with emoji markers (1️⃣, 2️⃣, …) where diagnostics must start.
struct MarkedSource {
    let text: String
    /// Marker → byte offset in `text`.
    let markers: [String: Int]

    init(_ marked: String) {
        var bytes: [UInt8] = []
        var markers: [String: Int] = [:]
        for character in marked {
            let scalars = character.unicodeScalars
            if scalars.count == 3, scalars.last == "\u{20E3}" {
                markers[String(character)] = bytes.count
            } else {
                bytes += Array(String(character).utf8)
            }
        }
        self.text = String(decoding: bytes, as: UTF8.self)
        self.markers = markers
    }
}

/// What a diagnostic at a marker must say.
struct Expected {
    var marker: String
    var message: String
    var exact: Bool
    var hint: String?

    /// The message must be exactly `message`.
    init(_ marker: String, _ message: String, hint: String? = nil) {
        self.marker = marker
        self.message = message
        self.exact = true
        self.hint = hint
    }

    /// The message must contain `message`.
    init(_ marker: String, containing message: String, hint: String? = nil) {
        self.marker = marker
        self.message = message
        self.exact = false
        self.hint = hint
    }
}

/// Parses (and, with `check`, statically checks) the marked source, then asserts
/// that its diagnostics are exactly the expected ones, each starting at its marker.
/// Returns the parsed script.
@discardableResult
func assertDiagnostics(
    _ marked: String, check: Bool = false, predefined: Set<String> = [], _ expected: [Expected],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Script {
    let markedSource = MarkedSource(marked)
    let file = source(markedSource.text)
    let (script, parseDiagnostics) = Parser.parse(file)
    var diagnostics = parseDiagnostics
    if check { diagnostics += Checker.check(script, predefined: predefined) }
    diagnostics.sort { $0.range.lowerBound < $1.range.lowerBound }
    #expect(
        diagnostics.count == expected.count,
        "expected \(expected.count) diagnostics, got \(diagnostics.count): \(diagnostics.map { "\($0.range.lowerBound): \($0.message)" })",
        sourceLocation: sourceLocation)
    for (diagnostic, want) in zip(diagnostics, expected) {
        guard let offset = markedSource.markers[want.marker] else {
            Issue.record("no marker \(want.marker) in the source", sourceLocation: sourceLocation)
            continue
        }
        let location = file.location(at: offset)
        if want.exact {
            #expect(diagnostic.message == want.message, sourceLocation: sourceLocation)
        } else {
            #expect(diagnostic.message.contains(want.message), "\(diagnostic.message)", sourceLocation: sourceLocation)
        }
        #expect(
            diagnostic.range.lowerBound == location,
            "\(want.marker) `\(diagnostic.message)` starts at \(diagnostic.range.lowerBound) (offset \(diagnostic.range.lowerBound.offset)), the marker is at \(location) (offset \(offset))",
            sourceLocation: sourceLocation)
        #expect(diagnostic.range.lowerBound <= diagnostic.range.upperBound, sourceLocation: sourceLocation)
        if let hint = want.hint {
            #expect(diagnostic.hint?.contains(hint) == true, "hint: \(diagnostic.hint ?? "none")", sourceLocation: sourceLocation)
        }
    }
    return script
}
