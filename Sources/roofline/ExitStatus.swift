import ArgumentParser
import RooflineCore

/// Exit codes, as named values (sysexits.h conventions).
enum ExitStatus: Int32 {
    case success = 0
    /// Something failed while running.
    case runtime = 1
    /// The command line was wrong.
    case usage = 64
    /// An input file or config was malformed.
    case badData = 65
    /// A service the command needs is not installed (EX_UNAVAILABLE): `probe --mpi` without OpenMPI.
    case unavailable = 69

    init(_ category: RooflineError.Category) {
        switch category {
        case .usage: self = .usage
        case .badData: self = .badData
        case .runtime: self = .runtime
        case .unavailable: self = .unavailable
        }
    }
}
