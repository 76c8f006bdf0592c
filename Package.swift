// swift-tools-version: 6.1
//
// vsh: a scriptable shell for Plivo's Verify API.
//
// Layers, each its own target (see docs/architecture.md):
//
//   vsh (executable)   argument parsing and wiring only
//   VshRunner          files, the run loop, console output, exit codes
//   VshRuntime         the interpreter: variables, values, assertions
//   VshSyntax          lexer, parser, AST, static checks, diagnostics
//   VerifySandbox      the embedded emulator of the Verify API
//   VerifyAPI          wire types, JSON, request builders, the Transport protocol
import PackageDescription

let package = Package(
    name: "vsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vsh", targets: ["vsh"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "VerifyAPI",
            dependencies: [.product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(name: "VerifySandbox", dependencies: ["VerifyAPI"]),
        .target(name: "VshSyntax", dependencies: ["VerifyAPI"]),
        .target(
            name: "VshRuntime",
            dependencies: ["VshSyntax", "VerifyAPI", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .target(name: "VshRunner", dependencies: ["VshRuntime", "VshSyntax", "VerifyAPI"]),
        .executableTarget(
            name: "vsh",
            dependencies: [
                "VshRunner",
                "VerifySandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "VerifyAPITests", dependencies: ["VerifyAPI"]),
        .testTarget(name: "VerifySandboxTests", dependencies: ["VerifySandbox", "VerifyAPI"]),
        .testTarget(name: "VshSyntaxTests", dependencies: ["VshSyntax", "VerifyAPI"]),
        .testTarget(name: "VshRuntimeTests", dependencies: ["VshRuntime", "VshSyntax", "VerifyAPI", "VerifySandbox"]),
        .testTarget(name: "EndToEndTests", dependencies: ["vsh"]),
    ]
)
