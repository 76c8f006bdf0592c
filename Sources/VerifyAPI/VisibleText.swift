/// Text from outside (a cassette, an answer) made safe to print on a terminal: control
/// characters become their visible pictures (ESC as `␛`, NUL as `␀`, DEL as `␡`), so a
/// file cannot retitle, clear or recolour the terminal that shows it; C1 controls and
/// the bidirectional overrides that reorder what a line appears to say become `⟨U+202E⟩`.
public enum VisibleText {
    /// `text` with every control character visible; line feeds and tabs stay when asked.
    public static func of(_ text: some StringProtocol, keepingNewlines: Bool = true, keepingTabs: Bool = true) -> String {
        // Most text has nothing to replace: return it without building a new string.
        guard text.unicodeScalars.contains(where: { needsPicture($0, keepingNewlines, keepingTabs) }) else { return String(text) }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsPicture(scalar, keepingNewlines, keepingTabs) else {
                out.append(scalar)
                continue
            }
            switch scalar.value {
            case 0..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "⟨U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)⟩".unicodeScalars)
            }
        }
        return String(out)
    }

    private static func needsPicture(_ scalar: Unicode.Scalar, _ keepingNewlines: Bool, _ keepingTabs: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !keepingNewlines
        case 0x09: !keepingTabs
        case 0..<0x20, 0x7F, 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
