/// Why a command stops outside a script's own lines: a flag used wrongly, a path that names
/// nothing, a file that cannot be read, a cassette that is no cassette, a malformed
/// `--vars-file` line. The one error type of the command line, the runner and the prompt:
/// each knows its exit status, and ``DiagnosticPrinter/render(_:)-(CommandError)`` renders it.
public struct CommandError: Error, Sendable, Equatable {
    /// What went wrong, as one sentence without the `FILE: error:` prefix.
    public var message: String
    /// The file it is about (`FILE: error: message`); nil: the command line (`vsh: error: message`).
    public var file: String?
    /// The exit status it ends the command with (SPEC section 2).
    public var status: ExitStatus
    /// A problem at a place inside ``file`` (a `--vars-file` line): shown with its caret.
    public var located: Located?

    /// A diagnostic inside a file that is not a script.
    public struct Located: Sendable, Equatable {
        public var source: SourceFile
        public var diagnostic: Diagnostic

        public init(source: SourceFile, diagnostic: Diagnostic) {
            self.source = source
            self.diagnostic = diagnostic
        }

        public static func == (a: Located, b: Located) -> Bool {
            a.source.name == b.source.name && a.source.bytes == b.source.bytes && a.diagnostic == b.diagnostic
        }
    }

    public init(_ message: String, file: String? = nil, status: ExitStatus = .usage) {
        self.message = message
        self.file = file
        self.status = status
    }

    /// A diagnostic in `source`, malformed input (exit 2).
    public init(_ diagnostic: Diagnostic, in source: SourceFile) {
        self.init(diagnostic.message, file: source.name, status: .malformedInput)
        located = Located(source: source, diagnostic: diagnostic)
    }

    /// A usage error (exit 1).
    public static func usage(_ message: String) -> CommandError { CommandError(message) }
}

extension DiagnosticPrinter {
    /// `FILE: error: message`, `PROGRAM: error: message` (`vsh`, `vsh sandbox`), or the located
    /// diagnostic with its caret.
    public func render(_ error: CommandError, program: String = "vsh") -> String {
        if let located = error.located { return render(located.diagnostic, in: located.source) }
        return render(fileError: error.message, file: error.file ?? program)
    }
}
