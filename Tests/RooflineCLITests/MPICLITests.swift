import Foundation
import Testing

/// `probe --mpi` run for real under OpenMPI's mpirun: two ranks on this machine, a rank slowed on purpose, and three
/// "hosts" in network namespaces made by the test (scripts/mpi-netns.sh), with a netem delay on one pair where the
/// kernel has netem. Tests whose prerequisites are missing are skipped with the reason (Swift Testing lists them).
@Suite(.serialized) struct MPICLITests {
    static let root = SchemaCLITests.root
    static let netns = root.appendingPathComponent("scripts/mpi-netns.sh").path

    /// The first `name` on PATH that can be executed, or nil.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let mpirun = onPath("mpirun")
    static let cpus = ProcessInfo.processInfo.activeProcessorCount

    /// Whether this process may make a network namespace (root with CAP_SYS_ADMIN, iproute2 present).
    static let namespacesWork: Bool = {
        guard onPath("ip") != nil, let result = try? CLIRunner.runShell(
            "ip netns add rfcheck$$ && ip netns del rfcheck$$") else { return false }
        return result.status == 0
    }()

    /// Whether the kernel has the netem qdisc (CONFIG_NET_SCH_NETEM), tried in a scratch namespace.
    static let netemWorks: Bool = {
        guard namespacesWork, onPath("tc") != nil, let result = try? CLIRunner.runShell(
            "ip netns add rfnetem$$ && ip netns exec rfnetem$$ tc qdisc add dev lo root netem delay 10us; s=$?; ip netns del rfnetem$$; exit $s")
        else { return false }
        return result.status == 0
    }()

    /// A tiny probe per node (triad at one thread in each level and DRAM, the FLOP peaks, 2 samples) and a quick
    /// network (a tenth of mpi4py.bench's iterations) up to `maxMessage`.
    static func probeArguments(output: String, maxMessage: String, samples: Int = 2) -> [String] {
        [CLIRunner.binary.path, "probe", "--mpi", "--phases", "bandwidth,flops", "--kernels", "triad", "--threads", "1",
         "--samples", String(samples), "--message-timing", "quick", "--max-message", maxMessage, "--quiet", "--output", output]
    }

    /// Runs mpirun with `options` and the command, as root where the test runs as root.
    static func mpirun(_ options: [String], _ command: [String]) throws -> CLIRunner.Result {
        let asRoot = getuid() == 0 ? ["--allow-run-as-root"] : []
        return try CLIRunner.run(URL(fileURLWithPath: mpirun!), asRoot + options + command, currentDirectory: nil)
    }

    static func document(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    static func schemaProblems(_ document: [String: Any]) throws -> [String] {
        try SchemaCLITests.validator("cluster-profile").problems(in: document)
    }

    @Test func withoutMPIProbeMPIIsUnavailableInOneLine() throws {
        let result = try CLIRunner.run(["probe", "--mpi"], environment: ["ROOFLINE_MPI_LIBRARY": "libroofline-no-such-mpi.so.40"])
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("install OpenMPI (apt-get install openmpi-bin libopenmpi-dev)"))
    }

    @Test func aLibraryThatIsNotOpenMPIIsRefusedByName() throws {
        let result = try CLIRunner.run(["probe", "--mpi"], environment: ["ROOFLINE_MPI_LIBRARY": "libm.so.6"])
        #expect(result.status == 69)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("libm.so.6 is not OpenMPI"))
    }

    @Test(arguments: [["--concurrent"], ["--max-message", "1Mi"], ["--outlier-margin", "20"], ["--message-timing", "quick"]])
    func clusterOptionsNeedMPI(_ options: [String]) throws {
        let result = try CLIRunner.run(["probe", "--quick"] + options)
        #expect(result.status == 64)
        #expect(result.stderr.contains("\(options[0]) applies to a cluster probe: add --mpi"))
    }

