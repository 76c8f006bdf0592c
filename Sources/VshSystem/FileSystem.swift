#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VerifyAPI
import VerifyCassette
import VshSyntax

/// The few file operations vsh needs, on POSIX calls directly: Foundation would
/// cost start-up time and FoundationEssentials has no directory walker.
public enum FileSystem {
    public enum Kind: Sendable {
        case file, directory, other
    }

    /// What is at `path`, following links; nil when nothing is.
    public static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// What a path names on disk, links followed: two paths with the same identity are one file.
    public struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64

        /// `device:inode`, as text.
        public var hashKey: String { "\(device):\(inode)" }
    }

    /// What `stat` says of a file that is to be rewritten in place.
    public struct Status: Sendable {
        public var isRegularFile: Bool
        public var mode: mode_t
        public var links: Int
        public var owner: uid_t
        public var group: gid_t
    }

    /// The status of what is at `path`, links followed; nil when nothing is.
    public static func status(of path: String) -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Status(
            isRegularFile: info.st_mode & S_IFMT == S_IFREG, mode: info.st_mode & 0o7777, links: Int(info.st_nlink), owner: info.st_uid,
            group: info.st_gid)
    }

    /// The path with every link resolved (`realpath`); nil when it names nothing.
    public static func resolvingLinks(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Gives `path` an owner and group (what only root may change; a refusal is ignored).
    public static func setOwner(of path: String, owner: uid_t, group: gid_t) {
        _ = chown(path, owner, group)
    }

    /// The permission bits of what is at `path`, following links; nil when nothing is.
    public static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// The identity of what is at `path`, following links; nil when nothing is.
    public static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The names in a directory, without `.` and `..`.
    public static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The most vsh reads of each kind of input. Every read goes through
    /// ``read(_:limit:)`` or ``readAll(_:limit:)``, which stop at the cap while reading:
    /// `stat` sizes cannot be trusted (`/dev/zero`, a FIFO, a file still growing).
    public enum Limit {
        /// A script file or standard input: 16 MiB (a million lines is about 40 MiB less).
        public static let script = 16 << 20
        /// A `--vars-file`: 1 MiB.
        public static let variables = 1 << 20
        /// A cassette: the HAR reader's own cap, 64 MiB.
        public static let cassette = HARFormat.maxSize
        /// The prompt's history file: 16 MiB (it keeps its last lines only).
        public static let history = 16 << 20
    }

    /// Why a file's bytes could not be had.
    public enum ReadFailure: Error, Sendable, Equatable {
        case missing
        case directory
        /// More than the cap: nothing is returned, the rest is not read.
        case tooLarge(limit: Int)
        /// The system's reason, in lower case.
        case unreadable(String)

        /// `larger than 16 MiB, the most a script may be`, for `what` = "a script".
        public func message(for what: String) -> String {
            switch self {
            case .missing: "no such file"
            case .directory: "a folder, not a file"
            case .tooLarge(let limit): "larger than \(ByteCount.text(limit)), the most \(what) may be"
            case .unreadable(let reason): "cannot read it: \(reason)"
            }
        }

        /// Exit status 2 for an input too large, 1 for a path that cannot be read.
        public var status: ExitStatus {
            if case .tooLarge = self { return .malformedInput }
            return .usage
        }

        /// The error of reading `file` as `what` (`a --vars-file`), with its status;
        /// `flag` names the option the path came from, when one did.
        public func error(file: String, reading what: String, flag: String? = nil) -> CommandError {
            CommandError(message(for: what) + (flag.map { " (\($0))" } ?? ""), file: file, status: status)
        }
    }

    /// A whole file's bytes, at most `limit` of them.
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
        switch kind(of: path) {
        case nil: return .failure(.missing)
        case .directory: return .failure(.directory)
        default: break
        }
        // O_NONBLOCK: opening a FIFO nobody writes to must not hang; cleared before reading.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.unreadable(describeErrno())) }
        defer { close(fd) }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return readAll(fd, limit: limit)
    }

    /// Everything until end of file, or `.tooLarge` as soon as more than `limit` bytes arrive.
    public static func readAll(_ fd: Int32, limit: Int) -> Result<[UInt8], ReadFailure> {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count == 0 { return .success(bytes) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(errno == EISDIR ? .directory : .unreadable(describeErrno()))
            }
            guard bytes.count + count <= limit else { return .failure(.tooLarge(limit: limit)) }
            bytes += buffer[0..<count]
        }
    }

    /// Writes every byte, retrying short writes and interrupted calls.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Replaces (or creates) the file at `path` with `bytes` so that a crash or a kill at
    /// any moment leaves either the old file or the new one, never a mix: the bytes go to a
    /// temporary file beside it, which is synced to disk and then renamed over `path`.
    /// Returns why it could not, as a message naming the path; the old file is untouched then.
    ///
    /// The temporary file is new and this process's own, with `mode` whatever the umask: one
    /// left by an earlier run (or a link someone planted there) is removed first, and
    /// `O_EXCL | O_NOFOLLOW` refuse anything that appears in its place meanwhile.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) -> String? {
        let slash = path.lastIndex(of: "/")
        let directory = folder(of: path)
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (slash == nil ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { return "cannot write \(path): \(describeErrno())" }
        fchmod(fd, mode)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = describeErrno()
                close(fd)
                unlink(temporary)
                return "cannot write \(path): \(reason)"
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let reason = describeErrno()
            close(fd)
            unlink(temporary)
            return "cannot write \(path): \(reason)"
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = describeErrno()
            unlink(temporary)
            return "cannot write \(path): \(reason)"
        }
        // The rename itself reaches the disk with the directory.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
        removeAbandonedTemporaries(of: name, in: directory)
        return nil
    }

    /// Deletes `.NAME.tmp-PID` files beside `NAME` whose process is gone: what a write killed
    /// between creating its temporary file and renaming it leaves (`kill -9`, a power cut).
    /// Such a file never stood for the real one, which stayed whole; nothing reads it. A
    /// running process's is left alone (it may be writing now), and so is anything else.
    static func removeAbandonedTemporaries(of name: String, in directory: String) {
        guard let folder = opendir(directory) else { return }
        defer { closedir(folder) }
        let prefix = ".\(name).tmp-"
        var abandoned: [String] = []
        // Bounded: one pass over the folder's entries.
        while let entry = readdir(folder) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard entryName.hasPrefix(prefix), let pid = Int32(entryName.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { abandoned.append(entryName) }
        }
        for entryName in abandoned { unlink(directory + "/" + entryName) }
    }

    /// `permission denied`, from `errno`.
    static func describeErrno() -> String {
        String(cString: strerror(errno)).lowercased()
    }

    /// Why a file could not be created at `path` (its folder missing or not writable); nil when it can.
    public static func writableFolder(for path: String) -> String? {
        let directory = folder(of: path)
        guard kind(of: directory) == .directory else { return "no folder \(directory) to write it in" }
        guard access(directory, W_OK) == 0 else { return "cannot write in \(directory): \(describeErrno())" }
        if kind(of: path) == .directory { return "a folder, not a file" }
        return nil
    }

    /// The folder a path names a file in: `a/b.har` → `a`, `/x` → `/`, `b.har` → `.`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

}

/// POSIX `read`, named apart: inside `FileSystem`, `read` is its own method.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
