import Foundation
import Synchronization

/// Temporary folders for tests, removed when the test process exits (however many tests made
/// them, and whatever they left inside), so a run leaves nothing behind in /tmp.
///
/// Removal waits for the process to end, not for the test: a test's child processes and
/// the paths it hands them outlive its last use of the folder's value.
public enum TemporaryFolder {
    private static let made = Mutex<[String]>([])
    private static let registerCleanup: Void = {
        atexit {
            for path in TemporaryFolder.made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
    }()

    /// A new empty folder, `vsh-PREFIX-UUID` under the system's temporary directory.
    public static func make(_ prefix: String = "test") throws -> URL {
        _ = registerCleanup
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vsh-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made.withLock { $0.append(url.path) }
        return url
    }
}

extension URL {
    /// Writes `text` to a file in this folder (making the folders it names) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to a file in this folder (making the folders it names) and returns its path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }
}
