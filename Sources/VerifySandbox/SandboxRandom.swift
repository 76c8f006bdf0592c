import VerifyAPI

/// The sandbox's source of uuids and codes: SplitMix64, from the given seed (reproducible)
/// or from one seed drawn from the system at start. Drawing every id from the system
/// cost a `getrandom` call each, about 7 % of the server's time; nothing here is a secret.
struct SandboxRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    init(seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        generator = SplitMix64(seed: seed ?? system.next())
    }

    mutating func next() -> UInt64 {
        generator.next()
    }

    /// A version-4 uuid, lower case.
    mutating func uuid() -> String {
        UUIDText.random(using: &self)
    }

    /// A random code of `length` digits; leading zeros are allowed, as on a real phone.
    /// Never all zeros: the sandbox promises that `validate 000000` is always a wrong
    /// code, so scripts can test refusals deterministically.
    mutating func digits(_ length: Int) -> String {
        while true {
            let code = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &self))) })
            if code.contains(where: { $0 != "0" }) { return code }
        }
    }
}
