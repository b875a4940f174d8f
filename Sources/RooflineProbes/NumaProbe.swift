import CNuma

/// Local and remote bandwidth: threads on every CPU of node i reading memory bound to node j.
struct NumaProbe {
    let sampler: Sampler
    static let kernelName = "load"

    func measure(host: HostInfo, bytes: Int, progress: HostProbe.Progress) throws -> NumaMatrix {
        let kernel = try BandwidthKernel.named(Self.kernelName)
        let nodes = host.numaNodes.filter { !$0.cpus.isEmpty || !host.numaAvailable }
        var matrix: [[SampleSummary]] = []
        for cpuNode in nodes {
            let team = try ThreadTeam(cpus: cpuNode.cpus.isEmpty ? host.cpusAvailable : cpuNode.cpus)
            let runner = BandwidthRunner(team: team, sampler: sampler)
            var row: [SampleSummary] = []
            for memoryNode in host.numaNodes {
                progress("numa: threads on node \(cpuNode.id), memory on node \(memoryNode.id)")
                let m = try runner.measure(kernel, workingSetBytes: bytes, memoryNode: host.numaAvailable ? memoryNode.id : nil)
                row.append(m.algorithmicBytesPerSecond)
            }
            matrix.append(row)
        }
        let note: String
        if !host.numaAvailable {
            note = "libnuma reports NUMA unavailable: one node assumed, memory placed by first touch"
        } else if host.numaNodes.count == 1 {
            note = "one NUMA node: the matrix is 1×1 (local only)"
        } else {
            note = "row = node of the threads (all its CPUs), column = node the memory is bound to (numa_alloc_onnode)"
        }
        return NumaMatrix(nodes: host.numaNodes.map(\.id), kernel: kernel.name, bytesPerSecond: matrix, note: note)
    }
}
