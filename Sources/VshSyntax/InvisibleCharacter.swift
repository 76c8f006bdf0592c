/// Characters that look like nothing, or like a plain space, but are not one: a
/// no-break space pasted from a web page, a zero-width space, a byte order mark in
/// the middle of a file, a bidirectional control. Outside strings and comments
/// the lexer names them in its diagnostic instead of reading `print 1` as one word.
public struct InvisibleCharacter: Sendable, Equatable {
    /// `U+00A0`.
    public var codePoint: String
    /// `NO-BREAK SPACE`.
    public var name: String
    /// The UTF-8 length.
    public var length: Int
    /// Whether it stands where a space was meant (else: delete it).
    public var isSpace: Bool

    /// The diagnostic's text.
    public var message: String {
        "invisible character \(codePoint) \(name) here; " + (isSpace ? "write a plain space" : "delete it")
    }

    /// The invisible character starting at `offset`, if one does.
    static func at(_ bytes: [UInt8], _ offset: Int) -> InvisibleCharacter? {
        guard offset < bytes.count, bytes[offset] >= 0xC2 else { return nil }
        let b0 = bytes[offset]
        func byte(_ i: Int) -> UInt8? { offset + i < bytes.count ? bytes[offset + i] : nil }
        if b0 == 0xC2, let b1 = byte(1) {
            if b1 == 0xA0 { return InvisibleCharacter(codePoint: "U+00A0", name: "NO-BREAK SPACE", length: 2, isSpace: true) }
            if b1 == 0xAD { return InvisibleCharacter(codePoint: "U+00AD", name: "SOFT HYPHEN", length: 2, isSpace: false) }
            return nil
        }
        guard let b1 = byte(1), let b2 = byte(2) else { return nil }
        let scalar = (UInt32(b0 & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
        guard b0 & 0xF0 == 0xE0, let (name, isSpace) = Self.names[scalar] else { return nil }
        let hex = String(scalar, radix: 16, uppercase: true)
        return InvisibleCharacter(codePoint: "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex, name: name, length: 3, isSpace: isSpace)
    }

    private static let names: [UInt32: (String, Bool)] = [
        0x2000: ("EN QUAD", true), 0x2001: ("EM QUAD", true), 0x2002: ("EN SPACE", true), 0x2003: ("EM SPACE", true),
        0x2004: ("THREE-PER-EM SPACE", true), 0x2005: ("FOUR-PER-EM SPACE", true), 0x2006: ("SIX-PER-EM SPACE", true),
        0x2007: ("FIGURE SPACE", true), 0x2008: ("PUNCTUATION SPACE", true), 0x2009: ("THIN SPACE", true),
        0x200A: ("HAIR SPACE", true), 0x200B: ("ZERO WIDTH SPACE", false), 0x200C: ("ZERO WIDTH NON-JOINER", false),
        0x200D: ("ZERO WIDTH JOINER", false), 0x200E: ("LEFT-TO-RIGHT MARK", false), 0x200F: ("RIGHT-TO-LEFT MARK", false),
        0x2028: ("LINE SEPARATOR", true), 0x2029: ("PARAGRAPH SEPARATOR", true),
        0x202A: ("LEFT-TO-RIGHT EMBEDDING", false), 0x202B: ("RIGHT-TO-LEFT EMBEDDING", false),
        0x202C: ("POP DIRECTIONAL FORMATTING", false), 0x202D: ("LEFT-TO-RIGHT OVERRIDE", false),
        0x202E: ("RIGHT-TO-LEFT OVERRIDE", false), 0x202F: ("NARROW NO-BREAK SPACE", true),
        0x205F: ("MEDIUM MATHEMATICAL SPACE", true), 0x2060: ("WORD JOINER", false),
        0x2066: ("LEFT-TO-RIGHT ISOLATE", false), 0x2067: ("RIGHT-TO-LEFT ISOLATE", false),
        0x2068: ("FIRST STRONG ISOLATE", false), 0x2069: ("POP DIRECTIONAL ISOLATE", false),
        0x3000: ("IDEOGRAPHIC SPACE", true), 0xFEFF: ("ZERO WIDTH NO-BREAK SPACE (a byte order mark)", false),
    ]
}
