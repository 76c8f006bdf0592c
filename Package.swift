// swift-tools-version: 6.1
//
// vsh: a scriptable shell for Plivo's Verify API.
//
// Layers, each its own target (docs/architecture.md has the picture):
//
//   vsh (executable)      argument parsing and wiring only: each subcommand's options,
//                         transports built from the flags in one place
//   vsh-sandbox (exec.)   the sandbox over HTTP; its own binary, so Hummingbird
//                         stays out of the CLI's start-up path
//   VshLineEditor         the prompt's line reader, on libedit (CEditLine)
//   VshREPL               the prompt: loop, its own commands, completion, history, save
//   VshRunner             vsh run and check: scheduling, one file's run, results, reports
//   VshSystem             files (capped read, atomic write), environment, console,
//                         terminal, the async bridge, the cassette store
//   VshRuntime            the interpreter: variables, values, assertions
//   VshSyntax             lexer, parser, AST, checks, the command table, diagnostics,
//                         CommandError and ExitStatus, the one printer
//   VerifyLiveHTTP        the live transport, on AsyncHTTPClient
//   VerifySandboxServer   the sandbox behind Hummingbird
//   VerifySandbox         the embedded emulator of the Verify API
//   VerifyCassette        record and replay transports, HAR, lint (no file access)
//   VerifyAPI             wire types, JSON, redaction, request builders, the Transport protocol
//   parser-benchmark      in-process parser throughput, for scripts/bench
//   VshTestSupport        what the test targets share (Tests/VshTestSupport)
import PackageDescription

let package = Package(
    name: "vsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vsh", targets: ["vsh"]),
        .executable(name: "vsh-sandbox", targets: ["vsh-sandbox"]),
        // Libraries only so that the fuzzing package (Tests/Fuzz) can link the layers it
        // fuzzes, built with its own sanitizer flags; nothing else is meant to depend on them.
        .library(name: "VshSyntax", targets: ["VshSyntax"]),
        .library(name: "VshRuntime", targets: ["VshRuntime"]),
        .library(name: "VerifyAPI", targets: ["VerifyAPI"]),
        .library(name: "VerifyCassette", targets: ["VerifyCassette"]),
        .library(name: "VerifySandbox", targets: ["VerifySandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The sandbox's queue of status callbacks: a heap by due instant, a deque for the log.
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // HMAC-SHA256 for the signatures of the sandbox's status callbacks, as Plivo signs them.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(
            name: "VerifyAPI",
            dependencies: [.product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(
            name: "VerifySandbox",
            dependencies: [
                "VerifyAPI",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "VerifySandboxServer",
            dependencies: [
                "VerifySandbox", "VerifyAPI",
                // The status callbacks' client, and their signatures.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The inbox page, compiled into the binary (`PackageResources`): no files to
            // install beside it, no CDN, no build step.
            resources: [.embedInCode("Inbox/inbox.html"), .embedInCode("Inbox/inbox.css"), .embedInCode("Inbox/inbox.js"), .embedInCode("Inbox/icon.svg")]
        ),
        .target(
            name: "VerifyLiveHTTP",
            dependencies: [
                "VerifyAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "VerifyCassette",
            dependencies: ["VerifyAPI", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(name: "VshSyntax", dependencies: ["VerifyAPI"]),
        .target(name: "VshSystem", dependencies: ["VshSyntax", "VerifyAPI", "VerifyCassette"]),
        // libedit, for the prompt's line editing: Debian's libedit-dev (scripts/lib.sh installs it).
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(
            name: "VshREPL",
            dependencies: ["VshSystem", "VshRuntime", "VshSyntax", "VerifyAPI", "VerifyCassette", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(name: "VshLineEditor", dependencies: ["CEditLine", "VshREPL", "VshSystem"]),
        .target(
            name: "VshRuntime",
            dependencies: ["VshSyntax", "VerifyAPI", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(name: "VshRunner", dependencies: ["VshSystem", "VshRuntime", "VshSyntax", "VerifyAPI", "VerifyCassette"]),
        .executableTarget(
            name: "vsh",
            dependencies: [
                "VshRunner",
                "VshSystem",
                "VshSyntax",
                "VshREPL",
                "VshLineEditor",
                "VerifySandbox",
                "VerifyLiveHTTP",
                "VerifyCassette",
                "VerifyAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "vsh-sandbox",
            dependencies: [
                "VerifySandboxServer",
                "VerifySandbox",
                "VerifyAPI",
                // The one capped read and atomic write (--state), errors and their printer.
                "VshSystem",
                "VshSyntax",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // In-process parser throughput, for scripts/bench (not a product).
        .executableTarget(name: "parser-benchmark", dependencies: ["VshSyntax"], path: "Benchmarks/ParserBenchmark"),

        // What several test targets share: a scripted transport, the test account, temporary
        // folders removed at exit, a held loopback port, a captured console, the fuzz regressions.
        .target(name: "VshTestSupport", dependencies: ["VerifyAPI", "VshSystem"], path: "Tests/VshTestSupport"),
        .testTarget(name: "VerifyAPITests", dependencies: ["VerifyAPI"]),
        .testTarget(name: "VerifySandboxTests", dependencies: ["VerifySandbox", "VerifyAPI", "VshTestSupport"]),
        .testTarget(
            name: "VerifySandboxServerTests",
            dependencies: [
                "VerifySandboxServer", "VerifySandbox", "VerifyAPI", "VshTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VerifyLiveHTTPTests",
            dependencies: [
                "VerifyLiveHTTP", "VerifySandboxServer", "VerifySandbox", "VerifyAPI", "VshTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "VerifyCassetteTests", dependencies: ["VerifyCassette", "VerifyAPI", "VerifySandbox", "VshTestSupport"]),
        .testTarget(name: "VshREPLTests", dependencies: ["VshREPL", "VshRuntime", "VshSyntax", "VerifyAPI", "VerifySandbox", "VshSystem", "VshTestSupport"]),
        .testTarget(name: "VshSyntaxTests", dependencies: ["VshSyntax", "VerifyAPI", "VshTestSupport"]),
        .testTarget(name: "VshRuntimeTests", dependencies: ["VshRuntime", "VshSyntax", "VerifyAPI", "VerifySandbox", "VerifyCassette", "VshTestSupport"]),
        .testTarget(
            name: "VshRunnerTests", dependencies: ["VshRunner", "VshSystem", "VshRuntime", "VshSyntax", "VerifyAPI", "VerifySandbox", "VshTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["vsh", "vsh-sandbox", "VshTestSupport"]),
    ]
)
