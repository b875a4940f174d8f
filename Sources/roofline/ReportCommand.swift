import ArgumentParser
import Foundation
import RooflineCore
import RooflineDevices
import RooflineModels
import RooflineProbes
import RooflineAnalysis
import RooflineCalibration
import RooflineReport

/// `roofline report`: profiles the host (or reads a profile), places a model's prefill and decode operators on
/// the host's roofline and on accelerators', and writes a markdown report with SVG charts beside it.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a markdown roofline report with SVG charts: host ceilings, operators, accelerators, deployment.",
        discussion: """
            With no options: a quick probe of this host, the llama-3.1-8b preset, prompt and context 4096, batch 1, \
            bf16, fused attention, on the H200; written to roofline-report.md and roofline-report-*.svg.

            Sizes take 4096, 128k (128,000), 128Ki (131,072) or 10M; a comma is never a thousands separator. All files are written together or not at all. \
            --format json (or --output NAME.json) writes the report's values as one JSON document instead, without charts.

            Example: roofline report --model llama-3.1-405b --context 10M --device h200 --price 3 --output Reports/405b-10m.md
            Side by side: roofline report --model llama-3.1-8b,mixtral-8x7b-v0.1 --weights bf16,fp8 --device h200 --probe none: \
            one comparison table (per model × weights × device: weights, KV cache per token, devices needed, tokens/s, \
            $ per million input and output tokens) ahead of each variant's report.
            """)

    @Option(help: "A bundled preset (see `roofline models`), a path to a Hugging Face config.json (or its folder) or to a GGUF file, or a hub id org/name in the local Hugging Face cache; a list (a,b) puts the models side by side in one report, with --weights as a list too (bf16,fp8).")
    var model: String = "llama-3.1-8b"

    @OptionGroup var source: ModelSource

    @Option(help: ArgumentHelp("Comma-separated accelerators to compare with the host (see `roofline devices`).", valueName: "D[,D…]"))
    var device: String = "h200"

    @Option(name: .long, help: ArgumentHelp("A JSON file describing more accelerators (as `roofline devices --device-file` takes); repeatable.", valueName: "file"))
    var deviceFile: [String] = []

    @Option(help: ArgumentHelp("A host profile written by `roofline probe --format json` instead of probing now, or a cluster profile (`probe --mpi`): rank 0's node as the host, and a Cluster section.", valueName: "PROFILE.json"))
    var profile: String?

    @Option(help: "Probe this host now: quick (about 10 s), full (about a minute), or none to leave the host out.")
    var probe: ProbeChoice?

    @Option(help: "Prompt tokens per sequence for the prefill step: 4096, 128k = 128,000, 128Ki = 131,072, 10M.")
    var prompt: String = "4096"

    @Option(help: "Tokens in each sequence's KV cache for the decode step, written as --prompt (default: the prompt length); a list or range (4k,32k; 1k..64kx2) adds a Serving section, the rest of the report at the first.")
    var context: String?

    @Option(help: "Sequences in the batch (a whole number; 1k = 1,000); a list or range (1,2,4; 1..256x2) adds a Serving section (sweep, tokens/s against batch with the knee, the serving front), the rest of the report at the first.")
    var batch: String = "1"

    @OptionGroup var types: PrecisionOptions

    @Option(help: "fused (FlashAttention-style), materialized (scores written to memory) or both side by side.")
    var attention: AttentionChoice = .fused

    @Option(help: ArgumentHelp("Price of one device for one hour in US dollars (one --device only).", valueName: "USD"))
    var price: Double?

    @Option(help: "Fraction of peak memory bandwidth and FLOP rate the deployment achieves, in (0, 1]; 1.0 is the roofline bound (shown too).")
    var efficiency: Double = 1.0

    @Option(help: ArgumentHelp("Real operators measured on this host, as written by `roofline validate --format json`: adds the predicted-vs-measured section.", valueName: "VALIDATION.json"))
    var validation: String?

    @Flag(name: .customLong("validate"), help: "Measure real operators on this host now (GEMM, softmax, KV decode, RMSNorm; tens of seconds) and add the predicted-vs-measured section.")
    var measureOperators = false

    /// `--output NAME.md` (default roofline-report.md; charts go beside it as NAME-*.svg) and `--format`, markdown
    /// (the default) or json (the report's values as one document, to stdout or `--output NAME.json`).
    @OptionGroup var results: OutputOptions

    @OptionGroup var calibrationOptions: CalibrationOptions

    @OptionGroup var latency: LatencyTargetOptions

    @OptionGroup var parallelism: ParallelismOptions

    @Flag(help: "Also write each table as CSV beside the markdown, NAME-TABLE.csv (operators per phase and roofline, deployment layouts, serving sweeps), in the same set.")
    var csv = false

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    enum ProbeChoice: String, ExpressibleByArgument, CaseIterable {
        case quick, full, none
    }

    enum AttentionChoice: String, ExpressibleByArgument, CaseIterable {
        case fused, materialized, both

        var modes: [AttentionMode] {
            switch self {
            case .fused: [.fused]
            case .materialized: [.materialized]
            case .both: [.fused, .materialized]
            }
        }
    }

    func validate() throws {
        if profile != nil && probe != nil {
            throw ValidationError("give --profile or --probe, not both")
        }
        if let price, !(price.isFinite && price > 0) {
            throw ValidationError("--price must be a positive number of US dollars per device-hour, got \(price)")
        }
        if measureOperators && validation != nil {
            throw ValidationError("give --validate or --validation FILE, not both")
        }
        if measureOperators && probe == ProbeChoice.none {
            throw ValidationError("--validate measures against this host's roofline: leave out --probe none")
        }
        if try price != nil && deviceNames().count != 1 {
            throw ValidationError("--price sets one device's price: give a single --device")
        }
        if let format = results.format, format != .markdown && format != .json {
            throw ValidationError("a report is markdown with SVG charts beside it, or its values as JSON: drop --format \(format.rawValue) (or use --format markdown or json)")
        }
        if writesJSON {
            if csv { throw ValidationError("--csv writes CSV beside a markdown report: drop it with --format json") }
            return
        }
        guard output.hasSuffix(".md"), URL(fileURLWithPath: output).lastPathComponent.count > 3 else {
            throw ValidationError("--output must name a markdown file ending in .md, got '\(output)'")
        }
    }

    /// The markdown file: `--output`, else roofline-report.md.
    var output: String { results.output ?? "roofline-report.md" }

    /// Whether the report is written as one JSON document (`--format json`, or `--output NAME.json` without
    /// `--format`) instead of markdown with charts, the default.
    var writesJSON: Bool { (results.format ?? (results.resolvedFormat == .json ? .json : .markdown)) == .json }

    /// The `--device` list, trimmed (`listOption`: an empty entry is a usage error); an empty `--device` leaves
    /// the accelerators out, for a report on the host alone.
    func deviceNames() throws -> [String] {
        device.trimmingCharacters(in: .whitespaces).isEmpty ? [] : try listOption(device, name: "--device")
    }

    func run() throws {
        Diagnostics.quiet = quiet
        // Everything that can be wrong with the inputs is checked before the probe spends its seconds.
        let promptTokens = try Quantity.parseCount(prompt, name: "--prompt")
        let batches = try Quantity.parseCountSeries(try listOption(batch, name: "--batch"), name: "--batch")
        let contexts = try context.map { try Quantity.parseCountSeries(try listOption($0, name: "--context"), name: "--context") }
            ?? [promptTokens]
        try Quantity.checkSweepPoints(batches: batches.count, contexts: contexts.count, devices: try deviceNames().count)
        let targets = try latency.targets(hasPrompt: true)
        let deployment = try deploymentOptions()
        let sizes = try StepSizes(batch: batches[0], contextTokens: contexts[0], promptTokens: promptTokens)
        let variants = try variantInputs(context: sizes.contextTokens)
        let devices = try reportDevices(try deviceNames(), deviceFiles: deviceFile, price: price)
        // Charts go beside the file the markdown really is (a link's target), since it links them by name.
        let outputURL = URL(fileURLWithPath: AtomicFile.resolvedPath(output))
        var hostProfile: HostProfile?
        var cluster: ClusterProfile?
        if let profile {
            (hostProfile, cluster) = try loadHostOrClusterProfile(profile)
        }
        var operators = try validation.map(loadOperatorValidation)

        let probeChoice = profile == nil ? (probe ?? .quick) : nil
        switch probeChoice {
        case .quick?:
            Diagnostics.progress("probing this host (quick; save one with `roofline probe --quick --format json --output host.json` and pass --profile to reuse it)")
            hostProfile = try HostProbe.run(.quick, progress: Diagnostics.progress)
        case .full?:
            Diagnostics.progress("probing this host (full, about a minute)")
            hostProfile = try HostProbe.run(.full, progress: Diagnostics.progress)
        case .none?, nil:
            break
        }

        if measureOperators, let hostProfile {
            Diagnostics.progress("measuring real operators on this host (save them with `roofline validate --format json --output ops.json` and pass --validation to reuse)")
            operators = try ValidateCommand.measure(on: hostProfile)
        }

        let createdAt = ISO8601DateFormatter().string(from: Date())
        let calibrations = try Dictionary(uniqueKeysWithValues: devices.compactMap { device in
            try calibrationOptions.applied(on: device).0.map { (device.id, $0) }
        })
        let reports = try variants.map { variant -> Report in
            var request = ReportRequest(
                model: variant.config, sizes: sizes, precision: variant.precision, attention: attention.modes,
                devices: devices, host: hostProfile,
                command: reproduceCommand(sizes: sizes, precision: variant.precision, model: variant.model,
                                          weights: variant.weights, spellWeights: true),
                createdAt: createdAt, deployment: deployment, operators: operators, calibrations: calibrations)
            request.notes = variant.note.map { [$0] } ?? []
            request.servingBatches = batches
            request.servingContexts = contexts
            request.targets = targets
            request.prefillSchedule = latency.prefillSchedule
            var report = try ReportAssembly.report(for: request)
            report.cluster = cluster
            return report
        }
        let comparison = reports.count > 1
            ? ReportAssembly.comparison(
                of: reports,
                command: reproduceCommand(sizes: sizes, precision: variants[0].precision, model: model, weights: types.weights,
                                          spellWeights: false),
                createdAt: createdAt)
            : nil
        if writesJSON {
            // The values alone, to stdout or whole to `--output`: no charts, nothing beside it.
            if let comparison {
                try results.emit(jsonString(JSONDocument(value: comparison, arrayKey: nil)))
            } else {
                try results.emit(jsonString(JSONDocument(value: reports[0], arrayKey: nil)))
            }
            return
        }
        let baseName = outputURL.deletingPathExtension().lastPathComponent
        let rendered = comparison?.render(baseName: baseName, csv: csv) ?? reports[0].render(baseName: baseName, csv: csv)
        let folderURL = outputURL.deletingLastPathComponent()
        var files: [(path: String, data: Data)] = [(outputURL.path, Data(rendered.markdown.utf8))]
        for chart in rendered.charts {
            files.append((folderURL.appendingPathComponent(chart.name).path, Data(chart.contents.utf8)))
        }
        let tables = csv ? try reports.flatMap { report in
            try Self.csvFiles(report, baseName: comparison == nil ? baseName : "\(baseName)-\(ReportComparison.slug(report))")
        } : []
        for table in tables {
            files.append((folderURL.appendingPathComponent(table.name).path, Data(table.contents.utf8)))
        }
        try AtomicFile.writeAll(files)
        Diagnostics.progress("wrote \(output) and \(rendered.charts.count) chart\(rendered.charts.count == 1 ? "" : "s")"
            + (csv ? " and \(tables.count) CSV file\(tables.count == 1 ? "" : "s")" : "") + " beside it")
        try StandardStream.output.write(output + "\n")
    }

    /// One report's inputs: a model at a weight format, with the note on its weights.
    struct Variant {
        /// The `--model` entry and the `--weights` entry (nil: the checkpoint's) as given.
        var model: String
        var weights: String?
        var config: ModelConfig
        var precision: Precision
        var note: String?
    }

    /// Each `--model` entry × each `--weights` entry (lists side by side), models first, loaded and checked; a
    /// variant named twice is a usage error. Warns about each weight note and size once.
    func variantInputs(context: Int) throws -> [Variant] {
        let models = try listOption(model, name: "--model")
        let weightsList: [String?] = try types.weights.map { try listOption($0, name: "--weights") } ?? [nil]
        var variants: [Variant] = []
        var seen: Set<String> = []
        for name in models {
            let config = try source.load(name)
            try parallelism.check(config)
            warnAboutSizes(config, context: context)
            for weights in weightsList {
                var chosen = types
                chosen.weights = weights
                let (precision, note) = try chosen.precision(for: config)
                guard seen.insert("\(config.name) \(precision.weights.rawValue)").inserted else {
                    throw RooflineError.usage("--model and --weights give \(config.name) at \(precision.weights.rawValue) twice: name each model and weight type once")
                }
                if let note { Diagnostics.warning("\(config.name): \(note)") }
                variants.append(Variant(model: name, weights: weights, config: config, precision: precision, note: note))
            }
        }
        return variants
    }

    /// One row of a report's step comparison: a phase in one attention form on one roofline, and its step's sums.
    struct StepRow: Encodable {
        /// What the row is: the phase, attention form and roofline, with the phase's sizes.
        struct Step: Encodable {
            var phase: PhaseKind
            var attention: AttentionMode
            /// The roofline's name ("host", a device).
            var name: String
            /// Prompt tokens (prefill) or context (decode) per sequence.
            var tokens: Int
            var batch: Int
        }

        var step: Step
        var totals: ClassifyReport.Totals

        /// The step's keys beside the totals' keys, one flat object.
        func encode(to encoder: Encoder) throws {
            try step.encode(to: encoder)
            try totals.encode(to: encoder)
        }
    }

    /// The report's tables as CSV files, one table each (`CSVTable`), named by `ReportTable.fileName` as the
    /// markdown links them (`Report.csvTables` gives the order): `steps` (every phase, attention form and roofline,
    /// the step's sums); the operators of every phase, attention form and roofline; each device's plan tables
    /// (`decode`, `prefill`, `economics`, as `plan --format csv`); each sweep.
    static func csvFiles(_ report: Report, baseName: String) throws -> [ReportFile] {
        let steps = report.phases.flatMap { phase in
            phase.forms.flatMap { form in
                form.analyses.map { named in
                    StepRow(step: .init(phase: phase.kind, attention: form.mode, name: named.name, tokens: phase.tokens,
                                        batch: phase.batch),
                            totals: ClassifyReport.totals(named.analysis, prediction: named.prediction,
                                                          tokensPerStep: phase.tokensPerStep))
                }
            }
        }
        var tables: [(table: ReportTable, csv: CSVTable)] = [(.steps, try CSVTable("steps", rows: steps))]
        for phase in report.phases {
            for form in phase.forms {
                for named in form.analyses {
                    tables.append((.operators(phase: phase.kind, form: phase.forms.count > 1 ? form.name : nil, roofline: named.slug),
                                   try CSVTable("operators", rows: ClassifyReport.rows(named.analysis, prediction: named.prediction))))
                }
            }
        }
        for devicePlan in report.deployment ?? [] {
            guard case .success(let plan) = devicePlan.plan else { continue }
            for table in try PlanCommand.planTables(plan) {
                tables.append((.deployment(deviceID: plan.deviceID, table: table.name), table))
            }
        }
        for sweep in report.serving {
            for table in try PlanCommand.csvTables(DevicePlans.Entry(deviceID: sweep.deviceID, sweep: sweep), prefixed: false) {
                tables.append((.serving(deviceID: sweep.deviceID), table))
            }
        }
        // The markdown links exactly these files.
        assert(tables.map(\.table) == report.csvTables)
        return tables.map { ReportFile(name: $0.table.fileName(baseName: baseName), contents: $0.csv.text) }
    }

    /// The planner's settings: defaults, at `--efficiency`, on the shape `--tp`, `--pp` and `--ep` choose (the
    /// tensor-pipeline layout alone then).
    func deploymentOptions() throws -> DeploymentOptions {
        var options = DeploymentOptions()
        options.efficiency = efficiency
        parallelism.apply(to: &options)
        return try options.validated()
    }

    /// The command with every option explicit, so that it reproduces the report when defaults change: for `model`
    /// at `weights` (one variant, or the lists as given for a comparison). With `spellWeights` and no --weights, a
    /// plain checkpoint type is spelled out as --weights would give it.
    func reproduceCommand(sizes: StepSizes, precision: Precision, model: String, weights: String?,
                          spellWeights: Bool) -> String {
        var words = ["roofline", "report", "--model", model]
        if let revision = source.revision { words += ["--revision", revision] }
        if let family = source.family { words += ["--family", family] }
        words += ["--device", (try? deviceNames())?.joined(separator: ",") ?? device]
        for file in deviceFile { words += ["--device-file", file] }
        if let profile {
            words += ["--profile", profile]
        } else {
            words += ["--probe", (probe ?? .quick).rawValue]
        }
        let series = batch.contains(where: { ",.".contains($0) }) || context?.contains(where: { ",.".contains($0) }) == true
        words += ["--prompt", "\(sizes.promptTokens ?? sizes.contextTokens)",
                  "--context", series ? (context ?? "\(sizes.contextTokens)") : "\(sizes.contextTokens)",
                  "--batch", series ? batch : "\(sizes.batch)"]
        // The checkpoint's own weight formats are the default; a plain type is spelled out, as --weights would give it.
        if let weights {
            words += ["--weights", weights]
        } else if spellWeights, precision.weightScheme.quantized == nil {
            words += ["--weights", precision.weights.rawValue]
        }
        words += ["--activations", precision.activations.rawValue,
                  "--kv", precision.kvCache.rawValue, "--attention", attention.rawValue]
        if let price { words += ["--price", "\(price)"] }
        words += latency.words
        words += parallelism.words
        if efficiency != 1 { words += ["--efficiency", "\(efficiency)"] }
        if let validation { words += ["--validation", validation] }
        if calibrationOptions.calibration != "auto" { words += ["--calibration", calibrationOptions.calibration] }
        if calibrationOptions.engine != EngineProfile.fusedGraphs.name { words += ["--engine", calibrationOptions.engine] }
        if measureOperators { words.append("--validate") }
        if csv { words.append("--csv") }
        if writesJSON {
            if results.format == .json { words += ["--format", "json"] }
            if let output = results.output { words += ["--output", output] }
        } else {
            words += ["--output", output]
        }
        return words.map(shellQuoted).joined(separator: " ")
    }
}

/// A word as a POSIX shell reads it back: bare when it holds only safe characters, single-quoted otherwise.
func shellQuoted(_ word: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,=:+@%")
    if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
