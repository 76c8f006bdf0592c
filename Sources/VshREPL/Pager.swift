import VshSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows text longer than the terminal through `$PAGER` (default `less -FRX`: quits
/// at once when the text fits, keeps colours, leaves the text on screen), as psql does.
/// `PAGER=` (empty) or `PAGER=cat` turns paging off.
public struct Pager: Sendable {
    public let command: String?

    public init(environment: [String: String]) {
        if let pager = environment["PAGER"] {
            let trimmed = pager.trimmingCharacters(in: " ")
            command = trimmed.isEmpty || trimmed == "cat" ? nil : trimmed
        } else {
            command = Pager.lessExists ? "less -FRX" : nil
        }
    }

    static var lessExists: Bool {
        ["/usr/bin/less", "/bin/less", "/usr/local/bin/less"].contains { FileSystem.kind(of: $0) == .file }
    }

    /// Pages `text` when it is taller than the terminal; returns false when it did not
    /// (the caller prints it).
    public func page(_ text: String) -> Bool {
        guard let command, let rows = Terminal.rows else { return false }
        let lines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        guard lines > rows - 2 else { return false }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        close(pipeEnds[0])
        guard spawned == 0 else {
            close(pipeEnds[1])
            return false
        }
        // The pager may quit before reading everything (q): no SIGPIPE for that.
        let previous = signal(SIGPIPE, SIG_IGN)
        FileSystem.writeAll(pipeEnds[1], Array(text.utf8))
        close(pipeEnds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        signal(SIGPIPE, previous)
        return true
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
