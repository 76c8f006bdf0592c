import Testing
import VshSyntax

/// `repeat`, `for`, `poll`, `if` and list literals: their shapes, and every way to get them wrong.
@Suite struct BlockParsingTests {
    @Test func repeatHoldsItsLines() throws {
        let parsed = statements("repeat 10 {\n    validate 000000\n    assert status == 400\n}\nsession get")
        #expect(parsed.count == 2)
        guard case .repeat(let count, let body) = parsed[0].command else {
            Issue.record("not a repeat: \(parsed[0].command)")
            return
        }
        #expect(count.literalText == "10")
        #expect(body.statements.map(\.range.lowerBound.line) == [2, 3])
        #expect(body.close.lowerBound.line == 4)
        // The statement's range is its first line (for carets); its extent runs to the `}`.
        #expect(parsed[0].range.upperBound.line == 1)
        #expect(parsed[0].extent.upperBound.line == 4)
        #expect(parsed[0].sendsRequest)
    }

    @Test func forGoesOverAListLiteralOrAnyExpression() {
        let literal = command("for r in [\"+14155550100\", $other, 1] {\n}")
        #expect(
            literal
                == .forEach(
                    identifier("r"), expr(.list([stringExpr(text("+14155550100")), variableExpr("other"), number(1)])),
                    Block([], open: noRange, close: noRange)))
        let path = command("for s in body.sessions {\n    print $s\n}")
        guard case .forEach(_, let list, let body)? = path else {
            Issue.record("not a for")
            return
        }
        #expect(list.erasingRanges == body_("sessions"))
        #expect(body.statements.count == 1)
    }

    @Test func pollTakesEveryAndTimeoutInEitherOrderThenUntil() {
        for head in ["poll every 2s timeout 1m until status == 200 {", "poll timeout 1m every 2s until status == 200 {"] {
            guard case .poll(let poll, _)? = command(head + "\n    session get\n}") else {
                Issue.record("not a poll: \(head)")
                continue
            }
            #expect(poll.interval == .seconds(2))
            #expect(poll.timeout == .seconds(60))
            #expect(poll.maxAttempts == 31)
            #expect(poll.condition.erasingRanges == compare(statusExpr, .equal, number(200)))
        }
        guard case .poll(let defaulted, _)? = command("poll timeout 10s until body.x exists {\n    session get\n}") else { return }
        #expect(defaulted.interval == Poll.defaultInterval)
        #expect(defaulted.maxAttempts == 11)
    }

    @Test func ifElseIfElse() {
        let parsed = statements(
            """
            if $transport == "live" {
                print "live"
            } else if status == 200 {
                print "ok"
                print "twice"
            } else {
            }
            print "after"
            """)
        #expect(parsed.count == 2)
        guard case .if(let branches, let otherwise) = parsed[0].command else {
            Issue.record("not an if")
            return
        }
        #expect(branches.count == 2)
        #expect(branches.map(\.body.statements.count) == [1, 2])
        #expect(otherwise?.statements.isEmpty == true)
        #expect(parsed[0].extent.upperBound.line == 7)
        #expect(parsed[1].range.lowerBound.line == 8)
    }

    @Test func blocksNest() {
        let parsed = statements("repeat 2 {\n    for x in [1, 2] {\n        if $x == 1 {\n            print $x\n        }\n    }\n}")
        guard case .repeat(_, let outer) = parsed.first?.command, case .forEach(_, _, let middle) = outer.statements.first?.command,
            case .if(let branches, _) = middle.statements.first?.command
        else {
            Issue.record("not nested")
            return
        }
        #expect(branches[0].body.statements.count == 1)
    }

    @Test func includeTakesAWrittenPathAndAnyParameters() {
        #expect(
            command("include \"flows/signup.vsh\" recipient=+14155550100 brand=\"Acme Inc\"")
                == .include(
                    Include(
                        path: "flows/signup.vsh", pathRange: noRange,
                        parameters: [parameter("recipient", word("+14155550100")), parameter("brand", string(text("Acme Inc")))])))
        #expect(command("include flows/signup.vsh") == .include(Include(path: "flows/signup.vsh", pathRange: noRange, parameters: [])))
    }

    // MARK: Bad input: exit 2 at `vsh check`, with the caret where the problem is

    @Test func anUnclosedBlockIsReportedAtItsBrace() {
        assertDiagnostics("repeat 3 1️⃣{\n    validate 000000\n", [Expected("1️⃣", containing: "unclosed `{`")])
        assertDiagnostics("if status == 200 1️⃣{\n    print 1\n} else 2️⃣{\n", [Expected("2️⃣", containing: "unclosed `{`")].suffix(1).map { $0 })
        _ = "1️⃣"
    }

    @Test func aStrayCloseAndAnElseWithoutIf() {
        assertDiagnostics(
            "1️⃣}\nsession get\n2️⃣else {\n    print 1\n}\nsession get",
            [Expected("1️⃣", "`}` closes no block"), Expected("2️⃣", "`else` without `if`")])
    }

    @Test func messagesThatNameTheSlip() {
        assertDiagnostics("1️⃣repeat {\n    session get\n}", [Expected("1️⃣", "`repeat` needs a count")])
        assertDiagnostics("for 1️⃣in [1] {\n}", [Expected("1️⃣", "expected a variable name after `for`, found `in`")])
        assertDiagnostics(
            "if 1 == 1 {\n} else {\n} 1️⃣else {\n    print 1\n}\n2️⃣sesion get",
            [Expected("1️⃣", "an `if` has one `else`, and it comes last"), Expected("2️⃣", "unknown command `sesion`")])
    }

    @Test func elseFollowsOnlyAnIf() {
        assertDiagnostics(
            "repeat 2 {\n    session get\n} 1️⃣else {\n    session get\n}\nsession get",
            [Expected("1️⃣", "`else` follows only the `}` of an `if` block")])
    }

    @Test func braceRules() {
        assertDiagnostics("repeat 2 1️⃣validate\n", [Expected("1️⃣", containing: "expected `{` after `repeat 2`")])
        assertDiagnostics("repeat 2 {\n    session get\n} 1️⃣session get\n", [Expected("1️⃣", containing: "`}` stands alone on its line")])
        assertDiagnostics("repeat 2 {\n    session get 2️⃣}\n}", [Expected("2️⃣", containing: "is not a session UUID")])
    }

    @Test(arguments: ["0", "abc", "-1", "1.5", "1000001", "99999999999999999999999", "0010"])
    func aRepeatCountIsAWholeNumberUpToAMillion(_ count: String) {
        assertDiagnostics("repeat 1️⃣\(count) {\n    session get\n}\nsession get", [Expected("1️⃣", containing: "a repeat count is a whole number from 1 to 1000000")])
    }

    @Test func aFileOfErrorsStopsAtTheCap() {
        let (_, diagnostics) = Parser.parse(source(String(repeating: "}\n", count: 50_000)))
        #expect(diagnostics.count == Parser.maxDiagnostics + 1)
        #expect(diagnostics.last?.message == "too many errors: the rest of the file is not read")
        #expect(diagnostics.last?.severity == .note)
        let rendered = DiagnosticPrinter().render(diagnostics, in: source(""))
        #expect(rendered.hasSuffix("test.vsh: note: more than 950 more errors not shown (the first 50 are above); reading stopped after 1000\n"))
    }

    @Test func aPollDurationPastTheLongestIsNamedSo() {
        assertDiagnostics("poll every 1s timeout 1️⃣36501d until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "is longer than the longest duration, 36500d")])
        assertDiagnostics("repeat 2 {2️⃣\u{00A0}\n    session get\n}\nsession get", [Expected("2️⃣", containing: "U+00A0 NO-BREAK SPACE")])
    }

    @Test func aMillionIsAllowed() {
        #expect(statements("repeat 1000000 {\n}").count == 1)
    }

    @Test func nestingDeeperThanTheLimitIsRefusedWithoutCrashing() {
        let depth = Block.maxDepth + 1
        var text = ""
        for level in 0..<depth { text += String(repeating: " ", count: level) + "repeat 2 {\n" }
        for level in (0..<depth).reversed() { text += String(repeating: " ", count: level) + "}\n" }
        let (_, diagnostics) = Parser.parse(source(text))
        #expect(diagnostics.map(\.message) == ["blocks nested too deeply (more than \(Block.maxDepth) levels)"])
        #expect(diagnostics.first?.range.lowerBound.line == depth)
        // A hundred thousand levels, on a thread with a small stack (2 MiB, a quarter of what a
        // thread has): still one diagnostic, and no stack overflow.
        let deep = String(repeating: "repeat 2 {\n", count: 100_000) + String(repeating: "}\n", count: 100_000) + "sesion get\n"
        let many = onSmallStack { Parser.parse(source(deep)).diagnostics.map(\.message) }
        #expect(many == ["blocks nested too deeply (more than \(Block.maxDepth) levels)", "unknown command `sesion`"])
    }

    @Test func pollNeedsATimeoutAndSensibleTimes() {
        assertDiagnostics("1️⃣poll every 1s until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "a poll needs a timeout")])
        assertDiagnostics("1️⃣poll until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "a poll needs a timeout")])
        assertDiagnostics("poll every 1️⃣2m timeout 1m until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "longer than the timeout")])
        assertDiagnostics("poll every 1ms timeout 1️⃣1d until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "more than 1000000 attempts")])
        assertDiagnostics("poll every 1️⃣0s timeout 1m until status == 200 {\n    session get\n}", [Expected("1️⃣", containing: "not a duration of more than zero")])
        assertDiagnostics("1️⃣poll timeout 1m until $x == 1 {\n    print 1\n}", [Expected("1️⃣", containing: "a poll block sends nothing")])
        assertDiagnostics("poll timeout 1m until 1️⃣{\n    session get\n}", [Expected("1️⃣", "expected a value, found `{`")])
    }

    @Test func aBrokenHeadDropsItsBlockInsteadOfMisreadingIt() {
        // The block of a line that failed is skipped whole: its `}` is not a stray one, and the
        // lines after it are read as usual.
        // (Its lines are still read: what is wrong in them is reported too.)
        assertDiagnostics(
            "repeat 1️⃣abc {\n    validate 000000\n} else {\n    2️⃣x\n}\n3️⃣sesion get",
            [Expected("1️⃣", containing: "a repeat count"), Expected("2️⃣", "unknown command `x`"), Expected("3️⃣", "unknown command `sesion`")])
        assertDiagnostics("repeat 2 { 1️⃣validate 000000\n}\n2️⃣sesion get", [Expected("1️⃣", containing: "`{` ends its line"), Expected("2️⃣", "unknown command `sesion`")])
        assertDiagnostics(
            "if 1️⃣= 1 {\n    print 1\n} else if 2 == 2 {\n    print 2\n}\n2️⃣sesion get",
            [Expected("1️⃣", containing: "expected a value"), Expected("2️⃣", "unknown command `sesion`")])
    }

    @Test func listLiteralErrors() {
        assertDiagnostics("print [1, 2 1️⃣3]", [Expected("1️⃣", containing: "expected `,` or `]` in the list")])
        assertDiagnostics("print [1, 1️⃣]", [Expected("1️⃣", containing: "expected a value")])
        #expect(command("print []") == .print(expr(.list([]))))
    }

    @Test func theOpenBlockCountTheStartOfAPromptBlockNeeds() {
        #expect(Parser.openBlocks(in: "repeat 3 {") == 1)
        #expect(Parser.openBlocks(in: "repeat 3 {\n  if 1 == 1 {\n  }") == 1)
        #expect(Parser.openBlocks(in: "if 1 == 1 {\n} else {") == 1)
        #expect(Parser.openBlocks(in: "if 1 == 1 {\n} else {\n}") == 0)
        #expect(Parser.openBlocks(in: "print \"{\"") == 0)
        #expect(Parser.openBlocks(in: "print 1 # {") == 0)
    }
}

/// The checker looks inside blocks.
@Suite struct BlockCheckerTests {
    @Test func insideBlocks() {
        assertDiagnostics(
            "repeat 2 {\n    print 1️⃣$nope\n}\nfor x in [1] {\n    print $x\n}\nprint $x\nif 2️⃣$missing == 1 {\n}\n",
            check: true, [Expected("1️⃣", "undefined variable `$nope`"), Expected("2️⃣", "undefined variable `$missing`")])
    }

    @Test func iterationOnlyInLoops() {
        assertDiagnostics(
            "print 1️⃣$iteration\nrepeat 2 {\n    print $iteration\n    if $iteration == 2 {\n        print $iteration\n    }\n}\nsession create recipient=+14155550100\npoll timeout 5s until $iteration == 3 {\n    session get\n}",
            check: true, [Expected("1️⃣", containing: "`$iteration` counts the iterations of a loop")])
    }

    @Test func loopVariablesCannotBeBuiltIns() {
        assertDiagnostics(
            "for 1️⃣session in [1] {\n}", check: true, [Expected("1️⃣", "`$session` is built in and cannot be assigned", hint: "`for my_session in …`")])
    }

    @Test func transportIsAlwaysDefined() {
        assertDiagnostics("if $transport == \"live\" {\n    print $transport\n}", check: true, [])
    }

    @Test func aRequestInsideABlockCountsForTheLinesAfterIt() {
        assertDiagnostics("repeat 1 {\n    session create recipient=+14155550100\n}\nassert status == 202", check: true, [])
        assertDiagnostics("print 1️⃣status", check: true, [Expected("1️⃣", containing: "no request has been sent yet")])
    }
}

private func body_(_ steps: PathStep...) -> Expression { expr(.body(path(steps))) }
