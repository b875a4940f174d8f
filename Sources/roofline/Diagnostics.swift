import Foundation

/// Progress and diagnostics go to stderr; results alone go to stdout. A stderr that cannot be written to is left
/// alone: there is nowhere else to say so. Every line is made safe to print (`printable`): text from the command
/// line or an input file cannot add lines, move the cursor or fill the terminal.
enum Diagnostics {
    nonisolated(unsafe) static var quiet = false
    /// Warnings said before the run's outcome is known; printed by `flushWarnings` (on success, or before the first
    /// progress line of a long run), dropped when the run fails, so that a failure is one line.
    nonisolated(unsafe) private static var pendingWarnings: [String] = []

    /// The most characters a diagnostic line keeps before it is cut with a note of how many were left out.
    static let lineLimit = 1_000

    /// One progress line on stderr, unless `--quiet`; warnings said so far come first.
    static func progress(_ message: String) {
        guard !quiet else { return }
        flushWarnings()
        try? StandardStream.error.write("roofline: \(printable(message))\n")
    }

    /// One error line on stderr (never silenced); warnings said before it are dropped.
    static func error(_ message: String) {
        pendingWarnings = []
        try? StandardStream.error.write("roofline: error: \(printable(message))\n")
    }

    /// One warning line on stderr (never silenced), printed once the run succeeds or starts to report progress.
    static func warning(_ message: String) {
        pendingWarnings.append("roofline: warning: \(printable(message))\n")
    }

    /// Prints the warnings said so far, in order.
    static func flushWarnings() {
        for line in pendingWarnings { try? StandardStream.error.write(line) }
        pendingWarnings = []
    }

    /// `message` on one line: control characters, line and paragraph separators and the byte-order mark written as
    /// `\n`, `\t`, `\u{1B}`…, and anything past `lineLimit` characters cut, with how many were.
    static func printable(_ message: String) -> String {
        var out = ""
        var count = 0
        for scalar in message.unicodeScalars {
            if count == lineLimit {
                let rest = message.unicodeScalars.count - lineLimit
                return out + "… (\(rest) more characters)"
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}
