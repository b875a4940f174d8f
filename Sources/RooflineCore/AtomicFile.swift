import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files whole or not at all, and a set of files as one unit.
///
/// One file: the content goes to a temporary file in the destination's folder, takes the mode (and, for root, the
/// owner) of the file it replaces, and is renamed over it, so a reader never sees half a file. A symbolic link is
/// followed: its target is replaced and the link kept. A destination that is not a regular file (a device such as
/// /dev/null, a FIFO, /dev/stdout) is written in place, since it cannot be replaced; a folder is refused.
///
/// A set (a report's markdown and charts): with SIGINT, SIGTERM and SIGHUP held back until the set is in place,
/// every file is staged; then, holding an exclusive lock on the folder (flock, so concurrent writers of the same
/// folder take turns), each existing destination is kept as a hard-linked backup, the staged files are renamed
/// over the destinations, and the backups are dropped. If any rename fails, the backups are renamed
/// back and the folder holds the old set. Temporary and backup files left by a run that was killed outright
/// (SIGKILL, power loss) carry its process id and are removed by the next write to that folder.
public enum AtomicFile {
    /// The path that means standard output.
    public static let standardOutputPath = "-"

    /// Throws a usage error naming `path` and the fix when the folder it would be written to is missing, not a
    /// folder, or not writable, or when `path` is a folder: the one check of an output path, made before any work
    /// and again when writing.
    public static func checkFolder(of path: String) throws {
        guard path != standardOutputPath else { return }
        try check(Destination(path), shownAs: path)
    }

    /// `checkFolder` on a destination already resolved.
    static func check(_ destination: Destination, shownAs path: String) throws {
        if destination.isLinkLoop {
            throw RooflineError.usage("cannot write \(path): it is part of a loop of symbolic links; remove the links or choose another --output")
        }
        if let status = destination.status, status.st_mode & S_IFMT == S_IFDIR {
            throw RooflineError.usage("cannot write \(path): it is a folder; name a file in it")
        }
        if destination.isSpecial {
            guard access(path, W_OK) == 0 else {
                throw RooflineError.usage("cannot write \(path): it is not writable; choose another --output")
            }
            return
        }
        let folder = destination.folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              access(folder, W_OK | X_OK) == 0 else {
            throw RooflineError.usage("cannot write \(path): folder \(folder) is missing or not writable; create it or choose another --output")
        }
    }

    /// Writes `data` to `path` whole or not at all (see the type's doc); "-" writes to standard output.
    public static func write(_ data: Data, to path: String) throws {
        if path == standardOutputPath {
            try writeInPlace(data, to: "/dev/stdout", shownAs: path)
            return
        }
        let destination = Destination(path)
        guard destination.isSpecial else {
            try writeAll([(path, data)])  // checks the folder itself
            return
        }
        try check(destination, shownAs: path)
        try writeInPlace(data, to: destination.path, shownAs: path)
    }

    /// Writes several files as one unit (see the type's doc). On any failure no destination changes and every
    /// temporary file is removed. The files must be distinct regular files (or absent) in writable folders.
    public static func writeAll(_ files: [(path: String, data: Data)]) throws {
        let destinations = files.map { Destination($0.path) }
        var seen = Set<String>()
        for (file, destination) in zip(files, destinations) {
            try check(destination, shownAs: file.path)
            guard seen.insert(destination.path).inserted else {
                throw RooflineError.usage("cannot write \(file.path) twice in one set: give each file its own name")
            }
            guard !destination.isSpecial else {
                throw RooflineError.usage("cannot write \(file.path) as part of a set: it is not a regular file")
            }
        }
        let folders = Array(Set(destinations.map(\.folder))).sorted()
        for folder in folders { removeStaleFiles(in: folder) }
        // Signals wait from the first temporary file to the last rename, so that none is left behind by one.
        try withSignalsHeld {
            var staged: [Staged] = []
            do {
                for (file, destination) in zip(files, destinations) {
                    staged.append(try stage(file.data, for: destination, shownAs: file.path))
                }
                try withLocks(on: folders) { try commit(staged) }
            } catch {
                for item in staged { unlink(item.temporary) }
                throw error
            }
        }
    }

    /// The file a write to `path` replaces: `path` with its symbolic links followed.
    public static func resolvedPath(_ path: String) -> String { Destination(path).path }

