#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal, for the few things vsh asks of it: whether a stream is one (colour, the
/// prompt, the progress line), its size (the pager, completion lists), and a line typed with
/// echo off (a one-time code on live).
public enum Terminal {
    public enum Stream: Sendable {
        case input, output, error

        var fd: Int32 {
            switch self {
            case .input: STDIN_FILENO
            case .output: STDOUT_FILENO
            case .error: STDERR_FILENO
            }
        }
    }

    /// Whether the stream is a terminal.
    public static func isTerminal(_ stream: Stream) -> Bool { isatty(stream.fd) == 1 }

    /// Whether the process has a controlling terminal to ask on (not in CI, cron or a service).
    public static var hasControllingTerminal: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// The terminal's rows; nil when standard output is not a terminal.
    public static var rows: Int? {
        guard isTerminal(.output), let size = size(), size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// The terminal's columns, 80 when it does not say.
    public static var columns: Int {
        guard let size = size(), size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private static func size() -> winsize? {
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }

    /// Writes `prompt` to the controlling terminal (`/dev/tty`, so it works with a script
    /// piped on stdin too), reads one line of at most 256 bytes with echo off, as `ssh` and
    /// `sudo` ask for passwords, and restores the terminal; nil on Ctrl-C or end of input.
    public static func readWithoutEcho(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        show(fd, prompt)

        var saved = termios()
        let hasTermios = tcgetattr(fd, &saved) == 0
        if hasTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            EchoGuard.arm(fd: fd, saved: saved)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if hasTermios {
                tcsetattr(fd, TCSAFLUSH, &saved)
                EchoGuard.disarm()
            }
        }

        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            // The signal may be handled on another thread than this one, which read() would
            // never see: wait in short polls and look at the flag between them.
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 100)
            if EchoGuard.interrupted { return nil }  // Ctrl-C: no code
            if polled == 0 || (polled < 0 && errno == EINTR) { continue }
            let n = readByte(fd, &byte)
            if n < 0, errno == EINTR { continue }
            guard n == 1 else { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
            if line.count > 256 { break }
        }
        return String(decoding: line, as: UTF8.self)
    }

    private static func show(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { writeBytes(fd, $0.baseAddress, $0.count) }
    }
}

private func readByte(_ fd: Int32, _ byte: inout UInt8) -> Int {
    withUnsafeMutablePointer(to: &byte) { read(fd, $0, 1) }
}

private func writeBytes(_ fd: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    write(fd, pointer, count)
}

/// Puts the terminal's echo back if Ctrl-C (or SIGTERM) arrives while the code is being
/// typed, then lets the signal do what it would have done (end `vsh run`; at the
/// interactive prompt, cancel the statement). Handlers are saved and restored whole with
/// `sigaction` (flags included), and installed without `SA_RESTART` so the read stops.
private enum EchoGuard {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var previousInterrupt = sigaction()
    nonisolated(unsafe) static var previousTerminate = sigaction()
    nonisolated(unsafe) static var interrupted = false

    static func arm(fd: Int32, saved: termios) {
        EchoGuard.fd = fd
        EchoGuard.saved = saved
        interrupted = false
        var action = sigaction()
        action.__sigaction_handler.sa_handler = restoreAndRaise
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, &previousInterrupt)
        sigaction(SIGTERM, &action, &previousTerminate)
    }

    static func disarm() {
        sigaction(SIGINT, &previousInterrupt, nil)
        sigaction(SIGTERM, &previousTerminate, nil)
        fd = -1
    }
}

private func restoreAndRaise(_ signalNumber: Int32) {
    if EchoGuard.fd >= 0 { tcsetattr(EchoGuard.fd, TCSANOW, &EchoGuard.saved) }
    EchoGuard.interrupted = true
    if signalNumber == SIGINT {
        sigaction(SIGINT, &EchoGuard.previousInterrupt, nil)
    } else {
        sigaction(SIGTERM, &EchoGuard.previousTerminate, nil)
    }
    raise(signalNumber)
}
