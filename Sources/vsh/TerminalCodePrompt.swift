import Dispatch
import VerifyAPI
import VerifyLiveHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the person at the terminal for a one-time code, on `/dev/tty` with echo
/// off (as `ssh` and `sudo` ask for passwords), so it works with a script piped
/// on stdin too: `code sent to +14155550100: `.
struct TerminalCodePrompt: CodePrompt {
    /// A prompt when this process has a controlling terminal; nil otherwise (CI, cron, a service).
    static func ifTerminal() -> TerminalCodePrompt? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        close(fd)
        return TerminalCodePrompt()
    }

    func askCode(for session: DeliveredCodeQuery) async -> String? {
        let label = session.recipient.map { "code sent to \($0): " } ?? "code for session \(session.sessionUUID): "
        return await withCheckedContinuation { continuation in
            // A blocking read: off the cooperative pool.
            DispatchQueue.global().async { continuation.resume(returning: TerminalCodePrompt.read(prompt: label)) }
        }
    }

    /// Writes `prompt` to the terminal, reads one line with echo off, restores the terminal.
    static func read(prompt: String) -> String? {
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
