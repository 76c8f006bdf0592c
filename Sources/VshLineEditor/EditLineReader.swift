@preconcurrency import CEditLine
import VshREPL
import VshSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prompt's line editor, on libedit: Emacs keys, Up/Down through history,
/// Ctrl-R search, Tab completion through a ``Completer``.
///
/// Ctrl-C: a SIGINT handler installed without `SA_RESTART` sets a flag; libedit's
/// read then fails with `EINTR`, and the line being typed is dropped. While a
/// request runs (outside `el_gets`), the same flag asks the REPL to cancel it.
/// Keep it on the main thread (libedit and signals: see docs/repl.md).
public final class EditLineReader: LineReader {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    /// Asked on Tab.
    public var complete: (_ line: String, _ cursor: Int) -> Completion = { _, cursor in Completion(wordStart: cursor, candidates: []) }

    /// nil when standard input or output is not a terminal.
    public init?(programName: String = "vsh") {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        // Without a locale, libedit drops every non-ASCII character typed.
        setlocale(LC_CTYPE, "")
        guard let editLine = el_init(programName, stdin, stdout, stderr), let history = history_init() else { return nil }
        self.editLine = editLine
        self.history = history
        vsh_history_set_size(history, 1000)
        vsh_history_set_unique(history, 1)
        vsh_el_set_history(editLine, history)
        vsh_el_set_editor(editLine, "emacs")
        vsh_el_set_signal(editLine, 1)
        vsh_el_set_prompt(editLine, { _ in UnsafeMutablePointer(mutating: promptStorage) })
        vsh_el_add_function(editLine, "vsh-complete", "Complete the word before the cursor", { editLine, _ in
            guard let editLine, let reader = EditLineReader.current else { return UInt8(CC_ERROR) }
            return reader.completeWord(editLine)
        })
        vsh_el_bind(editLine, "^I", "vsh-complete")
        vsh_el_bind(editLine, "^R", "em-inc-search-prev")
        // Read ~/.editrc, as other libedit programs do.
        el_source(editLine, nil)
        EditLineReader.current = self
        InterruptFlag.install()
    }

    deinit {
        el_end(editLine)
        history_end(history)
    }

    public func readLine(prompt: String) -> LineInput {
        setPrompt(prompt)
        InterruptFlag.clear()
        var count: Int32 = 0
        guard let line = el_gets(editLine, &count), count > 0 else {
            if InterruptFlag.isSet {
                InterruptFlag.clear()
                // libedit left the cursor after what was typed: go to a fresh line.
                fputs("^C\n", stdout)
                fflush(stdout)
                return .interrupted
            }
            return .endOfInput
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    public func addToHistory(_ line: String) {
        vsh_history_enter(history, line)
    }

    public var interruptRequested: Bool { InterruptFlag.isSet }

    public func clearInterrupt() { InterruptFlag.clear() }

    // MARK: Completion

    nonisolated(unsafe) static var current: EditLineReader?

    private func completeWord(_ editLine: OpaquePointer) -> UInt8 {
        guard let info = el_line(editLine)?.pointee, let buffer = info.buffer else { return UInt8(CC_ERROR) }
        let length = info.lastchar - buffer
        let cursorOffset = info.cursor - buffer
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
        let line = String(decoding: bytes, as: UTF8.self)
        let completion = complete(line, cursorOffset)
        let typed = cursorOffset - completion.wordStart
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let prefix = completion.commonPrefix
        let typedWord = String(decoding: bytes[completion.wordStart..<cursorOffset], as: UTF8.self)
        if !prefix.hasPrefix(typedWord), completion.candidates.count == 1 {
            // The candidate spells the word differently (a quoted key): replace the word.
            el_deletestr(editLine, Int32(typed))
            el_insertstr(editLine, prefix)
            return UInt8(CC_REFRESH)
        }
        if prefix.utf8.count > typed, prefix.hasPrefix(typedWord) {
            var insertion = String(decoding: Array(prefix.utf8)[typed...], as: UTF8.self)
            // One candidate that is a whole word: finish it with a space (not after `key=`, `.` or `[`).
            if completion.candidates.count == 1, let last = prefix.last, !"=.[".contains(last) { insertion += " " }
            el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        // Nothing more in common: list the candidates under the line, then redraw it.
        fputs("\n", stdout)
        let width = (completion.candidates.map(\.count).max() ?? 0) + 2
        let columns = max(1, Terminal.columns / width)
        for (index, candidate) in completion.candidates.enumerated() {
            fputs(candidate.padded(to: width), stdout)
            if (index + 1) % columns == 0 || index == completion.candidates.count - 1 { fputs("\n", stdout) }
        }
        fflush(stdout)
        return UInt8(CC_REDISPLAY)
    }

    private func setPrompt(_ prompt: String) {
        let bytes = Array(prompt.utf8.prefix(promptCapacity - 1))
        for (index, byte) in bytes.enumerated() { promptStorage[index] = CChar(bitPattern: byte) }
        promptStorage[bytes.count] = 0
    }
}

/// The prompt's text, where libedit's prompt callback (a C function, no context) finds it.
private let promptCapacity = 256
nonisolated(unsafe) private let promptStorage: UnsafeMutablePointer<CChar> = {
    let storage = UnsafeMutablePointer<CChar>.allocate(capacity: promptCapacity)
    storage.initialize(repeating: 0, count: promptCapacity)
    return storage
}()

/// Ctrl-C, as a flag: set by the SIGINT handler, read by the prompt and the request runner.
enum InterruptFlag {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static var isSet: Bool { flag != 0 }
    static func clear() { flag = 0 }

    static func install() {
        // Ctrl-C must reach the prompt even when the parent left SIGINT blocked (a test
        // runner's thread, some process supervisors).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in InterruptFlag.flag = 1 }
        sigemptyset(&action.sa_mask)
        // No SA_RESTART: the terminal read must fail with EINTR so the line is dropped.
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
