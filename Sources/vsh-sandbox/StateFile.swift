import VerifyAPI
import VerifySandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--state FILE`: the sandbox starts from the snapshot in FILE (when there is one) and
/// writes its state back on a clean shutdown, atomically: a temporary file beside it,
/// flushed, then renamed over it, so a crash leaves the old snapshot or the new one.
/// Written here with POSIX calls rather than Foundation, which the server does not load.
struct StateFile {
    let path: String
    /// A snapshot larger than this is refused, read while reading (not trusted from `stat`).
    static let limit = 64 << 20

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The snapshot's JSON, or nil when the file does not exist yet.
    func read() throws(Failure) -> JSONValue? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)).lowercased())")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)).lowercased())") }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > Self.limit { throw Failure(description: "\(path) is larger than \(ByteCount.text(Self.limit)); not a sandbox state") }
        }
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw Failure(description: "\(path) is not JSON: \(error)")
        }
    }

    /// Writes `snapshot` in place of the file, mode 0600 (it holds every session's code).
    func write(_ snapshot: JSONValue) throws(Failure) {
        let temporary = "\(path).tmp-\(getpid())"
        // A file (or a link someone planted) left by an earlier run goes first; O_EXCL and
        // O_NOFOLLOW then make sure this is a new file of ours, created 0600 whatever the umask.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)).lowercased())") }
        fchmod(descriptor, 0o600)
        let bytes = snapshot.prettyText.utf8.map { $0 } + [UInt8(ascii: "\n")]
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno)).lowercased()
                close(descriptor)
                unlink(temporary)
                throw Failure(description: "cannot write \(temporary): \(reason)")
            }
            written += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(reason)")
        }
    }
}
