/// The compiled form of a ``Pattern`` and the Pike VM that runs it.
///
/// The program is a Thompson NFA: `scalar` and `set` consume one Unicode
/// scalar, `split` and `jump` branch without consuming, `assert` tests the
/// position (`^ $ \b \B`), `match` accepts. The VM keeps the set of
/// instructions alive at the current position, each at most once (so its work
/// per scalar is bounded by the program's size, whatever the pattern), and
/// starts a new thread at every position, which makes a match a search:
/// `matches` holds when any substring matches. Nothing is captured, so no
/// thread carries state and the first thread to reach `match` decides.
/// See Pattern.swift for why vsh does not use Swift's `Regex`.
struct Instruction: Sendable {
    enum Op: UInt8, Sendable {
        case scalar, set, split, jump, assert, match
    }

    var op: Op
    /// The scalar, the set's index, the (first) target, or the assertion.
    var a: Int32
    /// The second target of a split.
    var b: Int32
    /// A set's ASCII members (so the common case does not touch the set).
    var asciiLow: UInt64 = 0
    var asciiHigh: UInt64 = 0
}

struct Program: Sendable {
    var instructions: [Instruction]
    var sets: [ScalarSet]
    /// Every match starts at the start of the text: no new thread after it.
    var anchoredAtStart: Bool
}

enum Compiler {
    static func compile(_ node: Node) -> Program {
        var emitter = Emitter()
        emitter.code.reserveCapacity(node.size + 1)
        emitter.emit(node)
        emitter.append(.match)
        return Program(instructions: emitter.code, sets: emitter.sets, anchoredAtStart: node.isAnchoredAtStart)
    }

    private struct Emitter {
        var code: [Instruction] = []
        var sets: [ScalarSet] = []

        var pc: Int32 { Int32(code.count) }

        @discardableResult
        mutating func append(_ op: Instruction.Op, _ a: Int32 = 0, _ b: Int32 = 0) -> Int {
            code.append(Instruction(op: op, a: a, b: b))
            return code.count - 1
        }

        mutating func emit(_ node: Node) {
            switch node.kind {
            case .empty:
                break
            case .scalar(let c):
                append(.scalar, Int32(bitPattern: c))
            case .set(let set):
                if sets.last != set { sets.append(set) }
                let at = append(.set, Int32(sets.count - 1))
                code[at].asciiLow = set.asciiLow
                code[at].asciiHigh = set.asciiHigh
            case .assertion(let assertion):
                append(.assert, Int32(assertion.rawValue))
            case .concat(let nodes):
                for node in nodes { emit(node) }
            case .alternation(let branches):
                // split L1, M1; L1: b1; jump END; M1: split L2, M2; …; bn; END:
                var jumps: [Int] = []
                for (i, branch) in branches.enumerated() {
                    if i == branches.count - 1 {
                        emit(branch)
                    } else {
                        let split = append(.split, pc + 1)
                        emit(branch)
                        jumps.append(append(.jump))
                        code[split].b = pc
                    }
                }
                for jump in jumps { code[jump].a = pc }
            case .repetition(let inner, let min, let max):
                if let max {
                    for _ in 0..<min { emit(inner) }
                    // Each optional copy can skip to the end: split C, END; C: inner; split …
                    var splits: [Int] = []
                    for _ in 0..<(max - min) {
                        splits.append(append(.split, pc + 1))
                        emit(inner)
                    }
                    for split in splits { code[split].b = pc }
                } else if min == 0 {
                    // L: split B, END; B: inner; jump L; END:
                    let split = append(.split, pc + 1)
                    emit(inner)
                    append(.jump, Int32(split))
                    code[split].b = pc
                } else {
                    for _ in 0..<(min - 1) { emit(inner) }
                    let loop = pc
                    emit(inner)
                    append(.split, loop, pc + 1)
                }
            }
        }
    }
}

extension Pattern {
    /// A match stopped because its task was cancelled (or `shouldStop` said so).
    public struct Cancelled: Error, Sendable, Equatable {}

    /// Whether the pattern matches somewhere in `text`; stops when the current task is cancelled.
    public func matches(_ text: String) throws(Cancelled) -> Bool {
        try matches(text, shouldStop: { Task.isCancelled })
    }

