extension Array where Element: Hashable {
    /// The elements in order, each once (its first place kept).
    public func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
