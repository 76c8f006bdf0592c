import ArgumentParser
import Logging
import VerifyAPI
import struct VshSyntax.CommandError
import VerifySandbox
import VerifySandboxServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `vsh sandbox serve`: listens until SIGINT or SIGTERM, then exits 0.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Verify sandbox over HTTP until interrupted.",
        // Prose one line a paragraph (ArgumentParser wraps it); tables and examples indented
        // and inside 80 columns, so that they are printed as written.
        discussion: """
            Endpoints, as on api.plivo.com (every path ends in /; A is the auth_id):
              POST /v1/Account/A/Verify/Session/       create a session, "send" its code
              GET  /v1/Account/A/Verify/Session/UUID/  retrieve a session
              GET  /v1/Account/A/Verify/Session/       list sessions (?status=, ?limit=)
              POST /v1/Account/A/Verify/Session/UUID/  validate a code: {"otp": "123456"}

            Auth: HTTP Basic with any well-formed auth_id (MA or SA + 18 of A-Z0-9, the same as in the path) and the token. Each auth_id is an account of its own.

            Out of band, for the account of the request's credentials (reads without credentials see every account; changes need them):
              GET  /__sandbox/outbox     codes that reached a phone (?recipient=, ?wait=)
              GET  /__sandbox/clock      the virtual clock; POST {"advance": "11m"}
              GET  /__sandbox/faults     armed faults; POST arms one, DELETE clears
              GET  /__sandbox/callbacks  the status callbacks sent, with their tries
              POST /__sandbox/outcomes   how the next attempts to a number end
              POST /__sandbox/sessions   seeds a session in any state
              GET  /__sandbox/state      the whole state; POST /__sandbox/reset empties it
              GET  /__sandbox/events     every change, live (Server-Sent Events)

            The inbox: open http://HOST:PORT/ in a browser to see every code sent, live, by account, with each session's timeline and controls for the clock, expiry, faults and reset.

            Prints two lines on stdout once it listens (the address, the inbox), then one log line per request on stderr (never a header or a token); Ctrl-C or SIGTERM stops it.

            Exit codes: 0 stopped by a signal, 1 bad option, 3 cannot listen.

            Reference: docs/sandbox.md.

            Example:
              vsh sandbox serve --otp 123456 &
              A=MA2025RK4E639VJFZAGV
              curl -s -u $A:sandbox -H 'Content-Type: application/json' \\
                -d '{"recipient": "+14155550100"}' \\
                http://127.0.0.1:8790/v1/Account/$A/Verify/Session/
            """
    )

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on; 0 picks a free one (the line printed on start names it).", valueName: "port"))
    var port = 8790

    @Option(help: ArgumentHelp("The auth token clients must send with their auth_id (HTTP Basic).", valueName: "token"))
    var token = "sandbox"

    @Option(help: ArgumentHelp("Give every session this code (4 to 8 digits) instead of a random one.", valueName: "code"))
    var otp: String?

    @Option(
        name: .customLong("code-lifetime"),
        help: ArgumentHelp("How long a code stays valid, on the virtual clock: 30s, 10m, 1h30m.", valueName: "duration"))
    var codeLifetime = "10m"

    @Option(help: ArgumentHelp("Seed the generator of uuids and codes: the same requests get the same ones.", valueName: "n"))
    var seed: UInt64?

    @Option(
        name: .customLong("max-deliveries"),
        help: ArgumentHelp("Delivery attempts per session (the first create and its resends); the next is refused with 429.", valueName: "n"))
    var maxDeliveries = 5

    @Option(
        name: .customLong("rate-limits"),
        help: ArgumentHelp(
            "verify: Plivo's Verify limit (list sessions, 20 a minute per account); all: also the account-wide 300 requests in 5 seconds Plivo documents for voice; off: none.",
            valueName: "verify|all|off"))
    var rateLimits = "verify"

    @Option(
        name: .customLong("callback-timeout"),
        help: ArgumentHelp("How long a status callback's receiver may take to answer before the try counts as failed.", valueName: "duration"))
    var callbackTimeout = "8s"

    @Option(
        help: ArgumentHelp(
            "Start from the snapshot in this file (when it exists) and write the state back to it, atomically, on a clean shutdown.",
            valueName: "file"))
    var state: String?

    @Option(
        name: .customLong("allow-host"),
        help: ArgumentHelp(
            "A host name browsers may reach the server at, besides this machine's addresses and localhost (a container's service name); repeatable.",
            valueName: "name"))
    var allowHosts: [String] = []

    @Flag(help: "No log line per request.")
    var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard !token.isEmpty else { throw ValidationError("--token must not be empty") }
        guard !token.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw ValidationError("--token must not contain control characters")
        }
        if let otp {
            guard (4...8).contains(otp.utf8.count), otp.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw ValidationError("--otp must be 4 to 8 digits") }
        }
        guard (1...1000).contains(maxDeliveries) else { throw ValidationError("--max-deliveries must be from 1 to 1000") }
        guard RateLimits(rawValue: rateLimits) != nil else { throw ValidationError("--rate-limits must be verify, all or off") }
        switch DurationText.read(callbackTimeout) {
        case .success(let timeout) where timeout >= .seconds(1) && timeout <= .seconds(60): break
        default: throw ValidationError("--callback-timeout must be a duration from 1s to 60s")
        }
        if let state, state.isEmpty { throw ValidationError("--state must name a file") }
        for name in allowHosts where name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) {
            throw ValidationError("--allow-host must be a host name (letters, digits, '-', '.', '_'), without a port")
        }
        switch DurationText.read(codeLifetime) {
        case .success(let lifetime) where lifetime > .zero: break
        case .failure(.tooLong): throw ValidationError("--code-lifetime must be at most \(DurationText.maximumText)")
        default: throw ValidationError("--code-lifetime must be a duration such as 30s, 10m or 1h")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label) }
        var logger = Logger(label: "vsh.sandbox")
        logger.logLevel = quiet ? .warning : .info

        let sandbox = VerifySandbox(
            configuration: .init(
                authToken: token, fixedCode: otp, codeLifetime: DurationText.parse(codeLifetime) ?? .seconds(600),
                maxDeliveryAttempts: maxDeliveries, rateLimits: RateLimits(rawValue: rateLimits) ?? .verify, sendsCallbacks: true,
                // The inbox page's controls hold no token: they work only while the token is no secret.
                keepsEvents: true, acceptsInboxControls: token == "sandbox", seed: seed))
        let stateFile = state.map(StateFile.init(path:))
        if let stateFile, let snapshot = try stateFile.read() {
            do {
                let restored = try sandbox.restore(snapshot)
                logger.notice("restored \(restored) account\(restored == 1 ? "" : "s") from \(stateFile.path)")
            } catch {
                throw CommandError("not a sandbox state: \(error.description) (--state)", file: stateFile.path)
            }
        }
        let server = SandboxServer(
            configuration: .init(
                host: host, port: port, sandbox: sandbox, logger: logger,
                callbackTimeout: DurationText.parse(callbackTimeout) ?? .seconds(8), allowedHosts: allowHosts))
        let tokenNote = token == "sandbox" ? "token: the default" : "token: set by --token"
        do {
            try await server.run { address in
                // Never the token itself: this line ends up in CI logs.
                writeLine("vsh sandbox listening on \(address.url) (\(tokenNote); auth_id: any MA or SA + 18 of A-Z0-9)", to: 1)
                writeLine("vsh sandbox inbox: \(address.url)/ (the codes sent, live, in a browser)", to: 1)
            }
        } catch let failure as SandboxServer.StartFailure {
            throw CommandError(failure.description, status: .runtimeFailure)
        }
        // A clean shutdown (a signal): the state goes back to its file.
        if let stateFile {
            try stateFile.write(sandbox.snapshot())
            logger.notice("wrote the state to \(stateFile.path)")
        }
    }
}
