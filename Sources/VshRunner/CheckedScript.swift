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
            let (parsed, parseErrors) = Parser.parse(file)
            let (script, includeErrors) = IncludeReader.load(parsed, file: file, identity: input.path.flatMap(IncludeReader.identity(of:)))
            let checkErrors = Checker.check(script, predefined: predefined, fileName: file.name)
            let problems = (parseErrors + includeErrors + checkErrors).sorted { $0.sortKey < $1.sortKey }
            return .success(CheckedScript(file: file, script: script, problems: problems))
        }
    }

    /// The files the script includes, once each, in the order they are first included.
    var includedFiles: [SourceFile] {
        var seen: Set<String> = []
        var out: [SourceFile] = []
        func walk(_ statements: [Statement]) {
            for statement in statements {
                if case .include(let include) = statement.command, let unit = include.unit, seen.insert(unit.file.name).inserted {
                    out.append(unit.file)
                    walk(unit.script.statements)
                }
                for block in statement.blocks { walk(block.statements) }
            }
        }
        walk(script.statements)
        return out
    }

    /// The secrets of the file before it runs: the environment's token and the literal
    /// tokens of its `auth` lines and of the files it includes (which diagnostics may quote).
    func secrets(environment: [String: String]) -> Redactor {
        var redactor = Redactor(environment: environment)
        for source in [file] + includedFiles { redactor.learnTokens(fromScript: String(decoding: source.bytes, as: UTF8.self)) }
        return redactor
    }
}
