/// What to do about OPENBLAS_CORETYPE before loading OpenBLAS, and why.
public struct OpenBLASCoreDecision: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// The user set OPENBLAS_CORETYPE: load with it, never override.
        case respectUser = "respect-user"
        /// OpenBLAS's own choice is as wide as the CPU allows (or cannot be judged): keep it.
        case keepLibraryChoice = "keep-library-choice"
        /// OpenBLAS chose a core narrower than the CPU supports: reload with `core`.
        case override
    }

    public var action: Action
    /// The core to set (override) or the one in effect (the user's or the library's).
    public var core: String
    public var reason: String

    public init(action: Action, core: String, reason: String) {
        self.action = action
        self.core = core
        self.reason = reason
    }
}
