/// An expression of `assert`, `let` and `print`.
public struct Expression: Sendable, Equatable {
    public indirect enum Kind: Sendable, Equatable {
        /// `status`: the HTTP status of the last answer.
        case status
        /// `body`, `body.sessions[0].status`
        case body(Path)
        /// `header "Content-Type"`
        case header(name: String)
        /// `$name`, `$name.field[0]`
        case variable(Identifier, Path)
        /// `200`, `true`, `null`
        case literal(JSONValueLiteral)
        /// `"text $name"`
        case string([StringPart])
        /// `["+14155550100", $other]`: a JSON array of the values.
        case list([Expression])
        /// `not EXPR`, `X not contains Y`, `X is not uuid`
        case not(Expression)
        /// `X == Y`, `X contains Y`, …
        case comparison(Expression, ComparisonOperator, Expression)
        /// `X matches /regex/`
        case matches(Expression, RegexLiteral)
        /// `X exists`
        case exists(Expression)
        /// `X is uuid`
        case isType(Expression, ValueType, SourceRange)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// Whether the expression reads the last answer's `status`.
    public var readsStatus: Bool {
        switch kind {
        case .status: true
        case .not(let e), .matches(let e, _), .exists(let e), .isType(let e, _, _): e.readsStatus
        case .comparison(let a, _, let b): a.readsStatus || b.readsStatus
        case .list(let items): items.contains(where: \.readsStatus)
        default: false
        }
    }

    /// Whether the expression reads anything of the last answer.
    public var readsResponse: Bool {
        switch kind {
        case .status, .body, .header: true
        case .not(let e), .matches(let e, _), .exists(let e), .isType(let e, _, _): e.readsResponse
        case .comparison(let a, _, let b): a.readsResponse || b.readsResponse
        case .list(let items): items.contains(where: \.readsResponse)
        default: false
        }
    }
}

/// A literal number, boolean or null, kept apart from `JSONValue` so the syntax layer stays plain.
public enum JSONValueLiteral: Sendable, Equatable {
    case number(Double)
    case bool(Bool)
    case null
}

/// Steps into a JSON value: `.sessions`, `[0]`, `."odd-key"`.
public struct Path: Sendable, Equatable {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// One step and where it was written. A struct rather than a tuple, so copies
    /// stay specialized (tuples go through generic value witnesses).
    public struct Step: Sendable, Equatable {
        public var component: Component
        public var range: SourceRange

        public init(_ component: Component, range: SourceRange) {
            self.component = component
            self.range = range
        }
    }

    public var components: [Step]

    public init(_ components: [Step] = []) {
        self.components = components
    }

    /// `sessions[0].status`
    public var text: String {
        var out = ""
        for step in components {
            switch step.component {
            case .key(let k): out += (out.isEmpty ? "" : ".") + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "contains"
}

/// `/^\d{6}$/`, compiled when the script is parsed (see ``Pattern``).
public struct RegexLiteral: Sendable, Equatable {
    public var pattern: String
    public var range: SourceRange
    /// The compiled pattern; the parser always sets it. Not part of equality.
    public var compiled: Pattern?

    public init(pattern: String, range: SourceRange, compiled: Pattern? = nil) {
        self.pattern = pattern
        self.range = range
        self.compiled = compiled
    }

    public static func == (a: RegexLiteral, b: RegexLiteral) -> Bool {
        a.pattern == b.pattern && a.range == b.range
    }
}

/// The types `is` can test.
public enum ValueType: String, Sendable, Equatable, CaseIterable {
    case uuid, string, number, date, boolean, null, array, object
}
