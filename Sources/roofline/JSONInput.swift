import Foundation
import RooflineCore
import RooflineDevices

/// Reads a JSON file this tool wrote: a usage error when the file cannot be read, bad data when it is not a `what`
/// (with where it failed); both name the command that writes one.
func loadJSON<Value: Decodable>(_ type: Value.Type, at path: String, what: String, writtenBy command: String) throws -> Value {
    let data = try InputFile.read(path, what: what, limitBytes: InputFile.jsonLimitBytes,
                                  fix: "check the path, or write one with `\(command) --output \(path)`")
    do {
        return try JSONDecoder().decode(Value.self, from: data)
    } catch {
        throw RooflineError.badData(
            "\(path) is not a \(what) (\(RooflineError.decodingProblem(error))): write one with `\(command) --output \(path)`")
    }
}

/// A host profile written by `roofline probe --format json`, its values checked (`HostProfile.validated`).
func loadHostProfile(_ path: String) throws -> HostProfile {
    try checked(path, "roofline probe --format json") {
        try loadJSON(HostProfile.self, at: path, what: "host profile", writtenBy: "roofline probe --format json").validated()
    }
}

/// An operator validation written by `roofline validate --format json`, its values checked.
func loadOperatorValidation(_ path: String) throws -> OperatorValidation {
    try checked(path, "roofline validate --format json") {
        try loadJSON(OperatorValidation.self, at: path, what: "operator validation",
                     writtenBy: "roofline validate --format json").validated()
    }
}

/// Runs `load`, prefixing a data error about a value with the file it came from and the command that writes a
/// good one.
private func checked<Value>(_ path: String, _ command: String, _ load: () throws -> Value) throws -> Value {
    do {
        return try load()
    } catch let error as RooflineError where error.category == .badData && !error.message.hasPrefix(path) {
        throw RooflineError.badData("\(path): \(error.message): write a new one with `\(command) --output \(path)`")
    }
}

/// A cluster profile written by `roofline probe --mpi`.
func loadClusterProfile(_ path: String) throws -> ClusterProfile {
    try checked(path, "roofline probe --mpi --format json") {
        try loadJSON(ClusterProfile.self, at: path, what: "cluster profile", writtenBy: "roofline probe --mpi --format json").validated()
    }
}

/// The planner fit of a cluster profile's network, as the planner's measured network; a profile without one (a
/// single rank, or an all-reduce that did not grow with size) is bad data naming why.
func loadMeasuredNetwork(_ path: String) throws -> MeasuredNetwork {
    let profile = try loadClusterProfile(path)
    guard let network = profile.network else {
        throw RooflineError.badData("\(path): the cluster profile has one rank and no network: run `mpirun -np N roofline probe --mpi` with N ≥ 2")
    }
    guard let fit = network.plannerFit, fit.latencySeconds.isFinite, fit.bytesPerSecond > 0, fit.bytesPerSecond.isFinite else {
        throw RooflineError.badData("\(path): the cluster profile has no all-reduce fit (too few message sizes): probe again with a larger --max-message")
    }
    return MeasuredNetwork(profile: path, ranks: network.ranks, latencySeconds: fit.latencySeconds, bytesPerSecond: fit.bytesPerSecond,
                           relativeRMSError: fit.relativeRMSError)
}

/// `report --profile`: a host profile, or a cluster profile (a document with `nodes` and `schedule`), whose rank 0
/// node is the host.
func loadHostOrClusterProfile(_ path: String) throws -> (HostProfile, ClusterProfile?) {
    if let data = try? InputFile.read(path, what: "profile", limitBytes: InputFile.jsonLimitBytes, fix: ""),
       let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["nodes"] != nil, object["schedule"] != nil {
        let cluster = try loadClusterProfile(path)
        guard let first = cluster.nodes.first else {
            throw RooflineError.badData("\(path): the cluster profile has no nodes: write one with `roofline probe --mpi --output \(path)`")
        }
        return (try checked(path, "roofline probe --mpi --format json") { try first.profile.validated() }, cluster)
    }
    return (try loadHostProfile(path), nil)
}
