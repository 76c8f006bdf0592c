import Foundation

/// The inputs a fuzz target found (Tests/Fuzz/regressions/TARGET), for the ordinary test run
/// to keep the target's property on each.
public enum FuzzRegressions {
    /// Tests/Fuzz/regressions/`target`.
    public static func folder(_ target: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions/\(target)")
    }

    /// The file names in the target's folder, sorted.
    public static func inputs(_ target: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder(target).path)) ?? []).sorted()
    }

    /// One input's bytes.
    public static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: folder(target).appendingPathComponent(name)))
    }
}
