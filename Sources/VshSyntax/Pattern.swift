/// A regex of a `matches` predicate, compiled for a linear-time matcher.
///
/// Why vsh has its own regex engine: Swift's `Regex` is a backtracking
/// matcher. A pattern such as `^(\w+\s?)+$` takes exponential time on an
/// ordinary answer that almost matches, it has no step budget, and it does not
/// look at task cancellation, so Ctrl-C at the prompt could not stop it. No
/// well-kept linear-time regex package for Swift is available offline. So a
/// pattern is compiled here, RE2/Thompson style, into a small NFA program, and
/// ``Pattern/matches(_:shouldStop:)`` (PatternMatcher.swift) runs it as a Pike
/// VM over the text's Unicode scalars: time is O(program × text), memory is
/// O(program), whatever the pattern and the text.
///
/// What a linear-time matcher cannot do is refused when the script is parsed,
/// with a ``PatternError`` that points into the pattern: backreferences,
/// lookaround, atomic groups and possessive quantifiers. Counted repetitions
/// are expanded, so they are bounded (``maxRepetition``), and so is the
/// compiled program (``maxInstructions``).
public struct Pattern: Sendable {
    /// The pattern as written (after the lexer's `\/` → `/`).
    public let source: String
    let program: Program

    /// The largest count of a counted repetition `{n}`, `{n,}`, `{n,m}`.
    public static let maxRepetition = 1000
    /// The largest compiled program, in instructions.
    public static let maxInstructions = 10_000
    /// The longest pattern, in UTF-8 bytes.
    public static let maxLength = 10_000
    /// How deeply groups may nest.
    public static let maxNesting = 100

    public init(_ source: String) throws(PatternError) {
        self.source = source
        var parser = PatternParser(source)
        let node = try parser.parse()
        self.program = Compiler.compile(node)
    }

    /// The number of instructions of the compiled program.
    public var instructionCount: Int { program.instructions.count }
}

/// Why a pattern is refused, and where: `range` is in UTF-8 bytes of ``Pattern/source``.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The pattern is not a well-formed regex.
        case syntax
        /// Well-formed, but not something a linear-time matcher can do (or too big).
        case unsupported
    }

    public var kind: Kind
    public var message: String
    public var range: Range<Int>

    public init(_ kind: Kind, _ message: String, at range: Range<Int>) {
        self.kind = kind
        self.message = message
        self.range = range
    }

    public var description: String { "\(message) (at byte \(range.lowerBound) of the pattern)" }
}

// MARK: Syntax tree

/// A set of scalars: ranges and built-in classes, possibly negated, possibly case-insensitive.
struct ScalarSet: Sendable, Equatable {
    enum Builtin: Sendable, Equatable {
        case digit, word, space, newline
    }

    struct Member: Sendable, Equatable {
        var builtin: Builtin
        var negated: Bool
    }

    var ranges: [ClosedRange<UInt32>] = []
    var builtins: [Member] = []
    var negated = false
    var caseInsensitive = false
    /// Membership of the 128 ASCII scalars, precomputed by ``finish()``.
    var asciiLow: UInt64 = 0
    var asciiHigh: UInt64 = 0

    static func builtin(_ builtin: Builtin, negated: Bool = false) -> ScalarSet {
        ScalarSet(builtins: [Member(builtin: builtin, negated: negated)])
    }

    static func dot(matchesNewlines: Bool) -> ScalarSet {
        matchesNewlines ? ScalarSet(negated: true) : ScalarSet(builtins: [Member(builtin: .newline, negated: false)], negated: true)
    }

    mutating func finish() {
        asciiLow = 0
        asciiHigh = 0
        for c in UInt32(0)..<128 where slowContains(c) {
            if c < 64 { asciiLow |= 1 << UInt64(c) } else { asciiHigh |= 1 << UInt64(c - 64) }
        }
    }

    @inline(__always)
    func contains(_ c: UInt32) -> Bool {
        if c < 64 { return asciiLow & (1 << UInt64(c)) != 0 }
        if c < 128 { return asciiHigh & (1 << UInt64(c - 64)) != 0 }
        return slowContains(c)
    }

