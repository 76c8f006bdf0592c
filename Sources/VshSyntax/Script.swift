/// A parsed script: its statements in order, one per non-empty line (a block's lines are
/// inside its statement).
public struct Script: Sendable, Equatable {
    public var statements: [Statement]

    public init(statements: [Statement]) {
        self.statements = statements
    }
}

/// One command line of a script.
public struct Statement: Sendable, Equatable {
    public var command: Command
    /// From the command word to the end of its last argument (comments excluded).
    public var range: SourceRange

    public init(_ command: Command, range: SourceRange) {
        self.command = command
        self.range = range
    }

    /// Whether running it sends a request to the Verify API (a block: whether a line in it does).
    public var sendsRequest: Bool {
        switch command {
        case .sessionCreate, .sessionGet, .sessionList, .validate: true
        case .repeat(_, let body), .forEach(_, _, let body), .poll(_, let body): body.sendsRequest
        case .if(let branches, let otherwise): branches.contains { $0.body.sendsRequest } || otherwise?.sendsRequest == true
        case .include(let include): include.unit?.script.statements.contains(where: \.sendsRequest) ?? false
        default: false
        }
    }

    /// From the command word to the `}` of its last block: the text of the whole statement
    /// (``range`` is its first line only, for carets).
    public var extent: SourceRange {
        range.lowerBound..<Swift.max(range.upperBound, blocks.last?.close.upperBound ?? range.upperBound)
    }

    /// The blocks written inside it, in order: a loop's body, an `if`'s branches and `else`.
    public var blocks: [Block] {
        switch command {
        case .repeat(_, let body), .forEach(_, _, let body), .poll(_, let body): [body]
        case .if(let branches, let otherwise): branches.map(\.body) + (otherwise.map { [$0] } ?? [])
        default: []
        }
    }
}

/// The commands of the language (docs/language.md).
public enum Command: Sendable, Equatable {
    /// `auth [AUTH_ID [TOKEN]]`; without arguments, from `PLIVO_AUTH_ID` / `PLIVO_AUTH_TOKEN`.
    case auth(authID: Argument?, token: Argument?)
    /// `session create recipient=… channel=…`
    case sessionCreate([Parameter])
    /// `session get [UUID]`; without an argument, the current session.
    case sessionGet(Argument?)
    /// `session list status=… limit=…`
    case sessionList([Parameter])
    /// `session use UUID`: makes a session the current one, sending nothing.
    case sessionUse(Argument)
    /// `validate CODE` against the current session.
    case validate(Argument)
    /// `assert EXPR`
    case assert(Expression)
    /// `let NAME = EXPR`
    case `let`(Identifier, Expression)
    /// `print EXPR`
    case print(Expression)
    /// `sleep 11m`
    case sleep(Duration, SourceRange)
    /// `fault create status=503 times=2`, `fault any drop`, `fault clear`: arms a fault on the
    /// sandbox for the next matching requests, or clears them. `target` is the endpoint or
    /// `clear`; the bare `drop` and `reset` are parameters whose value is the word `true`.
    case fault(target: Identifier, [Parameter])
    // The block commands are `indirect`: their payloads are large, and inline they would make
    // every statement (most are one line) as large as the largest of them.
    /// `repeat 10 { … }`: the block, a number of times (a literal from 1 to
    /// ``Block/maxIterations``, or a variable holding one).
    indirect case `repeat`(Argument, Block)
    /// `for recipient in ["+14155550100", "+442071838750"] { … }`: the block once an element,
    /// with `$recipient` set to it.
    indirect case forEach(Identifier, Expression, Block)
    /// `poll every 2s timeout 1m until body.status == "verified" { … }`: the block, then the
    /// condition, again and again until it holds or the timeout passes.
    indirect case poll(Poll, Block)
    /// `if EXPR { … } else if EXPR { … } else { … }`
    indirect case `if`([Branch], else: Block?)
    /// `include "flows/signup.vsh" recipient=+14155550100`: another script, run here.
    indirect case include(Include)
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// A command argument: a bare word, a quoted string, or a variable.
public struct Argument: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `+14155550100`, `sms`, `000000`: taken as written.
        case word(String)
        /// `"Acme Inc"`, possibly with `$variables` inside.
        case string([StringPart])
        /// `$otp`
        case variable(String)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The text when it is known without running anything.
    public var literalText: String? {
        switch kind {
        case .word(let w): return w
        case .string(let parts):
            var text = ""
            for part in parts {
                guard case .text(let t) = part else { return nil }
                text += t
            }
            return text
        case .variable: return nil
        }
    }
}

/// A piece of a string literal: text, or a `$name` / `${name}` inside it.
public enum StringPart: Sendable, Equatable {
    case text(String)
    case variable(Identifier)
}

/// `key=value` on `session create` and `session list`.
public struct Parameter: Sendable, Equatable {
    public var name: Identifier
    public var value: Argument

    public init(name: Identifier, value: Argument) {
        self.name = name
        self.value = value
    }

    public var range: SourceRange { name.range.union(value.range) }
}
