import ArgumentParser
import Foundation
import RooflineCore
import RooflineDevices
import RooflineModels
import RooflineReport

/// `roofline plan`: how many accelerators a model needs at a context, how fast it decodes, what a token costs.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Size a deployment: devices for weights and KV cache, tokens/s and cost under explicit layouts.",
        discussion: """
            Memory: weights + KV cache (batch × context × bytes per token) + a stated allowance per device, rounded \
            up to whole nodes. Decode time per token under three layouts: aggregate (every device reads its share at \
            once: the bandwidth bound), tensor-pipeline (tensor parallel in a node, pipeline stages across nodes, in \
            series at batch 1) and context-parallel (KV cache split across nodes by sequence, log-sum-exp merge). \
            --efficiency scales memory bandwidth and FLOP rate; the bound at 1.0 is always shown too. Where a \
            calibration applies (--calibration), every step and tokens/s and $ per million tokens are also predicted \
            from measured kernel times.
            With more than one --batch or --context (lists 1,2,4; ranges 1..8, 1..64+8, 1..512x2; at most 10,000 \
            points) plan prints a sweep: one row per context and batch with fits, devices, time per output token, \
            tokens/s per user and in all, time to first token, $ per million input and output tokens, and each \
            context's knee, for the --layout chosen (tensor-pipeline under all).
            --device takes a list (h200,b200,mi300x): the plan or sweep of each device, one after another (JSON: one \
            document, one entry per device); --price needs a single device.
            Example: roofline plan --model llama-3.1-405b --device h200 --context 10M --price 3 --efficiency 0.78
            Sweep: roofline plan --model llama-3.1-70b --device h200 --batch 1..256x2 --context 8k --prompt 2k
            """)

    @Option(help: "A bundled preset (see `roofline models`), a path to a Hugging Face config.json (or its folder) or to a GGUF file, or a hub id org/name in the local Hugging Face cache.")
    var model: String

    @OptionGroup var source: ModelSource

    @OptionGroup var selection: DeviceSelection

    @Option(help: "Tokens in each sequence's KV cache while decoding (4096, 128k = 128,000, 128Ki = 131,072, 10M); a list or range (4k,32k,128k; 1k..64kx2) sweeps.")
    var context: String

    @Option(help: "Sequences decoded together (a whole number; 1k = 1,000); a list or range (1,2,4; 1..8; 1..512x2) sweeps.")
    var batch: String = "1"

    @Option(help: "Prompt tokens per sequence, for the time to first token (4096, 32k = 32,000, 32Ki = 32,768); in a sweep one for every context, or a list with one per context, in the contexts' order.")
    var prompt: String?

    @OptionGroup var types: PrecisionOptions

    @Option(name: .customLong("gpus-per-node"), help: "Devices per node (one tensor-parallel group).")
    var devicesPerNode: Int = 8

    @Option(help: "aggregate, tensor-pipeline, context-parallel or all.")
    var layout: String = "all"

    @Option(help: "Fraction of peak memory bandwidth and FLOP rate achieved, in (0, 1]; 1.0 is the roofline bound.")
    var efficiency: Double = 1.0

    @Option(help: "Memory kept free on each device for runtime, buffers and workspaces (1G = 1e9 bytes, 512M, 1GiB = 2^30, 0).")
    var reserve: String = "1G"

    @Option(name: .customLong("network-gbps"), help: "Scale-out network bandwidth per device, one direction, in Gb/s.")
    var networkGigabitsPerSecond: Double = 400

    @Option(name: .customLong("network-latency-us"), help: "Latency of one message over the scale-out network, in µs.")
    var networkLatencyMicroseconds: Double = 10

    @Option(help: ArgumentHelp("A cluster profile (`roofline probe --mpi`): its measured network α and β replace --network-latency-us and --network-gbps.", valueName: "CLUSTER.json"))
    var networkProfile: String?

    @Option(name: .customLong("link-latency-us"), help: "Latency of one message (one all-reduce step) over the scale-up link, in µs.")
    var linkLatencyMicroseconds: Double = 5

    @Option(help: "The largest deployment considered, in nodes.")
    var maxNodes: Int = 1000

    @OptionGroup var parallelism: ParallelismOptions

    @OptionGroup var latency: LatencyTargetOptions

    @OptionGroup var calibrationOptions: CalibrationOptions

    @OptionGroup var results: OutputOptions

    /// The planner's options from the command line; usage errors name the option.
    func options() throws -> DeploymentOptions {
        var options = DeploymentOptions()
        options.devicesPerNode = devicesPerNode
        options.efficiency = efficiency
        options.reserveBytesPerDevice = Double(try Quantity.parseBytes(reserve, name: "--reserve", allowZero: true))
        options.networkBytesPerSecond = networkGigabitsPerSecond * 1e9 / 8
        options.networkLatencySeconds = networkLatencyMicroseconds * 1e-6
        options.linkLatencySeconds = linkLatencyMicroseconds * 1e-6
        if let networkProfile {
            let measured = try loadMeasuredNetwork(networkProfile)
            options.measuredNetwork = measured
            options.networkLatencySeconds = measured.latencySeconds
            options.networkBytesPerSecond = measured.bytesPerSecond
        }
        options.maxNodes = maxNodes
        if layout.lowercased() != "all" {
            guard let chosen = DeploymentLayout(rawValue: layout.lowercased()) else {
                throw RooflineError.usage("unknown --layout '\(layout)': use aggregate, tensor-pipeline, context-parallel or all")
            }
            options.layouts = [chosen]
        }
        parallelism.apply(to: &options)
        return try options.validated()
    }

    func run() throws {
        let options = try options()
        let devices = try selection.selectedList(from: try selection.catalog())
        guard !devices.isEmpty else {
            throw RooflineError.usage("plan needs --device (an id or alias such as h200, b200, mi300x, or a list h200,b200; see `roofline devices`)")
        }
        let batches = try Quantity.parseCountSeries(try listOption(batch, name: "--batch"), name: "--batch")
        let contexts = try Quantity.parseCountSeries(try listOption(context, name: "--context"), name: "--context")
        let prompts = try promptsPerContext(contexts)
        let targets = try latency.targets(hasPrompt: prompt != nil)
        try Quantity.checkSweepPoints(batches: batches.count, contexts: contexts.count, devices: devices.count)
        let config = try source.load(model)
        try parallelism.check(config)
        let (precision, weightNote) = try types.precision(for: config)
        if let weightNote { Diagnostics.warning("\(config.name): \(weightNote)") }
        for context in contexts { warnAboutSizes(config, context: context) }
        let entries = try devices.map { device -> DevicePlans.Entry in
            let calibration = try calibrationOptions.applied(on: device).0
            guard batches.count == 1, contexts.count == 1, targets.isEmpty, latency.prefillSchedule == nil else {
                return DevicePlans.Entry(deviceID: device.id, sweep: try SweepPlanner.sweep(
                    model: config, precision: precision, contexts: contexts, batches: batches, promptTokens: prompts,
                    on: device, options: options, calibration: calibration, targets: targets,
                    prefillSchedule: latency.schedule))
            }
            let sizes = try StepSizes(batch: batches[0], contextTokens: contexts[0], promptTokens: prompts[0])
            let workload = try DeploymentWorkload(model: config, sizes: sizes, precision: precision)
            let plan = try DeploymentPlanner.plan(workload, on: device, options: options, calibration: calibration)
            if options.chosenShape != nil, let layout = plan.layouts.first, let reason = layout.reason {
                throw RooflineError.usage("on \(device.id), " + DeploymentPlanWording.clause(reason))
            }
            return DevicePlans.Entry(deviceID: device.id, plan: plan)
        }
        guard entries.count == 1 else {
            let plans = DevicePlans(model: config.name, devices: entries)
            try results.emit(plans, text: { DevicePlansRendering.text(plans) },
                             markdown: { DevicePlansRendering.markdown(plans) },
                             csv: { try entries.flatMap { try Self.csvTables($0, prefixed: true) } })
            return
        }
        if let sweep = entries[0].sweep {
            try results.emit(sweep, text: { DeploymentSweepRendering.text(sweep) },
                             markdown: { DeploymentSweepRendering.markdown(sweep) },
                             csv: { try Self.csvTables(entries[0], prefixed: false) })
        } else if let plan = entries[0].plan {
            try results.emit(plan, text: { DeploymentPlanRendering.text(plan) },
                             markdown: { DeploymentPlanRendering.markdown(plan) },
                             csv: { try Self.csvTables(entries[0], prefixed: false) })
        }
    }

    /// The decode, prefill and economics tables of a plan, one row per layout, for `--format csv`.
    static func planTables(_ plan: DeploymentPlan) throws -> [CSVTable] {
        let shared: Set<String> = ["layout", "fits", "devices", "nodes"]
        let decode: Set<String> = ["tensorParallel", "pipelineStages", "expertParallel", "microBatches", "decode", "decodeAtBound",
                                   "decodePredicted", "secondsPerToken", "tokensPerSecond", "boundTokensPerSecond",
                                   "predictedTokensPerSecond"]
        let prefill: Set<String> = ["prefill", "prefillAtBound", "prefillPredicted", "timeToFirstTokenSeconds",
                                    "predictedTimeToFirstTokenSeconds"]
        let economics: Set<String> = ["memoryPerDeviceBytes", "costPerHourUSD", "tokensPerHour", "costPerMillionTokensUSD",
                                      "boundCostPerMillionTokensUSD", "predictedCostPerMillionTokensUSD"]
        // The names `report --csv` links (`ReportTable.planTableNames`), in that order.
        return try zip(ReportTable.planTableNames, [decode, prefill, economics]).map { name, keys in
            try CSVTable(name, rows: plan.layouts) { shared.contains($0) || keys.contains($0) }
        }
    }

    /// The CSV tables of one device's result: its sweep's rows, or its plan's decode, prefill and economics
    /// tables; with several devices each table's name starts with the device id.
    static func csvTables(_ entry: DevicePlans.Entry, prefixed: Bool) throws -> [CSVTable] {
        let prefix = prefixed ? "\(entry.deviceID) " : ""
        if let sweep = entry.sweep {
            return [try CSVTable(prefix + "sweep", rows: sweep.points) { $0 != "plan" }]
        }
        guard let plan = entry.plan else { return [] }
        return try planTables(plan).map { table in
            var named = table
            named.name = prefix + table.name
            return named
        }
    }

    /// `--prompt` for each context: nil for all without it, one value for all, or a list paired with the contexts
    /// in ascending order (a usage error when the counts differ).
    func promptsPerContext(_ contexts: [Int]) throws -> [Int?] {
        guard let prompt else { return contexts.map { _ in nil } }
        let entries = try listOption(prompt, name: "--prompt")
        if entries.count == 1, !entries[0].contains("..") {
            let tokens = try Quantity.parseCount(entries[0], name: "--prompt")
            return contexts.map { _ in tokens }
        }
        let tokens = try entries.map { try Quantity.parseCount($0, name: "--prompt") }
        guard tokens.count == contexts.count else {
            throw RooflineError.usage("--prompt '\(prompt)' gives \(tokens.count) prompts for \(contexts.count) contexts: give one prompt, or one per context in ascending context order")
        }
        return tokens
    }
}
