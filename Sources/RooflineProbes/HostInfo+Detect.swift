import CNuma
import Foundation

extension HostInfo {
    /// Reads what the machine is from /proc, sysfs and libnuma, and what this build's kernels were compiled for.
    public static func detect() -> HostInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = firstValue(in: cpuinfo, key: "model name") ?? firstValue(in: cpuinfo, key: "Model")
            ?? firstValue(in: cpuinfo, key: "CPU part") ?? "unknown CPU"
        let flags = Set((firstValue(in: cpuinfo, key: "flags") ?? firstValue(in: cpuinfo, key: "Features") ?? "")
            .split(separator: " ").map(String.init))
        let interesting = (["sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16",
                           "amx_bf16", "amx_tile", "asimd", "sve", "sve2", "bf16", "fphp"]
            + ComputePath.flagsOfInterest).uniqued()
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpus = affinityCPUs()
        let (numaAvailable, nodes) = numaLayout(cpus: cpus)
        return HostInfo(
            cpuModel: model, architecture: machine, cpusAvailable: cpus, caches: cacheHierarchy(cpu: cpus.first ?? 0),
            numaAvailable: numaAvailable, numaNodes: nodes,
            kernelISA: String(cString: roofline_compiled_isa()), vectorBits: Int(roofline_compiled_vector_bits()),
            cpuFeatures: interesting.filter(flags.contains),
            memoryTotalBytes: meminfoKiB(meminfo, "MemTotal") * 1024,
            memoryAvailableBytes: meminfoKiB(meminfo, "MemAvailable") * 1024, kernelRelease: release,
            physicalCores: physicalCores(of: cpus))
    }

    /// The CPUs this process may run on.
    public static func affinityCPUs() -> [Int] {
        var buffer = [Int32](repeating: 0, count: 4096)
        let count = Int(roofline_affinity_cpus(&buffer, Int32(buffer.count)))
        return count > 0 ? buffer.prefix(min(count, buffer.count)).map(Int.init) : [0]
    }

    /// Distinct (package, core) pairs among `cpus`, from /sys/devices/system/cpu/cpuN/topology; nil when unreadable.
    static func physicalCores(of cpus: [Int]) -> Int? {
        var cores = Set<String>()
        for cpu in cpus {
            let root = "/sys/devices/system/cpu/cpu\(cpu)/topology"
            guard let package = try? String(contentsOfFile: root + "/physical_package_id", encoding: .utf8),
                  let core = try? String(contentsOfFile: root + "/core_id", encoding: .utf8) else { return nil }
            cores.insert(package.trimmingCharacters(in: .whitespacesAndNewlines) + ":" + core.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return cores.count
    }

    /// Caches of `cpu` from /sys/devices/system/cpu/cpuN/cache/index*. An entry whose level, type or size cannot be
    /// read or understood (a type other than Data, Instruction or Unified) is left out.
    static func cacheHierarchy(cpu: Int) -> [CacheInfo] {
        let root = "/sys/devices/system/cpu/cpu\(cpu)/cache"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var caches: [CacheInfo] = []
        for entry in entries.sorted() where entry.hasPrefix("index") {
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(root)/\(entry)/\(name)", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let levelText = read("level"), let level = Int(levelText), let type = read("type").flatMap(CacheType.init),
                  let sizeText = read("size"), let size = parseCacheSize(sizeText) else { continue }
            let shared = read("shared_cpu_list").map(countCPUList) ?? 1
            caches.append(CacheInfo(level: level, type: type, sizeBytes: size, sharedByCPUs: max(shared, 1),
                                    lineBytes: read("coherency_line_size").flatMap { Int($0) }))
        }
        return caches.sorted { ($0.level, $0.type) < ($1.level, $1.type) }
    }

    /// "32K" → 32768, "1024K" → 1048576, "32M" → 33554432 (sysfs sizes are binary).
    static func parseCacheSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let factor = units[last], let value = Int(text.dropLast()) { return value * factor }
        return Int(text)
    }

    /// Number of CPUs in a list like "0-3,8,10-11".
    static func countCPUList(_ text: String) -> Int {
        text.split(separator: ",").reduce(0) { total, part in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
        }
    }

    private static func numaLayout(cpus: [Int]) -> (Bool, [NumaNodeInfo]) {
        guard numa_available() >= 0 else {
            return (false, [NumaNodeInfo(id: 0, cpus: cpus, memoryBytes: 0)])
        }
        var nodes: [NumaNodeInfo] = []
        let maxNode = Int(numa_max_node())
        for node in 0...maxNode {
            var free: Int64 = 0
            let size = numa_node_size64(Int32(node), &free)
            guard size > 0 else { continue }
            let nodeCPUs = cpus.filter { numa_node_of_cpu(Int32($0)) == Int32(node) }
            nodes.append(NumaNodeInfo(id: node, cpus: nodeCPUs, memoryBytes: Int(size)))
        }
        return (true, nodes)
    }

    private static func firstValue(in text: String, key: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private static func meminfoKiB(_ text: String, _ key: String) -> Int {
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
