#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error written with write(2), so that a closed or full stream is an error the
/// tool reports (or, for a reader that went away, a quiet end) rather than a trap inside FileHandle.
enum StandardStream {
    case output, error

    /// A write that did not reach its stream.
    struct WriteError: Error {
        /// The errno of the failed write(2).
        var code: Int32
        var stream: StandardStream

        /// The reader of a pipe went away (`| head -1`): nothing is wrong, there is just nobody left to tell.
        var readerClosed: Bool { code == EPIPE }

        var message: String {
            "cannot write to standard \(stream == .output ? "output" : "error"): \(String(cString: strerror(code)))"
        }
    }

    var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }

    /// Writes all of `text`, retrying short writes and interruptions. Throws `WriteError` when the stream is
    /// closed, full or gone.
    func write(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(code: errno, stream: self)
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Ignores SIGPIPE so that a write to a pipe whose reader has gone returns EPIPE instead of killing the process.
    static func reportBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
