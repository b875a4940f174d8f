import Foundation

/// Writes files whole or not at all: content goes to a temporary file in the same folder, then is renamed over
/// the destination, so a reader (or a failed run) never sees half a file.
public enum AtomicFile {
    /// Throws a usage error naming `path` and the fix when the folder it would be written to is missing, not a
    /// folder, or not writable: the one check of an output path, made before any work and again when writing.
    public static func checkFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: folder) else {
            throw RooflineError.usage("cannot write \(path): folder \(folder) is missing or not writable; create it or choose another --output")
        }
    }

    /// Writes `data` to `path` atomically (`writeAll` with one file).
    public static func write(_ data: Data, to path: String) throws {
        try writeAll([(path, data)])
    }

    /// Writes several files as one: each goes to a temporary file first; only when all are written are they
    /// renamed into place. On any failure every temporary file is removed and no destination is touched. A missing
    /// or read-only folder is a usage error (`checkFolder`).
    public static func writeAll(_ files: [(path: String, data: Data)]) throws {
        var staged: [(temporary: String, destination: String)] = []
        do {
            for file in files {
                try checkFolder(of: file.path)
                let url = URL(fileURLWithPath: file.path)
                let temporary = url.deletingLastPathComponent()
                    .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
                staged.append((temporary, file.path))
                guard FileManager.default.createFile(atPath: temporary, contents: file.data) else {
                    throw RooflineError.runtime("cannot write \(file.path): creating a temporary file failed")
                }
            }
            for item in staged where rename(item.temporary, item.destination) != 0 {
                throw RooflineError.runtime("cannot write \(item.destination): rename failed (errno \(errno))")
            }
        } catch {
            for item in staged { try? FileManager.default.removeItem(atPath: item.temporary) }
            throw error
        }
    }
}
