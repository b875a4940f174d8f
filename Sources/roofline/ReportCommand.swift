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
            """)

    @Option(help: "A bundled preset (see `roofline models`), a path to a Hugging Face config.json (or its folder), or a hub id org/name in the local Hugging Face cache.")
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
        guard batches.count * contexts.count <= Quantity.maximumSeriesCount else {
            throw RooflineError.usage("--batch × --context gives \(Format.grouped(batches.count * contexts.count)) points, more than \(Format.grouped(Quantity.maximumSeriesCount)): narrow a range")
        }
        let targets = try latency.targets(hasPrompt: true)
        let sizes = try StepSizes(batch: batches[0], contextTokens: contexts[0], promptTokens: promptTokens)
        let config = try source.load(model)
        let (precision, weightNote) = try types.precision(for: config)
        if let weightNote { Diagnostics.warning("\(config.name): \(weightNote)") }
        warnAboutSizes(config, context: sizes.contextTokens)
        let inputNotes = weightNote.map { [$0] } ?? []
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

        var request = ReportRequest(
            model: config, sizes: sizes, precision: precision, attention: attention.modes, devices: devices,
            host: hostProfile, command: reproduceCommand(sizes: sizes, precision: precision),
            createdAt: ISO8601DateFormatter().string(from: Date()),
            deployment: try deploymentOptions(), operators: operators,
            calibrations: try Dictionary(uniqueKeysWithValues: devices.compactMap { device in
                try calibrationOptions.applied(on: device).0.map { (device.id, $0) }
            }))
        request.notes = inputNotes
        request.servingBatches = batches
        request.servingContexts = contexts
        request.targets = targets
        var report = try ReportAssembly.report(for: request)
        report.cluster = cluster
        if writesJSON {
            // The values alone, to stdout or whole to `--output`: no charts, nothing beside it.
            try results.emit(jsonString(JSONDocument(value: report, arrayKey: nil)))
            return
        }
        let baseName = outputURL.deletingPathExtension().lastPathComponent
        let rendered = report.render(baseName: baseName)
        let folderURL = outputURL.deletingLastPathComponent()
        var files: [(path: String, data: Data)] = [(outputURL.path, Data(rendered.markdown.utf8))]
        for chart in rendered.charts {
            files.append((folderURL.appendingPathComponent(chart.name).path, Data(chart.contents.utf8)))
        }
        let tables = csv ? try Self.csvFiles(report, baseName: baseName) : []
        for table in tables {
            files.append((folderURL.appendingPathComponent(table.name).path, Data(table.contents.utf8)))
        }
        try AtomicFile.writeAll(files)
        Diagnostics.progress("wrote \(output) and \(rendered.charts.count) chart\(rendered.charts.count == 1 ? "" : "s")"
            + (csv ? " and \(tables.count) CSV file\(tables.count == 1 ? "" : "s")" : "") + " beside it")
        try StandardStream.output.write(output + "\n")
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

    /// The report's tables as CSV files named `NAME-TABLE.csv`, one table each (`CSVTable`): `steps` (every phase,
    /// attention form and roofline, the step's sums); `operators-PHASE[-FORM]-ROOFLINE` for every phase, attention
    /// form (named when there are several) and roofline; `deployment-DEVICE-TABLE` for each device's plan (`decode`,
    /// `prefill`, `economics`, as `plan --format csv`); `serving-DEVICE` for each sweep.
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
        var tables: [(name: String, table: CSVTable)] = [("steps", try CSVTable("steps", rows: steps))]
        for phase in report.phases {
            for form in phase.forms {
                let formPart = phase.forms.count > 1 ? "-\(form.name)" : ""
                for named in form.analyses {
                    tables.append(("operators-\(phase.kind.rawValue)\(formPart)-\(named.slug)",
                                   try CSVTable("operators", rows: ClassifyReport.rows(named.analysis, prediction: named.prediction))))
                }
            }
        }
        for devicePlan in report.deployment ?? [] {
            guard case .success(let plan) = devicePlan.plan else { continue }
            for table in try PlanCommand.planTables(plan) {
                tables.append(("deployment-\(Report.slug(plan.deviceID))-\(table.name)", table))
            }
        }
        for sweep in report.serving {
            for table in try PlanCommand.csvTables(DevicePlans.Entry(deviceID: sweep.deviceID, sweep: sweep), prefixed: false) {
                tables.append(("serving-\(Report.slug(sweep.deviceID))", table))
            }
        }
        return tables.map { ReportFile(name: "\(baseName)-\($0.name).csv", contents: $0.table.text) }
    }

    /// The planner's settings: defaults, at `--efficiency`.
    func deploymentOptions() throws -> DeploymentOptions {
        var options = DeploymentOptions()
        options.efficiency = efficiency
        return try options.validated()
    }

    /// The command with every option explicit, so that it reproduces the report when defaults change.
    func reproduceCommand(sizes: StepSizes, precision: Precision) -> String {
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
        if let weights = types.weights {
            words += ["--weights", weights]
        } else if precision.weightScheme.quantized == nil {
            words += ["--weights", precision.weights.rawValue]
        }
        words += ["--activations", precision.activations.rawValue,
                  "--kv", precision.kvCache.rawValue, "--attention", attention.rawValue]
        if let price { words += ["--price", "\(price)"] }
        words += latency.words
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