    /// Whether the pattern matches somewhere in `text`, in time linear in the
    /// text (times the program's size). `shouldStop` is asked every few
    /// thousand steps; when it says yes, the match throws ``Cancelled``.
    public func matches(_ text: String, shouldStop: () -> Bool) throws(Cancelled) -> Bool {
        let result = program.instructions.withUnsafeBufferPointer { code in
            program.sets.withUnsafeBufferPointer { sets in
                PikeVM.run(code: code, sets: sets, anchored: program.anchoredAtStart, text: text.unicodeScalars, shouldStop: shouldStop)
            }
        }
        guard let result else { throw Cancelled() }
        return result
    }
}

private enum PikeVM {
    /// No scalar: before the start or after the end of the text.
    static let none: UInt32 = .max
    /// Thread steps between two calls of `shouldStop`.
    static let stepsBetweenChecks = 1 << 14

    /// true or false, or nil when stopped.
    static func run(
        code: UnsafeBufferPointer<Instruction>, sets: UnsafeBufferPointer<ScalarSet>, anchored: Bool,
        text: String.UnicodeScalarView, shouldStop: () -> Bool
    ) -> Bool? {
        let n = code.count
        // marks[pc] == generation: pc is already on the list being built.
        let marks = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
        marks.initialize(repeating: 0)
        var current = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        var next = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        // Each pc is expanded once per generation and pushes at most two.
        let stack = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 2 * n + 2)
        defer {
            marks.deallocate()
            current.deallocate()
            next.deallocate()
            stack.deallocate()
        }

        var generation: UInt32 = 1

        /// Adds the threads reachable from `start` without consuming, between `before` and `after`,
        /// to `list`; true when one of them is `match`.
        func follow(
            _ start: Int32, _ before: UInt32, _ after: UInt32, _ generation: UInt32, _ list: UnsafeMutableBufferPointer<Int32>, _ count: inout Int
        ) -> Bool {
            var top = 0
            stack[0] = start
            top = 1
            while top > 0 {
                top -= 1
                let pc = Int(stack[top])
                if marks[pc] == generation { continue }
                marks[pc] = generation
                let instruction = code[pc]
                switch instruction.op {
                case .scalar, .set:
                    list[count] = Int32(pc)
                    count += 1
                case .match:
                    return true
                case .jump:
                    stack[top] = instruction.a
                    top += 1
                case .split:
                    stack[top] = instruction.b
                    stack[top + 1] = instruction.a
                    top += 2
                case .assert:
                    if holds(Assertion(rawValue: UInt8(truncatingIfNeeded: instruction.a)) ?? .textStart, before, after) {
                        stack[top] = Int32(pc + 1)
                        top += 1
                    }
                }
            }
            return false
        }

        var iterator = text.makeIterator()
        var scalar = iterator.next()?.value ?? none
        var count = 0
        if follow(0, none, scalar, generation, current, &count) { return true }
        var steps = 0
        while scalar != none {
            let following = iterator.next()?.value ?? none
            if generation == .max {
                marks.update(repeating: 0)
                generation = 0
            }
            generation += 1
            var nextCount = 0
            for i in 0..<count {
                let pc = Int(current[i])
                let instruction = code[pc]
                let accepts: Bool
                if instruction.op == .scalar {
                    accepts = UInt32(bitPattern: instruction.a) == scalar
                } else if scalar < 64 {
                    accepts = instruction.asciiLow & (1 << UInt64(scalar)) != 0
                } else if scalar < 128 {
                    accepts = instruction.asciiHigh & (1 << UInt64(scalar - 64)) != 0
                } else {
                    accepts = sets[Int(instruction.a)].slowContains(scalar)
                }
                if accepts, follow(Int32(pc + 1), scalar, following, generation, next, &nextCount) { return true }
            }
            if !anchored {
                if follow(0, scalar, following, generation, next, &nextCount) { return true }
            } else if nextCount == 0 {
                return false
            }
            swap(&current, &next)
            count = nextCount
            scalar = following
            steps += count + 1
            if steps >= stepsBetweenChecks {
                steps = 0
                if shouldStop() { return nil }
            }
        }
        return false
    }

    @inline(__always)
    static func holds(_ assertion: Assertion, _ before: UInt32, _ after: UInt32) -> Bool {
        switch assertion {
        case .textStart: before == none
        case .textEnd: after == none
        case .lineStart: before == none || before == 0x0A
        case .lineEnd: after == none || after == 0x0A
        case .wordBoundary: isWord(before) != isWord(after)
        case .notWordBoundary: isWord(before) == isWord(after)
        }
    }

    @inline(__always)
    static func isWord(_ c: UInt32) -> Bool { c != none && ScalarClasses.isWord(c) }
}
