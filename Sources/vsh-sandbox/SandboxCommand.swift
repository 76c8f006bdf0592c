import ArgumentParser
import NIOCore
import NIOPosix
import VerifyAPI
import VshSyntax
import VshSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `vsh-sandbox`: the sandbox over HTTP, in its own binary so that Hummingbird stays out
/// of `vsh`'s start-up. Users spell it `vsh sandbox serve …`; `vsh` runs this binary
/// with the same arguments.
@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsh sandbox",
        abstract: "Plivo's Verify API, emulated: the sandbox for Plivo's SDKs, curl and vsh --transport live.",
        discussion: """
            The same emulator that `vsh run` uses in-process, served over HTTP.

            Reference: docs/sandbox.md.
            """,
        version: "vsh \(VshVersion.current)",
        subcommands: [Serve.self]
    )

    /// Like ArgumentParser's `main()`, but with vsh's exit codes (SPEC section 2):
    /// a usage error is 1 (not 64), a server that cannot start is 3.
    static func main() async {
        // Hummingbird's handlers run on the event loops, not on a separate pool of threads:
        // no hop between the two for each request.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as CommandError {
            // A server that cannot start is 3; a state file that cannot be read is 1.
            writeLine(DiagnosticPrinter(redactor: argumentSecrets()).render(error, program: "vsh sandbox"), to: 2)
            terminate(error.status.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(argumentSecrets().redact(fullMessage(for: error)))
                terminate(1)
            }
            exit(withError: error)
        }
    }

    /// The secrets an error may quote: the `--token` given (an error echoes the arguments
    /// it refuses, and a token pasted into the wrong one is still a token) and the
    /// environment's `PLIVO_AUTH_TOKEN`.
    static func argumentSecrets() -> Redactor {
        var redactor = Redactor(environment: ProcessEnvironment.current())
        let arguments = CommandLine.arguments
        for (index, argument) in arguments.enumerated() {
            if argument == "--token", index + 1 < arguments.count { redactor.add(arguments[index + 1]) }
            if argument.hasPrefix("--token=") { redactor.add(String(argument.dropFirst("--token=".count))) }
        }
        return redactor
    }

    static func printError(_ text: String) {
        writeLine(text, to: 2)
    }
}

/// Writes `text` and a newline to a file descriptor at once, unbuffered: the line that
/// says the server listens must reach a pipe before any client tries to connect.
func writeLine(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}

/// `exit`, out of reach of ArgumentParser's `exit(withError:)`, which shadows it in a command.
func terminate(_ status: Int32) -> Never {
    exit(status)
}
