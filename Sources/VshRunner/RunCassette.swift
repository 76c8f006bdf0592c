import VerifyAPI
import VerifyCassette
import VshSyntax
import VshSystem

/// The cassette of a run: the transport a file records through or replays from, and what
/// happens to the cassette when the file has run. Files go through ``CassetteStore``.
extension ScriptRunner {
    /// The file's transport: the configured one, or a recording through it, or a replay.
    func makeTransport(for input: ScriptInput, redaction: SharedRedactor = SharedRedactor()) -> Result<any Transport, CommandError> {
        func configured() -> Result<any Transport, CommandError> {
            do {
                return .success(try configuration.makeTransport(input))
            } catch {
                var error = error
                error.file = error.file ?? input.name
                return .failure(error)
            }
        }
        guard let cassette = configuration.cassette else { return configured() }
        guard let path = cassette.cassettePath(for: input) else {
            return .failure(CommandError("a script read from standard input needs --cassette FILE", file: input.name))
        }
        switch cassette.mode {
        case .record:
            return configured().map { RecordTransport(recordingThrough: $0, redaction: redaction) }
        case .replay:
            let hint = "record it once: vsh run --transport record\(cassette.path.map { " --cassette \($0)" } ?? "") \(input.name)"
            return CassetteStore.load(path, for: .replay, missing: hint).map {
                ReplayTransport(cassette: $0, cassetteName: path, rerecordCommand: cassette.rerecordCommand(for: input), redaction: redaction)
            }
        }
    }

    /// After a file ran: a recording is written, a replay's unplayed exchanges reported.
    func finishCassette(_ transport: any Transport, input: ScriptInput, result: inout FileResult) {
        guard let cassette = configuration.cassette, let path = cassette.cassettePath(for: input) else { return }
        if let recorder = transport as? RecordTransport {
            // Only a run that reached its end replaces a cassette: one cut short by a network
            // error would replace a whole recording with half of one.
            guard result.status == .success || result.status == .assertionFailed else {
                result.notes.append("the run failed, so \(path) was not written")
                return
            }
            let recording = recorder.cassette(script: input.name, baseURL: cassette.baseURL)
            guard !recording.exchanges.isEmpty else {
                result.notes.append("nothing was exchanged, so \(path) was not written")
                return
            }
            if let problem = CassetteStore.save(recording, to: path) {
                console.err(printer.render(problem))
                result.status = max(result.status, problem.status)
                result.failure = result.failure ?? "cannot write \(path)"
                result.failureInfo = result.failureInfo ?? FileFailure(kind: .runtime, message: problem.message)
                return
            }
            let count = recording.exchanges.count
            result.notes.append("recorded \(count) \(count == 1 ? "exchange" : "exchanges") in \(path)")
        } else if let replay = transport as? ReplayTransport, result.status == .success || result.status == .assertionFailed {
            let unplayed = replay.unplayed
            guard !unplayed.isEmpty else { return }
            let strict = cassette.mode == .replay(strict: true)
            let count = unplayed.count == 1 ? "1 recorded exchange was" : "\(unplayed.count) recorded exchanges were"
            let lines = unplayed.map { "\($0.request.requestLine)\($0.line.map { " (recorded from line \($0))" } ?? "")" }
            var text = printer.render(fileError: "\(count) not replayed", file: path, severity: strict ? .error : .warning)
            for line in lines { text += "  \(line)\n" }
            if !strict { text += "  (--strict makes this an error)\n" }
            console.err(text)
            if strict {
                result.status = max(result.status, .runtimeFailure)
                result.failure = result.failure ?? "\(unplayed.count) unplayed"
                result.failureInfo = result.failureInfo ?? FileFailure(kind: .runtime, message: "\(path): \(count) not replayed (--strict)", details: lines)
            }
        }
    }

    /// Before anything is sent: `record` without `--overwrite` refuses when a cassette exists,
    /// and every file the run will write (cassettes, reports) must be writable where it
    /// goes, so a run never spends requests and then cannot keep what they answered.
    func refusedRecordings(_ inputs: [ScriptInput]) -> [CommandError] {
        var problems: [CommandError] = []
        var outputs: [(path: String, what: String)] = []
        if let cassette = configuration.cassette, case .record(let overwrite) = cassette.mode {
            let paths = inputs.compactMap { cassette.cassettePath(for: $0) }
            for path in Set(paths).sorted() {
                if let refused = CassetteStore.refuseToReplace(path, overwrite: overwrite, how: "pass --overwrite") { problems.append(refused) }
            }
            outputs += paths.map { ($0, "the cassette") }
        }
        if let path = configuration.junitReport { outputs.append((path, "--report-junit")) }
        if let path = configuration.jsonReport { outputs.append((path, "--report-json")) }
        let scripts = Set(inputs.compactMap(\.path))
        var seen: [String: String] = [:]
        for (path, what) in outputs {
            if let other = seen[path] {
                problems.append(CommandError("both \(other) and \(what) would be written here", file: path))
            }
            seen[path] = what
            if what.hasPrefix("--report"), scripts.contains(path) || path.hasSuffix(".vsh") || path.hasSuffix(".har") {
                problems.append(CommandError("\(what) would replace a script or a cassette; give the report its own name (.xml, .json)", file: path))
                continue
            }
            if let problem = FileSystem.writableFolder(for: path) { problems.append(CommandError("\(what): \(problem)", file: path)) }
        }
        return problems
    }
}
