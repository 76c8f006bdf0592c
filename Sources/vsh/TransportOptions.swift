import ArgumentParser
import VshRunner
import VshSyntax
import VshSystem

/// The transports of SPEC section 4.
enum TransportChoice: String, ExpressibleByArgument, CaseIterable {
    case sandbox, live, record, replay
}

/// Where requests go: `vsh run` and the prompt (`vsh shell`).
struct TransportOptions: ParsableArguments {
    @Option(help: "Where requests go: sandbox (embedded emulator, the default), live, record or replay.")
    var transport: TransportChoice = .sandbox

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("Live and record: the API root (default https://api.plivo.com; env PLIVO_BASE_URL).", valueName: "URL"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Live and record: how long one request may take, in seconds (default 30; connecting: at most 5).", valueName: "SECONDS"))
    var timeout: Double?

    @Option(
        name: .customLong("max-sessions"),
        help: ArgumentHelp("Live and record: the most sessions one run may create, each a paid message (default 10).", valueName: "N"))
    var maxSessions: Int?

    @Option(help: ArgumentHelp("Record and replay: the cassette (HAR file); default: the script's path with .har for .vsh.", valueName: "FILE"))
    var cassette: String?

    @Flag(help: "Record: replace an existing cassette (re-recording sends real, paid messages).")
    var overwrite = false

    @Flag(help: "Replay: recorded exchanges the script did not use are an error (exit 3), not a warning.")
    var strict = false

    /// Which transports read each flag, and whether it was given.
    var flags: [(flag: String, given: Bool, readBy: [TransportChoice])] {
        [
            ("--base-url", baseURL != nil, [.live, .record]),
            ("--timeout", timeout != nil, [.live, .record]),
            ("--max-sessions", maxSessions != nil, [.live, .record]),
            ("--cassette", cassette != nil, [.record, .replay]),
            ("--overwrite", overwrite, [.record]),
            ("--strict", strict, [.replay]),
        ]
    }

    /// A flag given for a transport that does not read it has no effect: a one-line warning
    /// each (SPEC section 1), not an error, so a CI job can flip only `--transport`.
    var noEffectWarnings: [String] { warnings(readLater: []) }

    /// The warnings at the prompt, where `transport live` can be typed later: the live
    /// flags are read then, so they have an effect whatever the prompt starts on.
    var promptWarnings: [String] { warnings(readLater: [.live]) }

    private func warnings(readLater: Set<TransportChoice>) -> [String] {
        flags.filter { $0.given && !$0.readBy.contains(transport) && readLater.isDisjoint(with: $0.readBy) }.map { flag in
            "\(flag.flag) has no effect on --transport \(transport.rawValue) (it applies to \(flag.readBy.map(\.rawValue).joined(separator: " and ")))"
        }
    }

    /// Prints `warnings` on standard error, a line each, as the one printer shows a warning.
    static func print(_ warnings: [String], on console: Console) {
        let printer = DiagnosticPrinter(color: console.color)
        for warning in warnings { console.err(printer.render(fileError: warning, file: "vsh", severity: .warning)) }
    }

    /// The cassette flags fit the inputs: one `--cassette` names one cassette, and a script
    /// on standard input has no path to name one after.
    func validate(inputs: [ScriptInput]) throws(CommandError) {
        guard transport == .record || transport == .replay else { return }
        if cassette != nil, inputs.count > 1 {
            throw CommandError("--cassette names one cassette, for one script; without it each script has its own (a.vsh → a.har)")
        }
        if cassette == nil, inputs.contains(.standardInput) {
            throw CommandError("a script read from standard input needs --cassette FILE to \(transport.rawValue)")
        }
    }
}
