/// `--shard I/N`: part I (1 to N) of a stable split of the files, so that N CI machines
/// each run one part (the CI's own matrix starts them). Files are taken in name order
/// and dealt round-robin: the parts differ in size by one file at most, every file is in
/// exactly one part, and the same file list always gives the same parts.
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    /// `2/5`; nil when the text is not `I/N` with 1 ≤ I ≤ N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// This part's files, in name order.
    public func select(_ inputs: [ScriptInput]) -> [ScriptInput] {
        let sorted = inputs.sorted { $0.name < $1.name }
        return sorted.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}
