import VerifyAPI
import VshSyntax
import VshSystem

/// A script read (with the size cap), parsed and statically checked: what `vsh run` and
/// `vsh check` both start from.
struct CheckedScript {
    let file: SourceFile
    let script: Script
    /// Parse and check errors, in source order; empty when the script may run.
    let problems: [Diagnostic]

    /// `predefined`: the names a run defines (`--var`, `--vars-file`, the environment).
    static func read(_ input: ScriptInput, predefined: Set<String>) -> Result<CheckedScript, CommandError> {
        switch ScriptFinder.read(input) {
        case .failure(let failure):
            return .failure(failure.error(file: input.name, reading: "a script"))
        case .success(let bytes):
            let file = SourceFile(name: input.name, bytes: bytes)
            let (script, parseErrors) = Parser.parse(file)
            let problems = (parseErrors + Checker.check(script, predefined: predefined)).sorted { $0.range.lowerBound < $1.range.lowerBound }
            return .success(CheckedScript(file: file, script: script, problems: problems))
        }
    }

    /// The secrets of the file before it runs: the environment's token and the literal
    /// tokens of its `auth` lines (which its diagnostics may quote).
    func secrets(environment: [String: String]) -> Redactor {
        var redactor = Redactor(environment: environment)
        redactor.learnTokens(fromScript: String(decoding: file.bytes, as: UTF8.self))
        return redactor
    }
}
