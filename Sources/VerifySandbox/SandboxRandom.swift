import VerifyAPI

/// The sandbox's source of uuids and codes: seeded and reproducible, or the system's.
struct SandboxRandom: RandomNumberGenerator, Sendable {
    private var seeded: SplitMix64?
    private var system = SystemRandomNumberGenerator()

    init(seed: UInt64?) {
        seeded = seed.map(SplitMix64.init(seed:))
    }

    mutating func next() -> UInt64 {
        if seeded != nil { return seeded!.next() }
        return system.next()
    }

    /// A version-4 uuid, lower case.
    mutating func uuid() -> String {
        UUIDText.random(using: &self)
    }

    /// `length` decimal digits; leading zeros are allowed, as on a real phone.
    /// A random code of `length` digits. Never all zeros: the sandbox promises that
    /// `validate 000000` is always a wrong code, so scripts can test refusals deterministically.
    mutating func digits(_ length: Int) -> String {
        while true {
            let code = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &self))) })
            if code.contains(where: { $0 != "0" }) { return code }
        }
    }
}
