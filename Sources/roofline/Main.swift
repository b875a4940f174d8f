import ArgumentParser
import Foundation
import RooflineCore

/// Entry point: runs the command and turns a `RooflineError` into one line on stderr and its exit code.
@main
enum Main {
    static func main() {
        StandardStream.reportBrokenPipes()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `roofline help NAME` for a NAME that is no command would print the general help and succeed.
        let commands = RooflineCommand.allSubcommands.compactMap { $0.configuration.commandName } + ["help"]
        if arguments.first == "help", let name = arguments.dropFirst().first, !name.hasPrefix("-"), !commands.contains(name) {
            Diagnostics.error("unknown command '\(name)': use one of \(commands.joined(separator: ", "))")
            exit(ExitStatus.usage.rawValue)
        }
        if let (option, value) = negativeOptionValue(arguments) {
            Diagnostics.error("\(option) \(value): a negative value is never valid here; give a positive number")
            exit(ExitStatus.usage.rawValue)
        }
        do {
            var command: ParsableCommand
            do {
                command = try RooflineCommand.parseAsRoot()
            } catch {
                // Help and version print as usual; any other parse or validation error becomes one line.
                if RooflineCommand.exitCode(for: error) == .success { RooflineCommand.exit(withError: error) }
                Diagnostics.error(RooflineCommand.message(for: error) + " (see `roofline help`)")
                exit(ExitStatus.usage.rawValue)
            }
            try command.run()
            Diagnostics.flushWarnings()
        } catch let error as RooflineError {
            Diagnostics.error(error.message)
            exit(ExitStatus(error.category).rawValue)
        } catch let error as StandardStream.WriteError {
            // A reader that went away (`| head -1`) ends the run quietly; a closed or full stream is a failure.
            if error.readerClosed { exit(ExitStatus.success.rawValue) }
            Diagnostics.error(error.message)
            exit(ExitStatus.runtime.rawValue)
        } catch let error as ValidationError {
            Diagnostics.error(error.message)
            exit(ExitStatus.usage.rawValue)
        } catch {
            // Help and version requests arrive here too (ArgumentParser raises them as errors): they print as usual.
            if RooflineCommand.exitCode(for: error) == .success { RooflineCommand.exit(withError: error) }
            Diagnostics.error(RooflineCommand.message(for: error))
            exit(RooflineCommand.exitCode(for: error) == .validationFailure ? ExitStatus.usage.rawValue : ExitStatus.runtime.rawValue)
        }
    }
}

extension Main {
    /// The first `--option` followed by a negative number (`--batch -1`, `--context -0`): the argument parser reads
    /// such a value as another option and would say the value is missing. Every number this tool takes is a count, a
    /// size, a time, a rate or a price, none of which is negative. Nil when there is none.
    static func negativeOptionValue(_ arguments: [String]) -> (String, String)? {
        for (option, value) in zip(arguments, arguments.dropFirst())
        where option.hasPrefix("--") && !option.contains("=") && value.hasPrefix("-") {
            let rest = value.dropFirst()
            if let first = rest.first, first.isNumber || (first == "." && rest.dropFirst().first?.isNumber == true) {
                return (option, value)
            }
        }
        return nil
    }
}

/// The root command.
struct RooflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roofline",
        abstract: "Where does the time of a large model go, and what would it cost elsewhere?",
        discussion: """
            Measures this host's memory bandwidth and FLOP rates, turns a model's inference step into operators,
            places them on the host's roofline or an accelerator's, and sizes deployments.
            """,
        version: RooflineVersion.current,
        subcommands: RooflineCommand.allSubcommands)
}
