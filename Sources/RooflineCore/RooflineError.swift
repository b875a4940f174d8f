/// An error that says what went wrong and what to do, and which class of failure it is.
///
/// The command line maps `category` to its exit code: usage → 64, bad data → 65, unavailable → 69,
/// runtime → 1.
public struct RooflineError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Category: String, Sendable, Equatable {
        /// The command was called wrongly (an unknown option value, an impossible size).
        case usage
        /// An input file or config is malformed or inconsistent.
        case badData
        /// Something failed while running (I/O, a failed validation, too little memory).
        case runtime
        /// A service the command needs is not installed here (`probe --mpi` without an MPI library).
        case unavailable
    }

    public var category: Category
    /// One line: what is wrong and what to do about it.
    public var message: String

    public init(_ category: Category, _ message: String) {
        self.category = category
        self.message = message
    }

    public static func usage(_ message: String) -> RooflineError { RooflineError(.usage, message) }
    public static func badData(_ message: String) -> RooflineError { RooflineError(.badData, message) }
    public static func runtime(_ message: String) -> RooflineError { RooflineError(.runtime, message) }
    public static func unavailable(_ message: String) -> RooflineError { RooflineError(.unavailable, message) }

    public var description: String { message }
}
