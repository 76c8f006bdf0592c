/// vsh's version, printed by `vsh --version` and sent in `User-Agent: vsh/<version>`.
public enum VshVersion {
    public static let current = "0.1.0"
}
