import ArgumentParser
import RooflineCore
import RooflineProbes

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", abstract: "Measure this host.")
    func run() throws {}
}
