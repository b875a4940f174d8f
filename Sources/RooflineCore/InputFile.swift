import Foundation

/// Reads the files a user hands the tool (configs, profiles, device files, calibrations, measured tables) after
/// checking, without opening it, that the path names a regular file of a sane size: opening a FIFO or a device
/// such as /dev/zero would block or never end, and reading a multi-gigabyte file whole would take minutes and
/// gigabytes of memory before the parser said it was not what was asked for.
public enum InputFile {
    /// The most bytes a JSON input (model config, profile, device file, calibration) may hold: 256 MiB. The largest
    /// real ones are a few megabytes (a calibration 0.2 MB, a full cluster profile a few MB, a Hugging Face
    /// config.json a few kB).
    public static let jsonLimitBytes = 256 << 20
    /// The most bytes a measured CSV table may hold: 1 GiB, ten times the whole of AIConfigurator's H100 tables
    /// before thinning (the bundled ones are 0.2–2.9 MB each).
    public static let tableLimitBytes = 1 << 30

    /// The contents of the regular file at `path`, at most `limitBytes` long. A missing or unreadable path is a usage
    /// error, as is anything but a regular file (a folder, FIFO, socket or device; links are followed); a larger file
    /// is bad data. `what` names the input in the message ("model config"), `fix` says what to give instead.
    public static func read(_ path: String, what: String, limitBytes: Int, fix: String) throws -> Data {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno == ELOOP ? "it is part of a loop of symbolic links" : String(cString: strerror(errno))
            throw RooflineError.usage("cannot read \(what) \(path): \(reason); \(fix)")
        }
        if let kind = kind(of: status) {
            throw RooflineError.usage("cannot read \(what) \(path): it is \(kind), not a file; \(fix)")
        }
        guard Int(status.st_size) <= limitBytes else {
            throw RooflineError.badData("\(path) holds \(Format.bytes(Double(status.st_size))), more than the "
                + "\(Format.bytes(Double(limitBytes))) a \(what) can be: \(fix)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RooflineError.usage("cannot read \(what) \(path): check its permissions; \(fix)")
        }
        return data
    }

    /// What the file at `path` is when it exists and is not a regular file ("a folder", "a pipe", "a device",
    /// "a socket"); nil for a regular file or a path that cannot be examined. Links are followed.
    public static func nonRegularKind(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return kind(of: status)
    }

    static func kind(of status: stat) -> String? {
        switch status.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a pipe"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}
