import ArgumentParser

extension RooflineCommand {
    /// Every subcommand, in the order `--help` lists them.
    static let allSubcommands: [ParsableCommand.Type] = [
        ProbeCommand.self,
        ValidateCommand.self,
    ]
}
