import VerifyAPI

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose
/// whole state is one `UInt64`, so a seed reproduces every uuid and code.
/// Not for secrets; the sandbox has none.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