    @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"))
    func twoRanksOnThisMachine() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cluster.json").path
        let result = try Self.mpirun(["--oversubscribe", "-np", "2"], Self.probeArguments(output: output, maxMessage: "64Ki"))
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.document(output)
        let problems = try Self.schemaProblems(document)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        let nodes = document["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.map { $0["rank"] as? Int } == [0, 1])
        let network = document["network"] as? [String: Any] ?? [:]
        let pairs = network["pairs"] as? [[String: Any]] ?? []
        #expect(pairs.count == 1)
        let sizes = (pairs.first?["points"] as? [[String: Any]] ?? []).compactMap { $0["bytes"] as? Int }
        #expect(sizes == (3...16).map { 1 << $0 })
        #expect((network["allReduce"] as? [Any])?.count == sizes.count)
        let planner = network["plannerFit"] as? [String: Any]
        #expect((planner?["latencySeconds"] as? Double ?? -1) >= 0)
        #expect((planner?["bytesPerSecond"] as? Double ?? 0) > 0)

        // The plan uses the measured α and β and says so; the report draws the cluster.
        let plan = try CLIRunner.run(["plan", "--model", "llama-3.1-70b", "--device", "h200", "--context", "8k", "--network-profile", output])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Scale-out network measured, not assumed"))
        let report = folder.appendingPathComponent("r.md").path
        let rendered = try CLIRunner.run(["report", "--profile", output, "--model", "llama-3.1-8b", "--device", "h200", "-q", "--output", report])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let markdown = try String(contentsOfFile: report, encoding: .utf8)
        #expect(markdown.contains("## Cluster"))
        for chart in ["latency", "bandwidth", "allreduce"] {
            #expect(markdown.contains("](r-cluster-\(chart).svg)"))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("r-cluster-\(chart).svg").path))
        }
    }

