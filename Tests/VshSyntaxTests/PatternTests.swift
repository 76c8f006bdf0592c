import Testing
import VshTestSupport
import VshSyntax

/// Whether `pattern` matches somewhere in `text`; nil when the pattern is refused.
private func search(_ pattern: String, _ text: String) -> Bool? {
    guard let compiled = try? Pattern(pattern) else { return nil }
    return try? compiled.matches(text, shouldStop: { false })
}

private func refusal(_ pattern: String) -> PatternError? {
    do {
        _ = try Pattern(pattern)
        return nil
    } catch {
        return error
    }
}

@Suite struct PatternTests {
    /// (pattern, text, matches): every construct, yes and no.
    static let table: [(String, String, Bool)] = [
        // Literals, search semantics, the empty pattern
        ("abc", "xxabcxx", true), ("abc", "abxc", false), ("", "", true), ("", "abc", true), ("é", "café", true),
        // Anchors at the text's ends only; `(?m)` for lines
        ("^abc$", "abc", true), ("^abc$", "abcd", false), ("^abc$", "xabc", false), ("^$", "", true), ("a$", "a\n", false),
        ("^b$", "a\nb", false), ("(?m)^b$", "a\nb\nc", true), ("(?m)^c", "ab\nc", true), ("\\Aab\\z", "ab", true), ("\\Aab\\z", "abc", false),
        // Dot
        ("a.c", "a/c", true), ("a.c", "ac", false), ("^.$", "\n", false), ("^.$", "\r", false), ("(?s)^.$", "\n", true), ("^.$", "é", true),
        // Escapes
        ("^\\d{6}$", "123456", true), ("^\\d{6}$", "12345", false), ("\\d", "٣", true), ("^\\D+$", "abc", true), ("\\D", "123", false),
        ("^\\w+$", "héllo_1", true), ("\\w", "-. ", false), ("^\\W+$", "-. ", true), ("\\s", "a\u{a0}b", true), ("\\s", "ab", false),
        ("\\S", "   ", false), ("^\\S+$", "ab", true), ("a\\.b", "a.b", true), ("a\\.b", "axb", false), ("\\/v1\\/", "/v1/x", true),
        ("\\\\", "a\\b", true), ("\\t", "a\tb", true), ("\\n", "a\nb", true), ("\\r", "a\rb", true), ("\\u0041\\x42\\u{43}", "ABC", true),
        ("\\(\\)\\[\\]\\{\\}\\*\\+\\?\\|\\^\\$", "()[]{}*+?|^$", true), ("a{", "a{", true), ("a{x}", "a{x}", true), ("}", "}", true),
        // Word boundaries: between \w and \W (or an end)
        ("\\bfoo\\b", "a foo b", true), ("\\bfoo\\b", "afoob", false), ("\\bfoo", "foo", true), ("foo\\b", "foo.", true), ("\\Bo\\B", "foo", true),
        ("\\Bf", "foo", false), ("\\b", "", false), ("\\B", "", true), ("\\b1", "a-1", true),
        // Classes
        ("[a-z0-9_-]+$", "ok-1_x", true), ("^[a-z0-9_-]+$", "ok-1_X", false), ("[^a-z]", "abc", false), ("[^a-z]", "abC", true),
        ("[\\d\\s]+x", " 1 x", true), ("^[\\w.]+$", "a.b_c", true), ("[\\W]", "abc", false), ("[^\\d]", "123", false), ("[^\\d]", "12a", true),
        ("[a\\-z]", "-", true), ("[-a]", "-", true), ("[a-]", "-", true), ("[a-]", "b", false), ("[\\]]", "]", true), ("[.]", "a", false),
        ("[\\b]", "\u{8}", true), ("^[0-9a-f-]{36}$", "8e712097-8090-4644-81e7-8f4265d8354e", true), ("^[0-9a-f-]{36}$", "8e712097", false),
        // Groups and alternation
        ("a|b", "b", true), ("a|b", "c", false), ("(a|b)+c", "ababc", true), ("^(?:ab|cd)+$", "abcdab", true), ("^(?:ab|cd)+$", "abca", false),
        ("^(a|)$", "", true), ("a|", "x", true), ("(|a)+", "", true), ("^(?<word>ab)+$", "abab", true), ("^(?P<w>a)$", "a", true),
        // Quantifiers, greedy and lazy: the same answers
        ("^a*$", "", true), ("^a*$", "aaa", true), ("^a+$", "", false), ("^ab?c$", "ac", true), ("^ab?c$", "abbc", false),
        ("^x{2}$", "xx", true), ("^x{2}$", "xxx", false), ("^x{2,}$", "xxxxx", true), ("^x{2,}$", "x", false), ("^x{2,3}$", "xxxx", false),
        ("^x{2,3}$", "xxx", true), ("^x{,2}$", "xx", true), ("^x{,2}$", "xxx", false), ("^x{0}$", "", true), ("^a*?$", "aa", true),
        ("^a+?$", "aa", true), ("^ab??c$", "abc", true), ("^a{2,3}?$", "aaa", true), ("^(a*)*$", "aaaa", true), ("^(a*)*b$", "aaaa", false),
        ("^(a?){3}a{3}$", "aaa", true), ("^(^a)+$", "a", true), ("(^)*a", "ba", true),
        // Case-insensitive
        ("(?i)abc", "xABC", true), ("(?i)^[a-c]+$", "AbC", true), ("(?i)[^a-z]", "abC", false), ("a(?i:b)c", "aBc", true),
        ("a(?i:b)c", "aBC", false), ("(?i)a(?-i)b", "Ab", true), ("(?i)a(?-i)b", "AB", false), ("(?i)σ", "Σ", true), ("(?i)k", "\u{212A}", true),
        ("(?i)\\d", "a", false),
    ]

