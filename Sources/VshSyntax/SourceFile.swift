/// The text of one script, with the name diagnostics print for it.
public struct SourceFile: Sendable {
    /// What diagnostics call the file: its path as given, `<stdin>`, or `<prompt>`.
    public var name: String
    /// The UTF-8 bytes, without a byte order mark.
    public let bytes: [UInt8]
    /// The offset of the first byte of each line.
    public let lineStarts: [Int]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        var body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        // A lone CR ends a line too (classic Mac files): it becomes LF, byte for byte,
        // so offsets and columns stay those of the file.
        body.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices where buffer[i] == UInt8(ascii: "\r") && (i + 1 == buffer.count || buffer[i + 1] != UInt8(ascii: "\n")) {
                buffer[i] = UInt8(ascii: "\n")
            }
        }
        self.bytes = body
        var starts = [0]
        body.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i] == UInt8(ascii: "\n") { starts.append(i + 1) }
        }
        self.lineStarts = starts
    }

    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// The text of line `number` (from 1), without its line ending.
    public func lineText(_ number: Int) -> String {
        String(decoding: lineBytes(number), as: UTF8.self)
    }

    /// The bytes of line `number` (from 1), without its line ending, indexed from 0.
    public func lineBytes(_ number: Int) -> [UInt8] {
        guard number >= 1, number <= lineStarts.count else { return [] }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return Array(bytes[start..<max(start, end)])
    }

    /// The source text a range covers.
    public func text(in range: SourceRange) -> String {
        let lower = max(0, min(range.lowerBound.offset, bytes.count))
        let upper = max(lower, min(range.upperBound.offset, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// The location of a byte offset.
    public func location(at offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(offset: offset, line: low + 1, column: offset - lineStarts[low] + 1)
    }
}
