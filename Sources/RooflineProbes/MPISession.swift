import CMPI
import Foundation
import RooflineCore

/// One process's MPI world, on OpenMPI's libmpi loaded at run time (`Sources/CMPI`): rank, size, host name, and the
/// few calls the cluster probe needs. Waits (barriers, receives of profiles) sleep between tests instead of
/// spinning, so ranks that wait leave the CPUs to the one measuring.
public final class MPISession {
    public let rank: Int
    public let size: Int
    /// MPI_Get_processor_name.
    public let hostname: String
    /// The library loaded: ROOFLINE_MPI_LIBRARY, else OpenMPI's soname (libmpi.so.40, OpenMPI 3 to 5).
    public let library: String

    /// OpenMPI's libmpi soname since OpenMPI 3.0.
    public static let defaultLibrary = "libmpi.so.40"
    /// Sleep between tests of a pending wait, microseconds: long enough to leave a CPU idle, short beside a probe.
    static let sleepMicroseconds: Int32 = 200

    /// Loads the library and calls MPI_Init. A library that cannot be loaded, or is not OpenMPI, is `unavailable`
    /// (exit 69) with one line naming the package to install.
    public init(library: String? = nil) throws {
        let name = library ?? ProcessInfo.processInfo.environment["ROOFLINE_MPI_LIBRARY"] ?? Self.defaultLibrary
        var error = [CChar](repeating: 0, count: 512)
        guard roofline_mpi_load(name, &error, error.count) == 1 else {
            throw RooflineError.unavailable(Self.string(error))
        }
        var rank: Int32 = 0, size: Int32 = 0
        var host = [CChar](repeating: 0, count: 257)
        try Self.check(roofline_mpi_init(&rank, &size, &host, host.count), "MPI_Init")
        self.rank = Int(rank)
        self.size = Int(size)
        hostname = Self.string(host)
        self.library = name
    }

    /// The text of a NUL-terminated C buffer.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws a runtime error naming the call when `code` is not MPI_SUCCESS.
    static func check(_ code: Int32, _ call: String) throws {
        guard code == 0 else {
            throw RooflineError.runtime(code == -1 ? "\(call): out of memory for the message buffers"
                                            : "\(call) failed with MPI error \(code): see mpirun's messages above")
        }
    }

    /// A barrier over every rank that waits without spinning.
    public func barrier() throws {
        try Self.check(roofline_mpi_quiet_barrier(Self.sleepMicroseconds), "MPI_Ibarrier")
    }

    /// Sends `data` to `rank`: its length (8 bytes, little-endian) with `tag`, then the bytes with tag + 1.
    public func send(_ data: Data, to rank: Int, tag: Int32) throws {
        var length = UInt64(data.count).littleEndian
        try withUnsafeBytes(of: &length) { try Self.check(roofline_mpi_send_bytes($0.baseAddress, 8, Int32(rank), tag), "MPI_Send") }
        try data.withUnsafeBytes { try Self.check(roofline_mpi_send_bytes($0.baseAddress, Int32(data.count), Int32(rank), tag + 1), "MPI_Send") }
    }

    /// Receives what `send` sent from `rank` with `tag`, waiting without spinning.
    public func receive(from rank: Int, tag: Int32) throws -> Data {
        var length: UInt64 = 0
        try withUnsafeMutableBytes(of: &length) {
            try Self.check(roofline_mpi_recv_bytes_quietly($0.baseAddress, 8, Int32(rank), tag, Self.sleepMicroseconds), "MPI_Irecv")
        }
        let count = Int(UInt64(littleEndian: length))
        guard count < Int(Int32.max) else { throw RooflineError.runtime("rank \(rank) sent a message of \(count) bytes, beyond MPI's int count") }
        var data = Data(count: count)
        try data.withUnsafeMutableBytes {
            try Self.check(roofline_mpi_recv_bytes_quietly($0.baseAddress, Int32(count), Int32(rank), tag + 1, Self.sleepMicroseconds), "MPI_Irecv")
        }
        return data
    }

    /// The element-wise sum of `values` over every rank (MPI_Allreduce, MPI_SUM).
    public func sum(_ values: [Double]) throws -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        try Self.check(roofline_mpi_allreduce_sum(values, &result, Int32(values.count)), "MPI_Allreduce")
        return result
    }

    /// Ping-pong with `peer` (both ranks call it): the initiator gets each timed iteration's half round trip, seconds.
    /// `untouched`: send from fresh pages never written (as mpi4py.bench's numpy.empty buffers) instead of written ones.
    public func pingPong(peer: Int, initiator: Bool, bytes: Int, warmup: Int, iterations: Int, untouched: Bool = false) throws -> [Double] {
        var seconds = [Double](repeating: 0, count: iterations)
        try Self.check(roofline_mpi_pingpong(Int32(peer), initiator ? 1 : 0, bytes, Int32(warmup), Int32(iterations),
                                             untouched ? 1 : 0, &seconds),
                       "ping-pong (MPI_Send/MPI_Recv)")
        return seconds
    }

    /// This rank's time of each timed MPI_Allreduce of `bytes` (every rank calls it).
    public func allReduceTimes(bytes: Int, warmup: Int, iterations: Int) throws -> [Double] {
        var seconds = [Double](repeating: 0, count: iterations)
        try Self.check(roofline_mpi_allreduce_timing(bytes, Int32(warmup), Int32(iterations), &seconds), "MPI_Allreduce")
        return seconds
    }

    /// MPI_Finalize.
    public func finish() {
        _ = roofline_mpi_finalize()
    }

    /// MPI_Abort: ends every rank (after an error on one, so the others do not wait forever).
    public func abort(code: Int32) -> Never {
        roofline_mpi_abort(code)
        exit(code)
    }
}
