/// A team of threads, each pinned to one CPU, that run the same job together between two barriers.
///
/// The threads live as long as the team, so a measurement pays no thread start-up; each job is handed the
/// thread's index (0..<count), and every thread touches its own data first.
public final class ThreadTeam: @unchecked Sendable {
    public let cpus: [Int]
    public var count: Int { cpus.count }

    private let startBarrier: UnsafeMutablePointer<pthread_barrier_t>
    private let endBarrier: UnsafeMutablePointer<pthread_barrier_t>
    private var job: (@Sendable (Int) -> Void)?
    private var stopping = false
    private var threads: [pthread_t] = []
    /// Non-zero pin errors, by thread index (written once by each thread at start).
    private let pinErrors: UnsafeMutablePointer<Int32>

    /// Starts one thread per CPU in `cpus`, each pinned to its CPU. Throws when a CPU cannot be pinned.
    public init(cpus: [Int]) throws {
        precondition(!cpus.isEmpty)
        self.cpus = cpus
        startBarrier = .allocate(capacity: 1)
        endBarrier = .allocate(capacity: 1)
        pthread_barrier_init(startBarrier, nil, UInt32(cpus.count + 1))
        pthread_barrier_init(endBarrier, nil, UInt32(cpus.count + 1))
        pinErrors = .allocate(capacity: cpus.count)
        pinErrors.initialize(repeating: 0, count: cpus.count)
        for index in cpus.indices {
            let context = Unmanaged.passRetained(WorkerContext(team: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.team.workerLoop(index: context.index)
                return nil
            }, context)
            guard status == 0 else { throw RooflineError.runtime("cannot start a probe thread (error \(status))") }
            threads.append(thread)
        }
        // A first empty job makes sure every thread is pinned before any measurement.
        run { _ in }
        if let bad = cpus.indices.first(where: { pinErrors[$0] != 0 }) {
            shutdown()
            throw RooflineError.runtime("cannot pin a thread to CPU \(cpus[bad]) (error \(pinErrors[bad])); check the affinity mask")
        }
    }

    deinit { shutdown() }

    private final class WorkerContext {
        let team: ThreadTeam
        let index: Int
        init(team: ThreadTeam, index: Int) {
            self.team = team
            self.index = index
        }
    }

    private func workerLoop(index: Int) {
        pinErrors[index] = roofline_pin_current_thread(Int32(cpus[index]))
        while true {
            pthread_barrier_wait(startBarrier)
            if stopping { return }
            job?(index)
            pthread_barrier_wait(endBarrier)
        }
    }

    /// Runs `body(threadIndex)` on every thread at once and returns when all have finished.
    public func run(_ body: @escaping @Sendable (Int) -> Void) {
        job = body
        pthread_barrier_wait(startBarrier)
        pthread_barrier_wait(endBarrier)
        job = nil
    }

    private func shutdown() {
        guard !stopping else { return }
        stopping = true
        pthread_barrier_wait(startBarrier)
        for thread in threads { pthread_join(thread, nil) }
        pthread_barrier_destroy(startBarrier)
        pthread_barrier_destroy(endBarrier)
        startBarrier.deallocate()
        endBarrier.deallocate()
        pinErrors.deallocate()
    }
}

/// Per-thread start and end times of one timed region, written by each thread into its own cache line.
final class ThreadTimes: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Double>
    let count: Int
    private static let stride = 16  // two doubles per 128 bytes: no false sharing between threads

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count * Self.stride)
        storage.initialize(repeating: 0, count: count * Self.stride)
    }

    deinit { storage.deallocate() }

    func record(thread: Int, start: Double, end: Double) {
        storage[thread * Self.stride] = start
        storage[thread * Self.stride + 1] = end
    }

    /// The region's wall time: latest end − earliest start over all threads.
    var elapsedSeconds: Double {
        var first = Double.infinity, last = -Double.infinity
        for t in 0..<count {
            first = min(first, storage[t * Self.stride])
            last = max(last, storage[t * Self.stride + 1])
        }
        return last - first
    }
}

/// One double per thread, each in its own cache line (a kernel's result, kept so it cannot be optimised away).
final class ThreadSums: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Double>
    private static let stride = 16

    init(count: Int) {
        storage = .allocate(capacity: count * Self.stride)
        storage.initialize(repeating: 0, count: count * Self.stride)
    }

    deinit { storage.deallocate() }

    subscript(thread: Int) -> Double {
        get { storage[thread * Self.stride] }
        set { storage[thread * Self.stride] = newValue }
    }
}