    /// Three ranks on this machine: ranks 0 and 1 on CPU 0, rank 2 on CPU 1 beside three busy loops, so rank 2's
    /// node gets at most a quarter of a CPU and must be flagged (its FLOP peak far below the median). Five samples per point:
    /// the best of them finds a quiet moment for ranks 0 and 1 even while other tests load the machine, never for
    /// rank 2, whose busy loops always run.
    @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
          .enabled(if: cpus >= 2 && onPath("taskset") != nil, "needs 2 CPUs and taskset to slow one rank"))
    func aSlowedNodeIsAnOutlier() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cluster.json").path
        let busy = try (0..<3).map { _ in
            let loop = Process()
            loop.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            loop.arguments = ["taskset", "-c", "1", "sh", "-c", "while :; do :; done"]
            try loop.run()
            return loop
        }
        // SIGKILL: the test runner may ignore SIGTERM, and its children inherit that.
        defer { for loop in busy { kill(loop.processIdentifier, SIGKILL); loop.waitUntilExit() } }
        let probe = Self.probeArguments(output: output, maxMessage: "8", samples: 5).map { "'\($0)'" }.joined(separator: " ")
        let pinned = "if [ \"$OMPI_COMM_WORLD_RANK\" = 2 ]; then cpu=1; else cpu=0; fi; exec taskset -c $cpu \(probe)"
        let result = try Self.mpirun(["--oversubscribe", "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1", "-np", "3"],
                                     ["sh", "-c", pinned])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.document(output)
        #expect(try Self.schemaProblems(document).isEmpty)
        let outliers = document["outliers"] as? [[String: Any]] ?? []
        let flagged = outliers.filter { $0["rank"] as? Int == 2 && $0["ceiling"] as? String == "flopPeak" }
        #expect(flagged.count == 1, "outliers: \(outliers)")
        // Flagged means more than the 10 % margin below the median.
        #expect((flagged.first?["deviationFraction"] as? Double ?? 0) < -0.10)
        print("slowed node: \(outliers.map { "rank \($0["rank"]!) \($0["ceiling"]!) \($0["deviationFraction"]!)" })")
    }

    /// mpirun options that start one rank in each namespace host of scripts/mpi-netns.sh.
    static func namespaceOptions(prefix: String) -> [String] {
        ["-np", "3", "--host", "10.199.77.2,10.199.77.3,10.199.77.4", "--mca", "plm_rsh_agent", "\(netns) agent \(prefix)",
         "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "10.199.77.0/24", "--mca", "oob_tcp_if_include", "10.199.77.0/24",
         // Three ranks share this machine's CPUs: ranks that wait yield instead of spinning, or an all-reduce waits for time slices.
         "--mca", "mpi_yield_when_idle", "1",
         // Each namespace is a "node" to mpirun, which would bind its rank to that node's first core: CPU 0 for all.
         "--bind-to", "none"]
    }

    /// The median over sizes up to 1 KiB of a pair's median half round trip, seconds.
    static func smallMessageLatency(_ pair: [String: Any]) -> Double {
        let values = (pair["points"] as? [[String: Any]] ?? []).filter { ($0["bytes"] as? Int ?? 0) <= 1024 }
            .compactMap { $0["medianSeconds"] as? Double }.sorted()
        return values.isEmpty ? .nan : values[values.count / 2]
    }

    @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
          .enabled(if: namespacesWork, "cannot make network namespaces here (needs root and iproute2)"))
    func threeNamespaceHosts() throws {
        let setup = try CLIRunner.runShell("'\(Self.netns)' up rfmpit 0")
        defer { _ = try? CLIRunner.runShell("'\(Self.netns)' down rfmpit") }
        try #require(setup.status == 0, "\(setup.stderr)")
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cluster.json").path
        let result = try Self.mpirun(Self.namespaceOptions(prefix: "rfmpit"), Self.probeArguments(output: output, maxMessage: "1Ki"))
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.document(output)
        #expect(try Self.schemaProblems(document).isEmpty)
        #expect((document["nodes"] as? [[String: Any]] ?? []).map { $0["hostname"] as? String } == ["rfmpit0", "rfmpit1", "rfmpit2"])
        let pairs = (document["network"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
        #expect(pairs.map { "\($0["rankA"]!)-\($0["rankB"]!)" } == ["0-1", "0-2", "1-2"])
    }

    /// Whether the user-space delay line can run: a C compiler and TUN devices.
    static let delayLineWorks = namespacesWork && onPath("cc") != nil && FileManager.default.fileExists(atPath: "/dev/net/tun")

    /// A 200 µs delay each way between hosts 0 and 1 (made by `setup`, data on `dataSubnet`) shows as 200 µs ± 10 %
    /// more latency on pair 0–1 than the mean of the other pairs, and pairs 0–2 and 1–2 differ by less than 10 % of
    /// the delay. Latency: the median over sizes up to 1 KiB of each size's median half round trip.
    static func checkDelay(prefix: String, setup: String, dataSubnet: String, mechanism: String) throws {
        let delay = 200e-6
        let made = try CLIRunner.runShell("'\(netns)' \(setup) \(prefix) 200")
        defer { _ = try? CLIRunner.runShell("'\(netns)' down \(prefix)") }
        try #require(made.status == 0, "\(made.stderr)")
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cluster.json").path
        var withData = namespaceOptions(prefix: prefix)
        if let index = withData.firstIndex(of: "btl_tcp_if_include") { withData[index + 1] = dataSubnet }
        let result = try mpirun(withData, probeArguments(output: output, maxMessage: "1Ki"))
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = (try document(output)["network"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
        try #require(pairs.count == 3)
        let (delayed, other1, other2) = (smallMessageLatency(pairs[0]), smallMessageLatency(pairs[1]), smallMessageLatency(pairs[2]))
        let extra = delayed - (other1 + other2) / 2
        print("\(mechanism) 200 µs on pair 0-1: pair 0-1 \(Format(delayed)) µs, 0-2 \(Format(other1)) µs, 1-2 \(Format(other2)) µs, "
              + "extra \(Format(extra)) µs")
        #expect(abs(extra - delay) <= 0.1 * delay)
        #expect(abs(other1 - other2) <= 0.1 * delay)
    }

    /// Microseconds with one decimal.
    static func Format(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1e6) }

    @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
          .enabled(if: namespacesWork, "cannot make network namespaces here (needs root and iproute2)"),
          .enabled(if: netemWorks, "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set): the delay cannot be made with tc"))
    func aNetemDelayShowsOnThatPairOnly() throws {
        try Self.checkDelay(prefix: "rfmpid", setup: "up", dataSubnet: "10.199.77.0/24", mechanism: "tc netem")
    }

    /// The same delay made by scripts/delay-line.c (TUN devices and a user-space switch) where the kernel lacks netem:
    /// every pair's packets pass the switch, only pair 0–1's wait.
    @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
          .enabled(if: delayLineWorks, "cannot run the delay line here (needs namespaces, cc and /dev/net/tun)"))
    func aDelayLineDelayShowsOnThatPairOnly() throws {
        try Self.checkDelay(prefix: "rfmpil", setup: "up-delay-line", dataSubnet: "10.199.78.0/24", mechanism: "delay line")
    }
}