    /// A destination with its symbolic links followed.
    struct Destination {
        /// The file that is written: the path itself, or the target of the link chain it names.
        var path: String
        /// The existing file's status; nil when there is none yet.
        var status: stat?
        /// The requested path is a symbolic link in a loop (stat fails with ELOOP): nothing can be written there.
        var isLinkLoop = false

        init(_ requested: String) {
            var info = stat()
            let found = stat(requested, &info) == 0
            isLinkLoop = !found && errno == ELOOP
            if found {
                // It exists (through any links): a special file is written where it is, by the name given (a
                // /proc magic link such as /dev/stdout resolves only when opened); a regular file is replaced
                // at its real path.
                status = info
                if info.st_mode & S_IFMT == S_IFREG, let resolved = realpath(requested, nil) {
                    path = String(cString: resolved)
                    free(resolved)
                } else {
                    path = requested
                }
                return
            }
            // Nothing there yet, or a link to a file that does not exist yet: follow the chain to the name to create.
            var path = requested
            for _ in 0..<40 {  // as many links as the kernel follows before ELOOP
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
                      let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { break }
                path = target.hasPrefix("/") ? target
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).path
            }
            self.path = path
            status = nil
        }

        var folder: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
        var name: String { URL(fileURLWithPath: path).lastPathComponent }
        /// An existing destination that is neither a regular file nor a folder: a device, a FIFO, a socket.
        var isSpecial: Bool {
            guard let mode = status?.st_mode else { return false }
            return mode & S_IFMT != S_IFREG && mode & S_IFMT != S_IFDIR
        }
    }

    /// A staged file: its temporary path beside the destination.
    struct Staged {
        var temporary: String
        var destination: Destination
        var shownAs: String
        var backup: String { temporaryPath(for: destination, kind: "bak") }
    }

    /// `.NAME.PID.KIND` beside the destination: hidden, and named by the process that made it.
    /// `.NAME.PID.KIND` beside the destination. A name too long for that to fit in 255 bytes (NAME_MAX) is cut
    /// short and ends in `~` and 16 hex digits of a hash of the whole name (`shortenedNamePattern`), so that the files
    /// of one set that share a long prefix still get distinct temporaries; `removeStaleFiles` deletes such a stale
    /// backup rather than restore it under the cut name.
    /// How a cut name ends (`temporaryPath`): `~` and 16 hex digits.
    static let shortenedNamePattern = "~[0-9a-f]{16}$"

    static func temporaryPath(for destination: Destination, kind: String) -> String {
        let suffix = ".\(getpid()).\(kind)"
        var name = destination.name
        if 1 + name.utf8.count + suffix.utf8.count > 255 {
            // FNV-1a, 64 bits, of the whole name.
            let hash = name.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
            let mark = "~" + String(format: "%016llx", hash)
            while 1 + name.utf8.count + mark.utf8.count + suffix.utf8.count > 255 { name.removeLast() }
            name += mark
        }
        return "\(destination.folder)/.\(name)\(suffix)"
    }

    /// Writes `data` to a new temporary file beside `destination`, with the mode and owner of the file it replaces
    /// (a new file gets 0666 less the umask, as any created file).
    static func stage(_ data: Data, for destination: Destination, shownAs path: String) throws -> Staged {
        let temporary = temporaryPath(for: destination, kind: "tmp")
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure(path, "creating a temporary file beside it failed") }
        defer { close(descriptor) }
        if let existing = destination.status {
            fchmod(descriptor, existing.st_mode & 0o7777)
            if geteuid() == 0 { _ = fchown(descriptor, existing.st_uid, existing.st_gid) }
        }
        do {
            try writeAll(data, to: descriptor, shownAs: path)
        } catch {
            unlink(temporary)
            throw error
        }
        guard fsync(descriptor) == 0 else {
            unlink(temporary)
            throw failure(path, "flushing it to disk failed")
        }
        return Staged(temporary: temporary, destination: destination, shownAs: path)
    }

    /// Renames every staged file over its destination, after keeping each existing destination as a hard-linked
    /// backup (a copy where the file system has no hard links); on a failed rename, puts the backups back and
    /// removes what was renamed into place without one.
    static func commit(_ staged: [Staged]) throws {
        var backedUp: [Staged] = []
        var placed: [Staged] = []
        func rollBack() {
            for item in placed where !backedUp.contains(where: { $0.destination.path == item.destination.path }) {
                unlink(item.destination.path)
            }
            for item in backedUp { rename(item.backup, item.destination.path) }
        }
        for item in staged where item.destination.status != nil {
            unlink(item.backup)
            guard link(item.destination.path, item.backup) == 0
                    || (try? FileManager.default.copyItem(atPath: item.destination.path, toPath: item.backup)) != nil else {
                let code = errno
                for done in backedUp { unlink(done.backup) }
                throw failure(item.shownAs, "keeping the old file while the set is replaced failed (\(describe(code)))")
            }
            backedUp.append(item)
        }
        for item in staged {
            guard rename(item.temporary, item.destination.path) == 0 else {
                let code = errno
                rollBack()
                throw failure(item.shownAs, "replacing it failed (\(describe(code))); the old files are back in place")
            }
            placed.append(item)
        }
        for item in backedUp { unlink(item.backup) }
    }

    /// Writes `data` straight to an existing special file (a device, a FIFO, standard output).
    static func writeInPlace(_ data: Data, to path: String, shownAs shown: String) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(shown, describe(errno)) }
        defer { close(descriptor) }
        try writeAll(data, to: descriptor, shownAs: shown)
    }

    /// write(2) until every byte is out, retrying interruptions.
    static func writeAll(_ data: Data, to descriptor: Int32, shownAs path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, describe(errno))
                }
                offset += written
            }
        }
    }

    /// Runs `body` with SIGINT, SIGTERM and SIGHUP deferred: while it runs, a handler only records such a signal;
    /// afterwards the previous dispositions return and a recorded signal is raised again, so it takes effect (or is
    /// ignored, where it was ignored) once the files are in place. Handlers, unlike a thread's signal mask, hold for
    /// every thread of the process.
    static func withSignalsHeld<T>(_ body: () throws -> T) rethrows -> T {
        let signals = [SIGINT, SIGTERM, SIGHUP]
        pendingSignal = 0
        let previous = signals.map { signal($0, recordSignal) }
        defer {
            for (number, handler) in zip(signals, previous) { signal(number, handler) }
            if pendingSignal != 0 { raise(pendingSignal) }
        }
        return try body()
    }

    /// Runs `body` holding an exclusive flock on each folder (in path order, so two writers cannot deadlock). A
    /// file system without locks (ENOLCK, EOPNOTSUPP) is written without one.
    static func withLocks<T>(on folders: [String], _ body: () throws -> T) throws -> T {
        var descriptors: [Int32] = []
        defer {
            for descriptor in descriptors {
                flock(descriptor, LOCK_UN)
                close(descriptor)
            }
        }
        for folder in folders {
            let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure(folder, "opening the folder to lock it failed") }
            descriptors.append(descriptor)
            while flock(descriptor, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                if errno == ENOLCK || errno == EOPNOTSUPP { break }
                throw failure(folder, "locking the folder failed (\(describe(errno)))")
            }
        }
        return try body()
    }

    /// Removes `.NAME.PID.tmp` and `.NAME.PID.bak` files in `folder` whose process is gone, restoring a backup
    /// whose file is missing (a run killed between its renames).
    static func removeStaleFiles(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(".") && (name.hasSuffix(".tmp") || name.hasSuffix(".bak")) {
            let parts = name.split(separator: ".")
            guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = "\(folder)/\(name)"
            if name.hasSuffix(".bak") {
                let original = "\(folder)/" + String(name.dropFirst().dropLast(".\(pid).bak".count))
                let shortened = original.range(of: shortenedNamePattern, options: .regularExpression) != nil
                if !shortened, access(original, F_OK) != 0 { rename(path, original) }
            }
            unlink(path)
        }
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func failure(_ path: String, _ reason: String) -> RooflineError {
        RooflineError.runtime("cannot write \(path): \(reason)")
    }
}

/// The signal `AtomicFile.withSignalsHeld` recorded while it held signals back; 0 for none. Written only by the
/// handler and by the one thread that commits a set.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

/// The handler in place while a set is committed: records the signal to raise once the files are in place.
private func recordSignal(_ number: Int32) {
    pendingSignal = number
}
