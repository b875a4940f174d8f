import ArgumentParser

extension RooflineCommand {
    /// Every subcommand, in the order `--help` lists them.
    static let allSubcommands: [ParsableCommand.Type] = [
        ProbeCommand.self,
        ModelsCommand.self,
        ClassifyCommand.self,
        DevicesCommand.self,
        PlanCommand.self,
        CalibrateCommand.self,
        ReportCommand.self,
        ValidateCommand.self,
    ]
}
