import Foundation
import Testing
import VerifyAPI
import VerifyCassette
import VshRunner
import VshSyntax
import VshSystem
import VshTestSupport

/// The cassette of a run, in process: recorded through the embedded sandbox, replayed from
/// the file the run wrote, and the rules that keep a recording from being lost.
@Suite struct RunCassetteTests {
    @Test func aRecordingReplaysAndAnUnplayedExchangeIsStrictlyAnError() async throws {
        let (folder, inputs) = try scripts(["flow.vsh": passingFlow])
        let cassette = folder.appendingPathComponent("flow.har").path
        let (recorder, recorded) = makeRunner { $0.cassette = CassetteOptions(mode: .record(overwrite: false)) }
        #expect(await recorder.run(inputs) == .success)
        #expect(recorded.output.contains("  recorded 2 exchanges in \(cassette)\n"))
        guard case .success(let loaded) = CassetteStore.load(cassette, for: .replay) else {
            Issue.record("no cassette")
            return
        }
        #expect(loaded.exchanges.count == 2)

        let (replayer, replayed) = makeRunner { $0.cassette = CassetteOptions(mode: .replay(strict: true)) }
        #expect(await replayer.run(inputs) == .success, "\(replayed.value)")

        // A script that uses less than was recorded: a warning, and with --strict an error.
        try folder.write("flow.vsh", "session create recipient=+14155550100\nassert status == 202\n")
        let (lenient, warned) = makeRunner { $0.cassette = CassetteOptions(mode: .replay(strict: false)) }
        #expect(await lenient.run(inputs) == .success)
        #expect(warned.errors.hasPrefix("\(cassette): warning: 1 recorded exchange was not replayed\n  POST /v1/Account/"))
        let (strict, refused) = makeRunner { $0.cassette = CassetteOptions(mode: .replay(strict: true)) }
        #expect(await strict.run(inputs) == .runtimeFailure)
        #expect(refused.errors.hasPrefix("\(cassette): error: 1 recorded exchange was not replayed\n"))
    }

    @Test func anExistingCassetteIsReplacedOnlyWhenAsked() async throws {
        let (folder, inputs) = try scripts(["flow.vsh": passingFlow])
        let cassette = try folder.write("flow.har", "keep me")
        let transport = ScriptedTransport(answers: [created(), validated()])
        let (refusing, captured) = makeRunner({ $0.cassette = CassetteOptions(mode: .record(overwrite: false)) }, transport: { _ in transport })
        #expect(await refusing.run(inputs) == .usage)
        #expect(captured.errors == "\(cassette): error: cassette exists; recording again sends real requests (and paid messages): pass --overwrite to replace it\n")
        #expect(await transport.requests.isEmpty, "nothing is sent")
        #expect(try String(contentsOfFile: cassette, encoding: .utf8) == "keep me")

        let (overwriting, _) = makeRunner { $0.cassette = CassetteOptions(mode: .record(overwrite: true)) }
        #expect(await overwriting.run(inputs) == .success)
        #expect(try String(contentsOfFile: cassette, encoding: .utf8).hasPrefix("{"))
    }

    @Test func aRunCutShortDoesNotReplaceTheCassette() async throws {
        let (folder, inputs) = try scripts(["flow.vsh": passingFlow])
        let cassette = try folder.write("flow.har", "the old recording")
        let transport = ScriptedTransport(answers: [created()])  // the validate finds no answer: a runtime failure
        let (runner, captured) = makeRunner({ $0.cassette = CassetteOptions(mode: .record(overwrite: true)) }, transport: { _ in transport })
        #expect(await runner.run(inputs) == .runtimeFailure)
        #expect(captured.output.contains("  the run failed, so \(cassette) was not written\n"))
        #expect(try String(contentsOfFile: cassette, encoding: .utf8) == "the old recording")
    }

    @Test func aMissingOrBrokenCassetteSaysWhatToDo() async throws {
        let (folder, inputs) = try scripts(["flow.vsh": passingFlow])
        let (runner, missing) = makeRunner { $0.cassette = CassetteOptions(mode: .replay(strict: false)) }
        #expect(await runner.run(inputs) == .usage)
        #expect(missing.errors == "\(folder.path)/flow.har: error: no such cassette (record it once: vsh run --transport record flow.vsh)\n")
        try folder.write("flow.har", "{\"log\": 1}")
        let (again, broken) = makeRunner { $0.cassette = CassetteOptions(mode: .replay(strict: false)) }
        #expect(await again.run(inputs) == .malformedInput)
        #expect(broken.errors.hasPrefix("\(folder.path)/flow.har: error: not a cassette vsh can replay: "))
    }
}
