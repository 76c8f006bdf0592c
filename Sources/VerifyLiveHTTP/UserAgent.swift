import VerifyAPI

/// `User-Agent: vsh/0.1.0 (Swift: 6.3)`, shaped like the official SDKs'
/// (`plivo-python/4.x (Python: 3.12)`): the tool, its version, the runtime's.
public enum UserAgent {
    /// The version of the Swift compiler vsh was built with, `major.minor`.
    public static let swiftVersion: String = {
        #if compiler(>=7.0)
        return "7+"
        #elseif compiler(>=6.5)
        return "6.5+"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }()

    /// The value every live request carries.
    public static let value = "vsh/\(VshVersion.current) (Swift: \(swiftVersion))"
}
