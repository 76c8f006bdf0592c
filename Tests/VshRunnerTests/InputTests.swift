import Foundation
import Testing
import VshRunner
import VshSyntax
import VshTestSupport

/// What a run is given besides its scripts: `--vars-file`, `--var`, `VSH_VAR_NAME`.
@Suite struct VariablesTests {
    func parse(_ text: String) -> Result<[String: String], Diagnostic> {
        VariablesFile.parse(SourceFile(name: "vars.env", text: text))
    }

    @Test func linesCommentsQuotesAndSpaces() throws {
        let parsed = try parse("""
            # a comment
            plain=1

            spaced = two words
            double="quoted # not a comment"
            single='it''s'
            empty=
            \tindented=yes\r
            """).get()
        #expect(parsed == ["plain": "1", "spaced": "two words", "double": "quoted # not a comment", "single": "it''s", "empty": "", "indented": "yes"])
    }

    @Test(arguments: [
        ("a=1\nnot a pair\n", 2, 1, "expected NAME=VALUE"),
        ("1x=2\n", 1, 1, "\"1x\" is not a variable name"),
        ("ok=1\n  session=x\n", 2, 3, "$session is built in and cannot be set"),
    ])
    func aMalformedLineIsPinnedToItsPlace(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        guard case .failure(let diagnostic) = parse(text) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(diagnostic.message == message)
        #expect(diagnostic.range.lowerBound.line == line)
        #expect(diagnostic.range.lowerBound.column == column)
    }

    @Test func aMissingOrEndlessFileIsRefusedWithItsStatus() {
        guard case .failure(let missing) = VariablesFile.load("/nonexistent/vars.env") else {
            Issue.record("loaded")
            return
        }
        #expect(missing.status == .usage)
        #expect(DiagnosticPrinter().render(missing) == "/nonexistent/vars.env: error: no such file (--vars-file)\n")
        guard case .failure(let endless) = VariablesFile.load("/dev/zero") else {
            Issue.record("loaded")
            return
        }
        #expect(endless.status == .malformedInput)
        #expect(endless.message == "larger than 1 MiB, the most a --vars-file may be (--vars-file)")
    }

    @Test func aMalformedFileIsShownWithItsCaret() throws {
        let path = try TemporaryFolder.make("vars").write("vars.env", "a=1\n= 2\n")
        guard case .failure(let error) = VariablesFile.load(path) else {
            Issue.record("loaded")
            return
        }
        #expect(error.status == .malformedInput)
        let text = DiagnosticPrinter().render(error)
        #expect(text.hasPrefix("\(path):2:1: error: \"\" is not a variable name\n"), "\(text)")
        #expect(text.contains(" 2 | = 2\n"))
    }

    @Test func theEnvironmentGivesVSH_VAR_Names() {
        let found = VariablesFile.fromEnvironment(["VSH_VAR_recipient": "+1415", "VSH_VAR_1x": "no", "VSH_VAR_otp": "no", "OTHER": "no"])
        #expect(found == ["recipient": "+1415"])
    }

    @Test(arguments: [
        (["a=1", "b=x=y"], ["a": "1", "b": "x=y"], nil as String?),
        (["novalue"], [:], "--var expects NAME=VALUE, got \"novalue\""),
        (["9=1"], [:], "--var name \"9\" is not a variable name (letters, digits and _, not starting with a digit)"),
        (["otp=1"], [:], "--var cannot set the built-in variable $otp"),
    ])
    func varArguments(_ arguments: [String], _ expected: [String: String], _ message: String?) {
        switch VariableArguments.parse(arguments) {
        case .success(let parsed):
            #expect(message == nil)
            #expect(parsed == expected)
        case .failure(let error):
            #expect(error.message == message)
            #expect(error.status == .malformedInput)
        }
    }
}

/// `--shard I/N`: a stable split for N CI machines.
@Suite struct ShardTests {
    static let inputs = (1...23).map { ScriptInput(name: "s\($0).vsh", path: "s\($0).vsh") }

    @Test(arguments: [1, 2, 3, 5, 23, 30])
    func everyFileIsInExactlyOnePartAndThePartsDifferByOneAtMost(count: Int) {
        let parts = (1...count).map { Shard("\($0)/\(count)")!.select(Self.inputs) }
        let all = parts.flatMap { $0 }
        #expect(all.count == Self.inputs.count)
        #expect(Set(all) == Set(Self.inputs))
        let sizes = parts.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func thePartsDoNotDependOnTheOrderFilesWereGiven() {
        let shard = Shard("2/4")!
        #expect(shard.select(Self.inputs) == shard.select(Self.inputs.reversed()))
    }

    @Test(arguments: ["0/3", "4/3", "1/0", "a/b", "1/", "/2", "1/2/3", "", "-1/2"])
    func aMalformedShardIsRefused(_ text: String) {
        #expect(Shard(text) == nil)
    }
}

/// `vsh run PATH…`: which files a set of paths names.
@Suite struct ScriptFinderTests {
    @Test func foldersGiveTheirScriptsSortedWithoutHiddenOnes() throws {
        let folder = try TemporaryFolder.make("finder")
        for name in ["b.vsh", "a.vsh", "sub/c.vsh", "notes.txt", ".hidden.vsh", ".git/x.vsh", "sub/.d.vsh"] { try folder.write(name, "print 1\n") }
        let found = try ScriptFinder.expand([folder.path]).map { String($0.name.dropFirst(folder.path.count + 1)) }
        #expect(found == ["a.vsh", "b.vsh", "sub/c.vsh"])
    }

    @Test func aScriptNamedTwiceRunsOnce() throws {
        let folder = try TemporaryFolder.make("finder")
        let path = try folder.write("a.vsh", "print 1\n")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.vsh").path, withDestinationPath: path)
        let found = try ScriptFinder.expand([path, folder.path + "/./a.vsh", folder.appendingPathComponent("link.vsh").path, "-", "-"])
        #expect(found.map(\.name) == [path, "<stdin>", "<stdin>"])
    }

    @Test func aLinkLoopEndsTheWalk() throws {
        let folder = try TemporaryFolder.make("finder")
        try folder.write("sub/a.vsh", "print 1\n")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("sub/loop").path, withDestinationPath: folder.path)
        let found = try ScriptFinder.expand([folder.path])
        #expect(found.count == 1)
    }

    @Test func pathsThatNameNothingRunnableAreUsageErrors() throws {
        let empty = try TemporaryFolder.make("finder")
        #expect(throws: CommandError("no such file or directory: /nonexistent/x.vsh")) { try ScriptFinder.expand(["/nonexistent/x.vsh"]) }
        #expect(throws: CommandError("no *.vsh scripts under \(empty.path)")) { try ScriptFinder.expand([empty.path]) }
    }
}
