#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where vsh writes: results to standard output, diagnostics to standard error.
///
/// Colour only on a terminal, and never with `--no-color` or `NO_COLOR` set.
public struct Console: Sendable {
    public var color: Bool
    private let write: @Sendable (Stream, String) -> Void

    public enum Stream: Sendable {
        case output, error
    }

    public init(color: Bool, write: @escaping @Sendable (Stream, String) -> Void) {
        self.color = color
        self.write = write
    }

    /// The process's own standard output and error.
    public static func standard(noColorFlag: Bool, environment: [String: String]) -> Console {
        let noColor = noColorFlag || environment["NO_COLOR"].map { !$0.isEmpty } == true || environment["TERM"] == "dumb"
        return Console(color: !noColor && Terminal.isTerminal(.output) && Terminal.isTerminal(.error)) { stream, text in
            FileSystem.writeAll(stream == .output ? STDOUT_FILENO : STDERR_FILENO, Array(text.utf8))
        }
    }

    public func out(_ text: String) { write(.output, text) }
    public func err(_ text: String) { write(.error, text) }

    public func styled(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36"
    }
}
