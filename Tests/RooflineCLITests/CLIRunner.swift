import Foundation

/// Runs the built `roofline` binary (next to the test bundle) and captures exit status, stdout and stderr.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stderr split into lines, empty ones dropped.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// The products folder the test runner lives in holds the `roofline` executable too.
    static var binary: URL {
        let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = runner.deletingLastPathComponent()
        // The runner may sit inside an .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("roofline").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("roofline")
    }

    /// Runs the binary; `environment` entries are added to this process's environment.
    static func run(_ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(binary, arguments, currentDirectory: currentDirectory, environment: environment)
    }

    /// Runs `command` with bash (for redirections the test needs: a closed stdout, /dev/full, a pipe).
    static func runShell(_ command: String) throws -> Result {
        try run(URL(fileURLWithPath: "/bin/bash"), ["-c", command], currentDirectory: nil)
    }

    static func run(_ executable: URL, _ arguments: [String], currentDirectory: URL?,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Writes `contents` to a file named `name` in a fresh temporary folder.
    static func temporaryFile(_ name: String, contents: Data) throws -> URL {
        let url = try temporaryFolder().appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
