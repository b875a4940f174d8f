import Foundation

/// Progress and diagnostics go to stderr; results alone go to stdout.
enum Diagnostics {
    nonisolated(unsafe) static var quiet = false

    /// One progress line on stderr, unless `--quiet`.
    static func progress(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("roofline: \(message)\n".utf8))
    }

    /// One error line on stderr (never silenced).
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("roofline: error: \(message)\n".utf8))
    }

    /// One warning line on stderr (never silenced).
    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("roofline: warning: \(message)\n".utf8))
    }
}
