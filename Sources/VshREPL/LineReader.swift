/// One line from the person at the prompt.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the line being typed is dropped; the prompt goes on.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case endOfInput
}

/// Where the prompt's lines come from: libedit on a terminal (`EditLineReader`), or a
/// scripted list in tests.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    func addToHistory(_ line: String)
    /// Whether Ctrl-C was pressed since the last ``clearInterrupt()``: cancels a running request.
    var interruptRequested: Bool { get }
    func clearInterrupt()
}

extension String {
    /// The text followed by spaces up to `width` characters.
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
