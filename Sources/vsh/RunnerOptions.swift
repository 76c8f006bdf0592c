import ArgumentParser
import VshRunner
import VshSyntax
import VshSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `vsh run` adds for CI: parallel files, quiet output, reports, shards.
struct RunnerOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Show every request and assertion as it runs.")
    var verbose = false

    @Option(help: ArgumentHelp("Run this many files at once (default: the number of cores; 1 for live and record); output stays grouped by file, in order.", valueName: "N"))
    var jobs: Int?

    @Flag(name: .shortAndLong, help: "Print only failures and the summary.")
    var quiet = false

    @Flag(name: .customLong("fail-fast"), help: "Start no more files once one has failed.")
    var failFast = false

    @Option(name: .customLong("report-junit"), help: ArgumentHelp("Write JUnit XML (a testsuite per file, a testcase per assertion).", valueName: "FILE"))
    var reportJUnit: String?

    @Option(name: .customLong("report-json"), help: ArgumentHelp("Write the results as JSON (one object per file: status, steps, timings, failures).", valueName: "FILE"))
    var reportJSON: String?

    @Option(help: ArgumentHelp("Run only part I of N of the files (a stable split, for N CI machines).", valueName: "I/N"))
    var shard: String?

    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    var shardValue: Shard? { shard.flatMap(Shard.init) }

    func validate(inputs: [ScriptInput]) throws(CommandError) {
        if let jobs, jobs < 1 { throw CommandError("--jobs must be 1 or more, got \(jobs)") }
        if let shard, Shard(shard) == nil { throw CommandError("--shard expects I/N with 1 ≤ I ≤ N, such as 2/5; got \"\(shard)\"") }
        if quiet, verbose { throw CommandError("--quiet and --verbose contradict each other") }
    }

    /// `--jobs`, `--quiet`, reports…: what `vsh run` adds to a configuration.
    func configure(_ configuration: inout RunConfiguration, transport: TransportChoice, files: Int) {
        configuration.verbose = verbose
        // Live runs default to one file at a time: a terminal prompt for `$otp` cannot
        // be shared, and real messages are better sent in a predictable order.
        configuration.jobs = jobs ?? (transport == .live || transport == .record ? 1 : RunnerOptions.cores)
        configuration.quiet = quiet
        configuration.failFast = failFast
        configuration.junitReport = reportJUnit
        configuration.jsonReport = reportJSON
        // On a terminal, one live line instead of a line per passing file.
        configuration.progress = configuration.summary && !verbose && !quiet && Terminal.isTerminal(.output) && files > 1
    }
}
