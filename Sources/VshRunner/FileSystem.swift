#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// A whole file's bytes; nil when it cannot be read (or is a directory).
    public static func contents(of path: String) -> [UInt8]? {
        guard kind(of: path) != .directory else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    /// Everything until end of file.
    public static func readAll(_ fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
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
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) -> String? {
        let slash = path.lastIndex(of: "/")
        let directory = folder(of: path)
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (slash == nil ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return "cannot write \(path): \(describeErrno())" }
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
        return nil
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

    /// The size of the file at `path`, without reading it; nil when there is none.
    public static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }
}
