/// A position in a script: a byte offset plus the line and column people read.
///
/// `column` counts UTF-8 bytes from the start of the line, from 1; the
/// diagnostics printer turns it into a character column for display.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }

    public var description: String { "\(line):\(column)" }
}

/// The span of source text a node or diagnostic covers, as swift-markdown does it.
public typealias SourceRange = Range<SourceLocation>

extension Range where Bound == SourceLocation {
    /// A range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        Swift.min(lowerBound, other.lowerBound)..<Swift.max(upperBound, other.upperBound)
    }
}
