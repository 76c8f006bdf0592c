import VerifyAPI
import VerifyCassette
import VshSyntax

/// Cassettes on disk, for `vsh run`, the prompt and `vsh cassette`: the one place that reads
/// them (with the size cap, enforced while reading), decodes them, refuses to replace a
/// recording by accident and writes them atomically. `VerifyCassette` itself has no file access.
public enum CassetteStore {
    /// What a cassette is read for, as its errors say it: `not a cassette vsh can replay`.
    public enum Purpose: String, Sendable {
        case replay, read
    }

    /// A cassette's bytes, at most ``FileSystem/Limit/cassette`` of them. `missing` says what
    /// to do about a cassette that does not exist (`record it once: …`).
    public static func bytes(of path: String, missing hint: String? = nil) -> Result<[UInt8], CommandError> {
        FileSystem.read(path, limit: FileSystem.Limit.cassette).mapError { error(of: $0, path: path, missing: hint) }
    }

    /// The cassette at `path`, decoded; a missing file is exit 1, one that is no cassette exit 2.
    public static func load(_ path: String, for purpose: Purpose, missing hint: String? = nil) -> Result<Cassette, CommandError> {
        let bytes: [UInt8]
        switch FileSystem.read(path, limit: FileSystem.Limit.cassette) {
        case .success(let read): bytes = read
        case .failure(let failure):
            var error = error(of: failure, path: path, missing: hint)
            // Too large is about its content: it cannot be a cassette vsh replays.
            if case .tooLarge = failure { error.message = "not a cassette vsh can \(purpose.rawValue): " + error.message }
            return .failure(error)
        }
        do {
            return .success(try HARFormat.decode(bytes))
        } catch {
            return .failure(CommandError("not a cassette vsh can \(purpose.rawValue): \(error.message)", file: path, status: .malformedInput))
        }
    }

    private static func error(of failure: FileSystem.ReadFailure, path: String, missing hint: String?) -> CommandError {
        if case .missing = failure { return CommandError("no such cassette" + (hint.map { " (\($0))" } ?? ""), file: path) }
        return failure.error(file: path, reading: "a cassette")
    }

    /// Recording again sends real requests, and paid messages: an existing cassette is
    /// replaced only when asked. `how` is how to ask (`pass --overwrite`).
    public static func refuseToReplace(_ path: String, overwrite: Bool, how: String) -> CommandError? {
        guard !overwrite, FileSystem.kind(of: path) != nil else { return nil }
        return CommandError("cassette exists; recording again sends real requests (and paid messages): \(how) to replace it", file: path)
    }

    /// Writes `cassette` to `path` atomically: a kill at any moment leaves the old file or the new one.
    public static func save(_ cassette: Cassette, to path: String) -> CommandError? {
        FileSystem.writeAtomically(HARFormat.encode(cassette), to: path).map { CommandError($0, file: path, status: .runtimeFailure) }
    }
}
