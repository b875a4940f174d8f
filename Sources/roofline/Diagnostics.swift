import Foundation

/// Progress and diagnostics go to stderr; results alone go to stdout. A stderr that cannot be written to is left
/// alone: there is nowhere else to say so.
enum Diagnostics {
    nonisolated(unsafe) static var quiet = false

    /// One progress line on stderr, unless `--quiet`.
    static func progress(_ message: String) {
        guard !quiet else { return }
        try? StandardStream.error.write("roofline: \(message)\n")
    }

    /// One error line on stderr (never silenced).
    static func error(_ message: String) {
        try? StandardStream.error.write("roofline: error: \(message)\n")
    }

    /// One warning line on stderr (never silenced).
    static func warning(_ message: String) {
        try? StandardStream.error.write("roofline: warning: \(message)\n")
    }
}
