/// A token of the vsh language, with the span it came from.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bare word: `session`, `+14155550100`, `sms` (arguments) or an identifier (expressions).
        case word(String)
        /// `name=` at the start of an argument; the range covers the name.
        case key(String)
        /// A double-quoted string, split into text and `$variable` parts.
        case string([StringPart])
        /// `$name` or `${name}`
        case variable(String)
        /// `200`, `-1.5` (expressions only); `text` is as written.
        case number(Double, text: String)
        /// `/pattern/` (expressions only)
        case regex(String)
        /// `==` `!=` `<` `<=` `>` `>=` `=` `.` `[` `]` `(` `)` `{` `}` `,`
        case symbol(String)
        /// The end of a line.
        case newline
        /// The end of the script.
        case end
        /// Text that is not a token; the message says why.
        case invalid(String)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
