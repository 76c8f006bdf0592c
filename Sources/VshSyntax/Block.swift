/// The lines between `{` and `}` of a `repeat`, `for`, `poll` or `if`.
///
/// `{` ends the line that opens the block and `}` starts the line that closes it (then
/// `} else {` may follow on that line): one statement a line stays true inside blocks.
public struct Block: Sendable, Equatable {
    public var statements: [Statement]
    /// The `{` that opens it.
    public var open: SourceRange
    /// The `}` that closes it.
    public var close: SourceRange

    public init(_ statements: [Statement], open: SourceRange, close: SourceRange) {
        self.statements = statements
        self.open = open
        self.close = close
    }

    /// Whether a line in it sends a request.
    public var sendsRequest: Bool { statements.contains(where: \.sendsRequest) }

    /// The most times a `repeat` runs, and the most attempts a `poll` makes: a typo of a few
    /// zeros is an error before anything runs, not an afternoon of requests.
    public static let maxIterations = 1_000_000

    /// How deep blocks nest at most (includes count as a level).
    public static let maxDepth = 16
}

/// One `if EXPR { … }` or `else if EXPR { … }` of an `if`.
public struct Branch: Sendable, Equatable {
    public var condition: Expression
    public var body: Block
    /// `if` or `else if`, for diagnostics.
    public var keyword: SourceRange

    public init(condition: Expression, body: Block, keyword: SourceRange) {
        self.condition = condition
        self.body = body
        self.keyword = keyword
    }
}

/// The head of `poll every 2s timeout 1m until CONDITION { … }`.
public struct Poll: Sendable, Equatable {
    /// The wait between two attempts; `every` may be left out (``defaultInterval``).
    public var interval: Duration
    public var intervalRange: SourceRange?
    /// How long to keep trying, counted from the first attempt; required.
    public var timeout: Duration
    public var timeoutRange: SourceRange
    /// What must hold after an attempt for the poll to end.
    public var condition: Expression

    public init(interval: Duration, intervalRange: SourceRange?, timeout: Duration, timeoutRange: SourceRange, condition: Expression) {
        self.interval = interval
        self.intervalRange = intervalRange
        self.timeout = timeout
        self.timeoutRange = timeoutRange
        self.condition = condition
    }

    /// The wait when `every` is not given.
    public static let defaultInterval: Duration = .seconds(1)

    /// The most attempts the poll can make: one at the start, then one after each interval
    /// that fits in the timeout.
    public var maxAttempts: Int {
        let ratio = timeout / interval
        return ratio >= Double(Block.maxIterations) ? Block.maxIterations + 1 : Int(ratio) + 1
    }
}

/// `include "PATH" NAME=VALUE…`: runs another script at this point, in the same variables,
/// credentials and session, with the parameters set as variables first.
public struct Include: Sendable, Equatable {
    /// As written, relative to the including file's folder.
    public var path: String
    public var pathRange: SourceRange
    public var parameters: [Parameter]
    /// The script it names, once an ``IncludeLoader`` has read it; nil straight from the parser.
    public var unit: IncludedUnit?

    public init(path: String, pathRange: SourceRange, parameters: [Parameter], unit: IncludedUnit? = nil) {
        self.path = path
        self.pathRange = pathRange
        self.parameters = parameters
        self.unit = unit
    }
}

/// An included file, read and parsed once however many lines include it.
public final class IncludedUnit: Sendable, Equatable {
    public let file: SourceFile
    public let script: Script

    public init(file: SourceFile, script: Script) {
        self.file = file
        self.script = script
    }

    /// Two units are the same when they are the same file (by the name the loader gave it).
    public static func == (a: IncludedUnit, b: IncludedUnit) -> Bool { a.file.name == b.file.name }
}
