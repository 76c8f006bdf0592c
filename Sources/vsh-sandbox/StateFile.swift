import VerifyAPI
import VerifySandbox
import VshSyntax
import VshSystem

/// `--state FILE`: the sandbox starts from the snapshot in FILE (when there is one) and
/// writes its state back on a clean shutdown. Read with vsh's one capped read and written
/// with its one atomic write (a kill at any moment leaves the old snapshot or the new one),
/// mode 0600: it holds every session's code.
struct StateFile {
    let path: String
    /// A snapshot larger than this is refused, read while reading (not trusted from `stat`).
    static let limit = 64 << 20

    /// The snapshot's JSON, or nil when the file does not exist yet. A file that cannot be
    /// read, or is no JSON, is a usage error (exit 1), like a bad option.
    func read() throws(CommandError) -> JSONValue? {
        let bytes: [UInt8]
        switch FileSystem.read(path, limit: Self.limit) {
        case .success(let read): bytes = read
        case .failure(.missing): return nil
        case .failure(let failure):
            throw CommandError(failure.message(for: "a sandbox state") + " (--state)", file: path)
        }
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw CommandError("not JSON: \(error) (--state)", file: path)
        }
    }

    /// Writes `snapshot` in place of the file.
    func write(_ snapshot: JSONValue) throws(CommandError) {
        let bytes = Array(snapshot.prettyText.utf8) + [UInt8(ascii: "\n")]
        if let problem = FileSystem.writeAtomically(bytes, to: path, mode: 0o600) {
            throw CommandError(problem, file: path, status: .runtimeFailure)
        }
    }
}
