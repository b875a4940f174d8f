import Foundation

/// The local Hugging Face hub cache, read offline: `models--{org}--{name}/refs/{revision}` holds a commit hash and
/// `models--{org}--{name}/snapshots/{hash}/config.json` the config (usually a symlink into `blobs/`), as
/// `huggingface_hub` lays it out (https://huggingface.co/docs/huggingface_hub/guides/manage-cache).
public struct HubCache: Sendable {
    /// The cache folder: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`.
    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The cache the environment names, in `huggingface_hub`'s order of precedence.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let hub = environment["HF_HUB_CACHE"], !hub.isEmpty {
            root = URL(fileURLWithPath: hub, isDirectory: true)
        } else if let home = environment["HF_HOME"], !home.isEmpty {
            root = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent("hub", isDirectory: true)
        } else {
            let userHome = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            root = userHome.appendingPathComponent(".cache/huggingface/hub", isDirectory: true)
        }
    }

    /// Whether `text` has the form of a hub id: `org/name`, two non-empty parts of letters, digits, `-`, `_`, `.`.
    public static func isHubID(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.unicodeScalars.allSatisfy(allowed.contains)
        }
    }

    /// The repository folder of `id`: `models--org--name`.
    public func repositoryFolder(_ id: String) -> URL {
        root.appendingPathComponent("models--" + id.replacingOccurrences(of: "/", with: "--"), isDirectory: true)
    }

    /// The `config.json` of `id` at `revision` (a ref such as `main`, or a commit hash that has a snapshot).
    /// A missing repository, ref, snapshot or file is a usage error naming every path searched and the command
    /// that downloads the config.
    public func configURL(id: String, revision: String = "main") throws -> URL {
        guard Self.isSafeRevision(revision) else {
            throw RooflineError.usage("--revision '\(revision)' is not a branch, tag or commit name (no empty, '.' or "
                + "'..' parts, no leading '/'): give one such as main or a commit hash")
        }
        let repository = repositoryFolder(id)
        let snapshots = repository.appendingPathComponent("snapshots", isDirectory: true)
        var searched: [String] = []
        var commit: String?
        let ref = repository.appendingPathComponent("refs", isDirectory: true).appendingPathComponent(revision)
        searched.append(ref.path)
        if let data = try? InputFile.read(ref.path, what: "ref", limitBytes: 4096, fix: ""),
           let text = String(data: data, encoding: .utf8) {
            let hash = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isSafeRevision(hash) else {
                throw RooflineError.badData("\(ref.path) does not hold a commit hash: download the config again with "
                    + "`huggingface-cli download \(id) config.json`")
            }
            commit = hash
        } else if FileManager.default.fileExists(atPath: snapshots.appendingPathComponent(revision).path) {
            commit = revision
        }
        let candidate = snapshots.appendingPathComponent(commit ?? revision, isDirectory: true)
            .appendingPathComponent("config.json")
        searched.append(candidate.path)
        if commit != nil, FileManager.default.isReadableFile(atPath: candidate.path) { return candidate }
        let download = "huggingface-cli download \(id) config.json" + (revision == "main" ? "" : " --revision \(revision)")
        throw RooflineError.usage("model '\(id)' (revision \(revision)) is not in the Hugging Face cache "
            + "(searched \(searched.joined(separator: ", "))): download its config with `\(download)`, "
            + "or set HF_HUB_CACHE / HF_HOME to the cache that holds it")
    }

    /// Whether `name` can be a Hugging Face revision (branch, tag or commit) inside the cache: non-empty, no leading
    /// `/`, no empty, `.` or `..` path parts and no control characters, so that `refs/<name>` and
    /// `snapshots/<name>` stay inside the repository's folder.
    public static func isSafeRevision(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return false }
        return !name.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// The hub id of a path inside a cache snapshot (`…/models--org--name/snapshots/<hash>[/config.json]`), or nil.
    public static func hubID(ofSnapshotPath path: String) -> String? {
        let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        guard let index = components.lastIndex(of: "snapshots"), index > 0 else { return nil }
        let folder = components[index - 1]
        guard folder.hasPrefix("models--") else { return nil }
        let parts = folder.dropFirst("models--".count).components(separatedBy: "--")
        guard parts.count == 2 else { return nil }
        let id = parts.joined(separator: "/")
        return isHubID(id) ? id : nil
    }
}
