// swift-tools-version:5.3
//
// libFuzzer targets for vsh, kept out of the main package so that its build is untouched.
// Build and run them with scripts/fuzz (it passes -sanitize=fuzzer,address and
// -parse-as-library); each executable defines LLVMFuzzerTestOneInput and gets its
// main() from libFuzzer. See docs/reliability.md, "Fuzzing".
//
// Tools version 5.3 on purpose, as swift-protobuf's FuzzTesting: from 5.5 on, SwiftPM
// renames an executable's entry point to `<Module>_main` on Linux, and a fuzz target has
// none (its main is libFuzzer's). Hence `.target` with a main.swift, not `.executableTarget`.
import PackageDescription

let package = Package(
    name: "vsh-fuzz",
    dependencies: [
        .package(name: "vsh", path: "../.."),
        // Already one of vsh's; named here for HTTPRequest.Method and HTTPFields.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Slicing of the fuzzer's bytes into typed values (after libFuzzer's FuzzedDataProvider).
        .target(name: "FuzzSupport"),
        .target(
            name: "FuzzParser",
            dependencies: ["FuzzSupport", .product(name: "VshSyntax", package: "vsh")]
        ),
        .target(
            name: "FuzzRun",
            dependencies: [
                "FuzzSupport", .product(name: "VshSyntax", package: "vsh"), .product(name: "VshRuntime", package: "vsh"),
                .product(name: "VerifySandbox", package: "vsh"), .product(name: "VerifyAPI", package: "vsh"),
            ]
        ),
        .target(
            name: "FuzzHAR",
            dependencies: [
                "FuzzSupport", .product(name: "VerifyCassette", package: "vsh"), .product(name: "VerifyAPI", package: "vsh"),
            ]
        ),
        .target(
            name: "FuzzJSON",
            dependencies: ["FuzzSupport", .product(name: "VerifyAPI", package: "vsh")]
        ),
        .target(
            name: "FuzzSandbox",
            dependencies: [
                "FuzzSupport", .product(name: "VerifySandbox", package: "vsh"), .product(name: "VerifyAPI", package: "vsh"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)
