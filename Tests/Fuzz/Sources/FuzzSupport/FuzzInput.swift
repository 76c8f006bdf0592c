#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fuzzer's bytes, consumed front to back as typed values, after libFuzzer's
/// `FuzzedDataProvider`: every read succeeds (past the end it yields zeros and empty
/// strings), so any input is a valid sequence of choices and mutations stay local.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var index = 0

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { index >= bytes.count }
    public var remainingCount: Int { bytes.count - index }

    /// One byte; 0 past the end.
    public mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    /// An element of `choices`, chosen by one byte.
    public mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int(byte()) % choices.count]
    }

    /// A string of at most `maxLength` bytes, ended by a backslash that is not doubled
    /// (`\\` is one backslash), as `ConsumeRandomLengthString` does: dictionary words land
    /// in it whole. Invalid UTF-8 is repaired (U+FFFD), as a String must be.
    public mutating func string(maxLength: Int = 1 << 16) -> String {
        String(decoding: stringBytes(maxLength: maxLength), as: UTF8.self)
    }

    /// The raw bytes of ``string(maxLength:)``.
    public mutating func stringBytes(maxLength: Int = 1 << 16) -> [UInt8] {
        var out: [UInt8] = []
        while index < bytes.count, out.count < maxLength {
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: "\\") {
                if index < bytes.count, bytes[index] == UInt8(ascii: "\\") {
                    index += 1
                } else {
                    break
                }
            }
            out.append(b)
        }
        return out
    }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}

/// Stops the fuzzer with a message, as a failed property must: `preconditionFailure`
/// traps, libFuzzer reports the crash and keeps the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        let text = Array("fuzz property violated: \(message())\n".utf8)
        _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        preconditionFailure(message())
    }
}

/// Whether a known defect, already saved under Tests/Fuzz/regressions, is to be passed
/// over so that fuzzing finds others: `VSH_FUZZ_SKIP` lists their names, comma-separated
/// (`scripts/fuzz --skip-known` sets it from Tests/Fuzz/known-defects). Never set when
/// the regressions are run, so they fail until the defect is fixed.
public func skipping(_ defect: String) -> Bool { skipped.contains(Substring(defect)) }

private let skipped: Set<Substring> = {
    guard let value = getenv("VSH_FUZZ_SKIP") else { return [] }
    return Set(String(cString: value).split(separator: ","))
}()
