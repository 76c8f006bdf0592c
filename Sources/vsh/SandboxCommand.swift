import ArgumentParser
import struct VshSyntax.CommandError
import enum VshSyntax.ExitStatus

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `vsh sandbox serve …`: hands over to the `vsh-sandbox` binary installed beside
/// `vsh`, with the same arguments. The server lives in its own binary so that
/// Hummingbird (and the Foundation parts it loads) stay out of `vsh`'s start-up.
struct Sandbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The Verify emulator over HTTP (runs vsh-sandbox).",
        discussion: """
            `vsh sandbox serve [--host H] [--port P] [--token T] [--otp CODE]` serves the sandbox, default http://127.0.0.1:8790. See `vsh sandbox serve --help` and docs/sandbox.md.
            """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("serve and its options", valueName: "serve OPTIONS"))
    var arguments: [String] = []

    func run() throws {
        let binary = try SiblingBinary.path(named: "vsh-sandbox")
        // `vsh sandbox` alone shows the server's help rather than doing nothing.
        let forwarded = arguments.isEmpty ? ["--help"] : arguments
        var argv: [UnsafeMutablePointer<CChar>?] = ([binary] + forwarded).map { strdup($0) }
        argv.append(nil)
        execv(binary, &argv)
        throw CommandError("cannot run \(binary): \(String(cString: strerror(errno)))", status: .runtimeFailure)
    }
}

/// Finds a program installed in the same folder as the running `vsh`.
enum SiblingBinary {
    static func path(named name: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable: String = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let folder = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let candidate = (folder.isEmpty ? "." : folder) + "/" + name
        guard access(candidate, X_OK) == 0 else {
            throw CommandError("\(name) is not installed beside vsh (looked for \(candidate)); build it with `swift build --product \(name)`")
        }
        return candidate
    }
}
