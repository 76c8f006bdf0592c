/// Sizes for people: `1 MiB`, `64 KiB`, `100 bytes`. One formatter for every cap vsh
/// names (an answer's, a script's, a cassette's).
public enum ByteCount {
    public static func text(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }
}