    @Test(arguments: PatternTests.table.indices)
    func matchesLikeARegex(_ index: Int) {
        let (pattern, text, expected) = Self.table[index]
        #expect(search(pattern, text) == expected, "/\(pattern)/ on \(text.debugDescription)")
    }

    /// Patterns that take a backtracking matcher exponential time finish here, whatever the text.
    @Test func catastrophicPatternsFinish() async throws {
        // Seconds of matching in a debug build: off the cooperative pool (see onOwnThread).
        let results: [Bool?] = await onOwnThread {
            func run(_ pattern: String, _ text: String) -> Bool? { try? Pattern(pattern).matches(text, shouldStop: { false }) }
            let words = String(repeating: "session validated ", count: 3000)  // 54 KB
            let letters = String(repeating: "a", count: 50_000)
            let bs = String(repeating: "b", count: 30_000)
            return [
                run(#"^(\w+\s?)+$"#, words + "!"), run(#"^(\w+\s?)+$"#, words),
                run("(a+)+$", letters + "b"), run("^(a+)+$", letters + "b"), run("(a|aa)+$", letters + "b"), run("(a|aa)+$", letters),
                run("(.*a){20}", String(repeating: "a", count: 19) + bs), run("(.*a){20}", String(repeating: "ab", count: 20_000)),
                run("^(.*a){20}$", String(repeating: "ab", count: 20_000)), run(#"(x+x+)+y"#, String(repeating: "x", count: 40_000)),
            ]
        }
        #expect(results == [false, true, false, false, false, true, false, true, false, false])
    }

    @Test func refusedWithWhereAndWhy() throws {
        // (pattern, the refused text, kind, words of the message)
        let cases: [(String, String, PatternError.Kind, String)] = [
            (#"(a)\1"#, #"\1"#, .unsupported, "backreferences"), (#"\k<n>"#, #"\k"#, .unsupported, "backreferences"),
            ("x(?=y)", "(?=", .unsupported, "lookahead"), ("x(?!y)", "(?!", .unsupported, "lookahead"),
            ("(?<=y)x", "(?<=", .unsupported, "lookbehind"), ("(?<!y)x", "(?<!", .unsupported, "lookbehind"),
            ("(?>a+)b", "(?>", .unsupported, "atomic"), ("ba*+", "*+", .unsupported, "possessive"), ("ba{2}+", "{2}+", .unsupported, "possessive"),
            ("ba{5000}", "{5000}", .unsupported, "at most 1000"), ("ba{1,1001}", "{1,1001}", .unsupported, "at most 1000"),
            ("(a{1000}){1000}", "(a{1000}){1000}", .unsupported, "10000 instructions"), (#"\p{L}"#, #"\p"#, .unsupported, "Unicode property"),
            ("[[:alpha:]]", "[", .unsupported, "nested"), ("(?x)a", "(?x", .unsupported, "flags"),
            ("a(bc", "(", .syntax, "missing `)`"), ("x[ab", "[", .syntax, "missing `]`"), ("ab)", ")", .syntax, "unmatched"),
            ("*a", "*", .syntax, "nothing to repeat"), ("a**", "*", .syntax, "already repeated"), ("x{3,2}", "{3,2}", .syntax, "lower count"),
            (#"\q"#, #"\q"#, .syntax, "unknown escape"), ("[z-a]", "z-a", .syntax, "out of order"), ("a\\", "\\", .syntax, "escapes nothing"),
            ("[]", "[]", .syntax, "empty"), (#"\x4"#, #"\x4"#, .syntax, "hexadecimal"), (#"[\d-z]"#, #"\d"#, .syntax, "single character"),
        ]
        for (pattern, refused, kind, words) in cases {
            let error = try #require(refusal(pattern), "/\(pattern)/ is not refused")
            #expect(error.kind == kind, "/\(pattern)/: \(error.message)")
            #expect(error.message.contains(words), "/\(pattern)/: \(error.message)")
            let bytes = Array(pattern.utf8)
            let at = String(decoding: bytes[error.range], as: UTF8.self)
            #expect(at == refused, "/\(pattern)/: the error covers `\(at)`, not `\(refused)`")
        }
    }

    @Test func limitsAreAtTheBounds() throws {
        #expect(try Pattern("a{1000}").matches(String(repeating: "a", count: 1000), shouldStop: { false }))
        #expect(try Pattern("^a{1000}$").matches(String(repeating: "a", count: 999), shouldStop: { false }) == false)
        #expect(try Pattern("[ab]{1,1000}").instructionCount <= Pattern.maxInstructions)
        #expect(refusal(String(repeating: "a", count: Pattern.maxLength + 1))?.message.contains("longer than") == true)
        #expect(refusal(String(repeating: "(", count: 200) + String(repeating: ")", count: 200))?.message.contains("nest") == true)
        // A program at most linear in the pattern: no blow-up from nesting counted repetitions.
        #expect(refusal("((a{10}){10}){10}") == nil)
        #expect(refusal("(((a{10}){10}){10}){11}")?.message.contains("10000") == true)
    }

    @Test func aMatchStopsWhenAskedTo() {
        let text = String(repeating: "ab", count: 500_000)
        var asked = 0
        #expect(throws: Pattern.Cancelled.self) {
            _ = try Pattern("(.*a){20}c").matches(text, shouldStop: {
                asked += 1
                return asked == 3
            })
        }
        #expect(asked == 3)
    }

    @Test func aMatchInACancelledTaskStops() async throws {
        let pattern = try Pattern("(.*a){20}c")
        let text = String(repeating: "ab", count: 500_000)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return Result { () throws(Pattern.Cancelled) in try pattern.matches(text) }
        }
        let result = await task.value
        #expect(throws: Pattern.Cancelled.self) { try result.get() }
        // Outside a cancelled task the same match runs to its answer.
        #expect(try pattern.matches(String(repeating: "a", count: 20) + "c") == true)
    }
}

/// Our matcher against Swift's `Regex` on generated small patterns and texts:
/// both must agree on every pair (Swift's backtracking is fine at this size).
@Suite struct PatternDifferentialTests {
    struct Generator {
        var state: UInt64

        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }

        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }

        mutating func atom(_ depth: Int) -> String {
            switch next(depth > 2 ? 10 : 13) {
            case 10: return "(" + alternation(depth + 1) + ")"
            case 11: return "(?:" + alternation(depth + 1) + ")"
            case 12: return pick(["^", "$"])
            default:
                return pick([
                    "a", "b", "c", "A", ".", "[ab]", "[^a]", "[a-c]", #"\d"#, #"\w"#, #"\s"#, #"\W"#, #"\S"#, #"[\d\s]"#, "1", " ", #"\."#, "-",
                    "[b-]", "é", "σ",
                ])
            }
        }

        mutating func quantified(_ depth: Int) -> String {
            let a = atom(depth)
            if a == "^" || a == "$" { return a }
            return a + pick(["", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?", "??"])
        }

        mutating func concatenation(_ depth: Int) -> String { (0...next(3)).map { _ in quantified(depth) }.joined() }

        mutating func alternation(_ depth: Int) -> String {
            next(4) == 0 ? concatenation(depth) + "|" + concatenation(depth) : concatenation(depth)
        }

        mutating func pattern() -> String { (next(8) == 0 ? "(?i)" : "") + alternation(0) }

        mutating func text() -> String {
            let scalars: [Unicode.Scalar] = ["a", "b", "c", "A", "1", " ", "-", ".", "\n", "é", "Σ", "σ", "٣", "\u{a0}", "_"]
            var out = ""
            for _ in 0..<next(9) { out.unicodeScalars.append(pick(scalars)) }
            return out
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithSwiftRegex(seed: UInt64) async throws {
        // Thousands of matches with Swift's Regex in a debug build: off the cooperative pool.
        let disagreements: [String] = await onOwnThread {
            var generator = Generator(state: seed)
            var out: [String] = []
            var compared = 0
            for _ in 0..<250 {
                let pattern = generator.pattern()
                guard let regex = try? Regex(pattern), let ours = try? Pattern(pattern) else {
                    out.append("/\(pattern)/ does not compile")
                    continue
                }
                for _ in 0..<8 {
                    let text = generator.text()
                    let expected = (try? regex.firstMatch(in: text)) != nil
                    if (try? ours.matches(text, shouldStop: { false })) != expected { out.append("/\(pattern)/ on \(text.debugDescription)") }
                    compared += 1
                }
            }
            if compared != 2000 { out.append("compared \(compared), not 2000") }
            return out
        }
        #expect(disagreements == [])
    }
}