    func slowContains(_ c: UInt32) -> Bool {
        var found = rawContains(c)
        if !found, caseInsensitive {
            for variant in CaseFolding.variants(of: c) where variant != c && rawContains(variant) {
                found = true
                break
            }
        }
        return found != negated
    }

    private func rawContains(_ c: UInt32) -> Bool {
        for range in ranges where range.contains(c) { return true }
        for member in builtins where ScalarClasses.test(member.builtin, c) != member.negated { return true }
        return false
    }
}

enum ScalarClasses {
    static func test(_ builtin: ScalarSet.Builtin, _ c: UInt32) -> Bool {
        switch builtin {
        case .digit: isDigit(c)
        case .word: isWord(c)
        case .space: isSpace(c)
        case .newline: isNewline(c)
        }
    }

    /// `\d`: a decimal digit (Unicode `Nd`).
    static func isDigit(_ c: UInt32) -> Bool {
        if c < 128 { return c >= 0x30 && c <= 0x39 }
        guard let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.generalCategory == .decimalNumber
    }

    /// `\w`: a letter, a mark, a decimal digit or a connector such as `_`.
    static func isWord(_ c: UInt32) -> Bool {
        if c < 128 {
            return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        }
        guard let scalar = Unicode.Scalar(c) else { return false }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    /// `\s`: white space (Unicode `White_Space`).
    static func isSpace(_ c: UInt32) -> Bool {
        if c < 128 { return c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        guard let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.isWhitespace
    }

    /// What `.` does not match (without `(?s)`).
    static func isNewline(_ c: UInt32) -> Bool {
        (c >= 0x0A && c <= 0x0D) || c == 0x85 || c == 0x2028 || c == 0x2029
    }
}

enum CaseFolding {
    /// The scalar and its simple lower-, upper- and titlecase mappings.
    static func variants(of c: UInt32) -> [UInt32] {
        if c < 128 {
            if c >= 0x41 && c <= 0x5A { return [c, c + 32] }
            if c >= 0x61 && c <= 0x7A { return [c, c - 32] }
            return [c]
        }
        guard let scalar = Unicode.Scalar(c) else { return [c] }
        var out: [UInt32] = [c]
        let properties = scalar.properties
        for mapping in [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first, !out.contains(only.value) { out.append(only.value) }
        }
        return out
    }
}

enum Assertion: UInt8, Sendable {
    case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
}

/// A parsed pattern; `size` is the number of instructions it compiles to.
struct Node: Sendable {
    indirect enum Kind: Sendable {
        case empty
        case scalar(UInt32)
        case set(ScalarSet)
        case assertion(Assertion)
        case concat([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
    }

    var kind: Kind
    var size: Int

    static let empty = Node(kind: .empty, size: 0)
    static func scalar(_ c: UInt32) -> Node { Node(kind: .scalar(c), size: 1) }
    static func set(_ set: ScalarSet) -> Node { Node(kind: .set(set), size: 1) }
    static func assertion(_ a: Assertion) -> Node { Node(kind: .assertion(a), size: 1) }

    /// Whether every match must start at the start of the text.
    var isAnchoredAtStart: Bool {
        switch kind {
        case .assertion(.textStart): true
        case .concat(let nodes): nodes.first?.isAnchoredAtStart ?? false
        case .alternation(let nodes): !nodes.isEmpty && nodes.allSatisfy(\.isAnchoredAtStart)
        case .repetition(let node, let min, _): min >= 1 && node.isAnchoredAtStart
        default: false
        }
    }

    /// The program size of `node{min,max}` (saturating, so huge counts do not overflow).
    static func repetitionSize(_ size: Int, min: Int, max: Int?) -> Int {
        let s = Swift.max(size, 1)
        let cap = Pattern.maxInstructions * 4
        func times(_ a: Int, _ b: Int) -> Int { a > cap / Swift.max(b, 1) ? cap : a * b }
        guard let max else {
            // x* = split, x, jump; x{n,} = x{n-1} then x+ (x, split).
            return min == 0 ? s + 2 : Swift.min(cap, times(min, s) + 1)
        }
        return Swift.min(cap, times(min, s) + times(max - min, s + 1))
    }
}

// MARK: Parser

struct PatternParser {
    private let scalars: [Unicode.Scalar]
    /// The UTF-8 offset of each scalar, and of the end.
    private let offsets: [Int]
    private var index = 0
    private var caseInsensitive = false
    private var dotMatchesNewlines = false
    private var multiline = false

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        self.offsets = offsets
    }

    mutating func parse() throws(PatternError) -> Node {
        if offsets[scalars.count] > Pattern.maxLength {
            throw PatternError(.unsupported, "the pattern is longer than \(Pattern.maxLength) bytes", at: 0..<offsets[scalars.count])
        }
        let node = try parseAlternation(depth: 0)
        if index < scalars.count {
            // Only an unmatched `)` stops an alternation at the top.
            throw PatternError(.syntax, "unmatched `)`", at: span(index, 1))
        }
        return node
    }

    // MARK: Helpers

    private func span(_ start: Int, _ count: Int) -> Range<Int> {
        offsets[start]..<offsets[min(start + count, scalars.count)]
    }

    private func span(from start: Int) -> Range<Int> { offsets[start]..<offsets[index] }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private func looking(at text: String) -> Bool {
        var i = index
        for scalar in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func tooLarge(_ start: Int) -> PatternError {
        PatternError(.unsupported, "the pattern is too large: it compiles to more than \(Pattern.maxInstructions) instructions", at: span(from: start))
    }

    private func linear(_ what: String) -> String {
        "\(what) not supported: `matches` uses a linear-time matcher, which cannot do them"
    }

    // MARK: Structure

    private mutating func parseAlternation(depth: Int) throws(PatternError) -> Node {
        let start = index
        var branches = [try parseConcatenation(depth: depth)]
        while peek() == "|" {
            index += 1
            branches.append(try parseConcatenation(depth: depth))
        }
        if branches.count == 1 { return branches[0] }
        let size = branches.reduce(0) { $0 + $1.size } + 2 * (branches.count - 1)
        if size > Pattern.maxInstructions { throw tooLarge(start) }
        return Node(kind: .alternation(branches), size: size)
    }

    private mutating func parseConcatenation(depth: Int) throws(PatternError) -> Node {
        let start = index
        var items: [Node] = []
        var size = 0
        while let c = peek(), c != "|", c != ")" {
            let atomStart = index
            guard var atom = try parseAtom(depth: depth) else { continue }
            atom = try parseQuantifiers(atom, atomStart: atomStart)
            size += atom.size
            if size > Pattern.maxInstructions { throw tooLarge(start) }
            items.append(atom)
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return Node(kind: .concat(items), size: size)
        }
    }

    /// One atom, or nil for a flag group such as `(?i)` that matches nothing.
    private mutating func parseAtom(depth: Int) throws(PatternError) -> Node? {
        let start = index
        let c = scalars[index]
        switch c {
        case "(":
            return try parseGroup(depth: depth)
        case "[":
            return .set(try parseClass())
        case ".":
            index += 1
            var set = ScalarSet.dot(matchesNewlines: dotMatchesNewlines)
            set.finish()
            return .set(set)
        case "^":
            index += 1
            return .assertion(multiline ? .lineStart : .textStart)
        case "$":
            index += 1
            return .assertion(multiline ? .lineEnd : .textEnd)
        case "\\":
            return try parseEscape()
        case "*", "+", "?":
            throw PatternError(.syntax, "`\(c)` has nothing to repeat before it", at: span(start, 1))
        case "{":
            if let (_, _, length) = quantifierCount(at: index) {
                throw PatternError(.syntax, "`{…}` has nothing to repeat before it", at: span(start, length))
            }
            index += 1
            return literal(c.value)
        default:
            index += 1
            return literal(c.value)
        }
    }

    private func literal(_ c: UInt32) -> Node {
        guard caseInsensitive else { return .scalar(c) }
        let variants = CaseFolding.variants(of: c)
        if variants.count == 1 { return .scalar(c) }
        // Case-insensitive too, so a scalar whose mapping is a variant (KELVIN SIGN → k) matches.
        var set = ScalarSet(ranges: variants.map { $0...$0 }, caseInsensitive: true)
        set.finish()
        return .set(set)
    }

    private mutating func parseGroup(depth: Int) throws(PatternError) -> Node? {
        let open = index
        if depth >= Pattern.maxNesting {
            throw PatternError(.unsupported, "groups nest more than \(Pattern.maxNesting) levels deep", at: span(open, 1))
        }
        index += 1
        let savedFlags = (caseInsensitive, dotMatchesNewlines, multiline)
        if peek() == "?" {
            let refusals: [(String, String)] = [
                ("?=", "lookahead `(?=…)` is"), ("?!", "negative lookahead `(?!…)` is"),
                ("?<=", "lookbehind `(?<=…)` is"), ("?<!", "negative lookbehind `(?<!…)` is"),
                ("?>", "atomic groups `(?>…)` are"), ("?*", "non-atomic lookahead `(?*…)` is"),
            ]
            for (prefix, what) in refusals where looking(at: prefix) {
                throw PatternError(.unsupported, linear(what), at: span(open, 1 + prefix.unicodeScalars.count))
            }
            if looking(at: "?:") {
                index += 2
            } else if looking(at: "?<") || looking(at: "?P<") || looking(at: "?'") {
                // A named group; names are accepted and ignored (nothing reads captures).
                index += looking(at: "?P<") ? 3 : 2
                let close: Unicode.Scalar = scalars[index - 1] == "'" ? "'" : ">"
                let nameStart = index
                while let n = peek(), n != close, n == "_" || n.properties.isAlphabetic || ("0"..."9").contains(n) { index += 1 }
                guard peek() == close, index > nameStart else {
                    throw PatternError(.syntax, "a group name is letters, digits and `_`, closed by `\(close)`", at: span(open, index - open + 1))
                }
                index += 1
            } else {
                // Flags: (?i) (?-i) (?i:…), with i, s, m.
                index += 1
                var on = true
                var flags: [(Unicode.Scalar, Bool)] = []
                while let f = peek(), f != ")", f != ":" {
                    if f == "-", on {
                        on = false
                    } else if f == "i" || f == "s" || f == "m" {
                        flags.append((f, on))
                    } else {
                        throw PatternError(
                            .unsupported, "`(?\(f)`: the only group options are `(?:…)`, named groups and the flags `i`, `s`, `m`",
                            at: span(open, index - open + 1))
                    }
                    index += 1
                }
                guard let end = peek() else { throw PatternError(.syntax, "missing `)` for this `(`", at: span(open, 1)) }
                index += 1
                for (flag, value) in flags {
                    switch flag {
                    case "i": caseInsensitive = value
                    case "s": dotMatchesNewlines = value
                    default: multiline = value
                    }
                }
                if end == ")" { return nil }  // The flags hold to the end of the enclosing group.
            }
        }
        let inner = try parseAlternation(depth: depth + 1)
        guard peek() == ")" else { throw PatternError(.syntax, "missing `)` for this `(`", at: span(open, 1)) }
        index += 1
        (caseInsensitive, dotMatchesNewlines, multiline) = savedFlags
        return inner
    }

    /// `{n}`, `{n,}`, `{n,m}`, `{,m}` at `i`: the bounds and the length in scalars, or nil when it is a literal `{`.
    private func quantifierCount(at i: Int) -> (Int, Int?, Int)? {
        guard i < scalars.count, scalars[i] == "{" else { return nil }
        var j = i + 1
        func number() -> Int? {
            let start = j
            var value = 0
            while j < scalars.count, ("0"..."9").contains(scalars[j]) {
                value = min(value * 10 + Int(scalars[j].value - 48), 1_000_000_000)
                j += 1
            }
            return j > start ? value : nil
        }
        let low = number()
        var high: Int?
        if j < scalars.count, scalars[j] == "," {
            j += 1
            high = number()
            if low == nil, high == nil { return nil }
        } else {
            guard low != nil else { return nil }
            high = low
        }
        guard j < scalars.count, scalars[j] == "}" else { return nil }
        return (low ?? 0, high, j + 1 - i)
    }

    private mutating func parseQuantifiers(_ atom: Node, atomStart: Int) throws(PatternError) -> Node {
        var node = atom
        var quantified = false
        while let c = peek() {
            let start = index
            var min = 0
            var max: Int?
            switch c {
            case "*": index += 1
            case "+": min = 1; index += 1
            case "?": max = 1; index += 1
            case "{":
                guard let (low, high, length) = quantifierCount(at: index) else { return node }
                index += length
                if let high, low > high {
                    throw PatternError(.syntax, "`{\(low),\(high)}`: the lower count is more than the upper one", at: span(from: start))
                }
                if low > Pattern.maxRepetition || (high ?? 0) > Pattern.maxRepetition {
                    throw PatternError(
                        .unsupported, "a repetition count is at most \(Pattern.maxRepetition) (repetitions are expanded, so they are bounded)",
                        at: span(from: start))
                }
                min = low
                max = high
            default:
                return node
            }
            if quantified {
                throw PatternError(.syntax, "`\(c)` has nothing to repeat: the expression before it is already repeated", at: span(from: start))
            }
            quantified = true
            if peek() == "?" {
                index += 1  // Lazy: the same yes/no answer.
            } else if peek() == "+" {
                throw PatternError(.unsupported, linear("possessive quantifiers like `*+` are"), at: span(start, index - start + 1))
            }
            let size = Node.repetitionSize(node.size, min: min, max: max)
            if size > Pattern.maxInstructions { throw tooLarge(atomStart) }
            node = Node(kind: .repetition(node, min: min, max: max), size: size)
        }
        return node
    }

    // MARK: Escapes

    private mutating func parseEscape() throws(PatternError) -> Node {
        let start = index
        index += 1
        guard let c = peek() else { throw PatternError(.syntax, "`\\` at the end of the pattern escapes nothing", at: span(start, 1)) }
        switch c {
        case "b": index += 1; return .assertion(.wordBoundary)
        case "B": index += 1; return .assertion(.notWordBoundary)
        case "A": index += 1; return .assertion(.textStart)
        case "z": index += 1; return .assertion(.textEnd)
        case "1"..."9", "k", "g":
            throw PatternError(.unsupported, linear("backreferences like `\\1` are"), at: span(start, 2))
        default:
            break
        }
        switch try parseClassEscape(start: start, inClass: false) {
        case .scalar(let s): return literal(s)
        case .set(let set): return .set(set)
        }
    }

    private enum EscapeValue {
        case scalar(UInt32)
        case set(ScalarSet)
    }

    /// An escape that means a scalar or a class; `index` is just after the `\`.
    private mutating func parseClassEscape(start: Int, inClass: Bool) throws(PatternError) -> EscapeValue {
        guard let c = peek() else { throw PatternError(.syntax, "`\\` at the end of the pattern escapes nothing", at: span(start, 1)) }
        index += 1
        func finished(_ builtin: ScalarSet.Builtin, negated: Bool) -> EscapeValue {
            var set = ScalarSet.builtin(builtin, negated: negated)
            set.finish()
            return .set(set)
        }
        switch c {
        case "d": return finished(.digit, negated: false)
        case "D": return finished(.digit, negated: true)
        case "w": return finished(.word, negated: false)
        case "W": return finished(.word, negated: true)
        case "s": return finished(.space, negated: false)
        case "S": return finished(.space, negated: true)
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "f": return .scalar(0x0C)
        case "v": return .scalar(0x0B)
        case "e": return .scalar(0x1B)
        case "a": return .scalar(0x07)
        case "b" where inClass: return .scalar(0x08)
        case "0" where !(peek().map { ("0"..."9").contains($0) } ?? false): return .scalar(0)
        case "x", "u":
            return .scalar(try parseHex(start: start, fixed: c == "x" ? 2 : 4))
        case "p", "P":
            throw PatternError(.unsupported, "Unicode property classes like `\\p{L}` are not supported; use a class such as `[a-zA-Z]` or `\\w`", at: span(start, 2))
        default:
            if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) {
                throw PatternError(
                    .syntax, "unknown escape `\\\(c)`; the escapes are \\d \\D \\w \\W \\s \\S \\b \\B \\A \\z \\t \\n \\r \\f \\v \\e \\0 \\xHH \\uHHHH \\u{H…}, and `\\` before punctuation",
                    at: span(start, 2))
            }
            return .scalar(c.value)  // `\.`, `\/`, `\\`, `\-`, …
        }
    }

    /// `\xHH`, `\uHHHH`, `\x{H…}`, `\u{H…}`; `index` is just after the `x` or `u`.
    private mutating func parseHex(start: Int, fixed: Int) throws(PatternError) -> UInt32 {
        let braced = peek() == "{"
        if braced { index += 1 }
        var value: UInt32 = 0
        var digits = 0
        while let h = peek(), let digit = h.isASCII ? Int(String(h), radix: 16) : nil, braced ? digits < 8 : digits < fixed {
            value = value &* 16 &+ UInt32(digit)
            digits += 1
            index += 1
        }
        if braced {
            guard digits > 0, peek() == "}" else {
                throw PatternError(.syntax, "`\\\(scalars[start + 1]){…}` needs hexadecimal digits and a closing `}`", at: span(from: start))
            }
            index += 1
        } else if digits != fixed {
            throw PatternError(.syntax, "`\\\(scalars[start + 1])` needs \(fixed) hexadecimal digits", at: span(from: start))
        }
        guard Unicode.Scalar(value) != nil else {
            throw PatternError(.syntax, "`\(String(decoding: Array(source(start..<index).utf8), as: UTF8.self))` is not a Unicode scalar", at: span(from: start))
        }
        return value
    }

    private func source(_ range: Range<Int>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[range])
        return text
    }

    // MARK: Classes

    private mutating func parseClass() throws(PatternError) -> ScalarSet {
        let open = index
        index += 1
        var set = ScalarSet()
        if peek() == "^" {
            set.negated = true
            index += 1
        }
        if peek() == "]" {
            throw PatternError(.syntax, "a class cannot be empty; to match `]`, write `\\]`", at: span(open, index - open + 1))
        }
        while true {
            guard let c = peek() else { throw PatternError(.syntax, "missing `]` for this `[`", at: span(open, 1)) }
            let itemStart = index
            if c == "]" {
                index += 1
                break
            }
            if c == "[" {
                throw PatternError(.unsupported, "nested classes and `[:name:]` are not supported; to match `[`, write `\\[`", at: span(itemStart, 1))
            }
            if looking(at: "&&") || looking(at: "~~") {
                throw PatternError(.unsupported, "class set operations (`&&`, `~~`) are not supported", at: span(itemStart, 2))
            }
            let lower = try parseClassItem()
            guard case .scalar(let low) = lower else {
                if case .set(let s) = lower { set.builtins += s.builtins }
                if peek() == "-", let after = peek(1), after != "]" {
                    throw PatternError(.syntax, "a class range needs a single character on each side of `-`", at: span(from: itemStart))
                }
                continue
            }
            if peek() == "-", let after = peek(1), after != "]" {
                index += 1
                guard case .scalar(let high) = try parseClassItem() else {
                    throw PatternError(.syntax, "a class range needs a single character on each side of `-`", at: span(from: itemStart))
                }
                if high < low {
                    throw PatternError(.syntax, "the class range `\(source(itemStart..<index))` is out of order", at: span(from: itemStart))
                }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
        set.caseInsensitive = caseInsensitive
        set.finish()
        return set
    }

    private mutating func parseClassItem() throws(PatternError) -> EscapeValue {
        let start = index
        let c = scalars[index]
        guard c == "\\" else {
            index += 1
            return .scalar(c.value)
        }
        index += 1
        if let e = peek(), ("1"..."9").contains(e) {
            throw PatternError(.unsupported, linear("backreferences like `\\1` are"), at: span(start, 2))
        }
        return try parseClassEscape(start: start, inClass: true)
    }
}
