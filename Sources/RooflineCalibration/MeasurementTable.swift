import Foundation
import RooflineCore

/// Reads measured kernel tables in the bundled CSV format (the columns of AIConfigurator's tables as flattened in
/// `Data/measured/README.md`; `scripts/measure-gpu.py` writes the same). The header names the table:
/// - GEMM: `dtype,m,n,k,latency_us`
/// - prefill attention: `batch,seq_len,num_heads,num_kv_heads,head_dim,window,attn_dtype,kv_dtype,latency_us`
/// - decode attention: `batch,kv_len,num_heads,num_kv_heads,head_dim,window,kv_dtype,latency_us`
/// - collectives: `impl,collective,num_gpus,message_bytes,latency_us`
/// - memory (a streaming copy, `scripts/measure-gpu.py`): `kernel,bytes,latency_us`, bytes read + written
/// Other columns are ignored; latencies are microseconds.
public enum MeasurementTable {
    /// The tables this reader knows, by the columns each requires.
    enum Layout: CaseIterable {
        case gemm, prefill, decode, collectives, memory

        var required: [String] {
            switch self {
            case .gemm: ["dtype", "m", "n", "k", "latency_us"]
            case .prefill: ["batch", "seq_len", "num_heads", "num_kv_heads", "head_dim", "attn_dtype", "kv_dtype", "latency_us"]
            case .decode: ["batch", "kv_len", "num_heads", "num_kv_heads", "head_dim", "kv_dtype", "latency_us"]
            case .collectives: ["impl", "collective", "num_gpus", "message_bytes", "latency_us"]
            case .memory: ["kernel", "bytes", "latency_us"]
            }
        }
    }

    /// Reads the file at `path`: one that cannot be read is a usage error (the path is wrong); an empty or
    /// malformed one is a bad-data error naming the line.
    public static func load(_ path: String) throws -> [KernelMeasurement] {
        let data = try InputFile.read(path, what: "measurements", limitBytes: InputFile.tableLimitBytes,
                                      fix: "give a CSV file written by scripts/measure-gpu.py")
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }

    /// Parses CSV text; `name` labels errors.
    public static func parse(_ text: String, name: String) throws -> [KernelMeasurement] {
        // A byte-order mark (spreadsheets write one) is not part of the first column's name.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let header = lines.first else {
            throw RooflineError.badData("\(name) is empty: give a measurements CSV with a header line")
        }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let layout = Layout.allCases.first(where: { Set($0.required).isSubset(of: Set(columns)) }) else {
            throw RooflineError.badData(
                "\(name): header '\(header)' is no measurements table: it needs the columns of a GEMM (dtype,m,n,k,latency_us), "
                + "attention or collectives table (see Sources/RooflineCalibration/Data/measured/README.md)")
        }
        guard lines.count > 1 else { throw RooflineError.badData("\(name) has a header but no rows: add measured rows") }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return try lines.dropFirst().enumerated().map { offset, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let row = Row(fields: fields, index: index, where: "\(name) line \(offset + 2)")
            guard fields.count == columns.count else {
                throw RooflineError.badData("\(row.place): \(fields.count) fields for \(columns.count) columns: fix the row")
            }
            return try measurement(layout, row)
        }
    }

    /// One row's fields by column name, with the place to name in errors.
    struct Row {
        var fields: [String]
        var index: [String: Int]
        var place: String

        init(fields: [String], index: [String: Int], where place: String) {
            self.fields = fields
            self.index = index
            self.place = place
        }

        func text(_ column: String) -> String { index[column].map { fields[$0] } ?? "" }

        /// A positive finite number up to 1e15 (a count, a size or a latency; larger is no measurement and would
        /// not fit the integer shapes print), else a bad-data error naming the column.
        func number(_ column: String, allowZero: Bool = false) throws -> Double {
            guard let value = Double(text(column)), value.isFinite, allowZero ? value >= 0 : value > 0, value <= 1e15 else {
                throw RooflineError.badData("\(place): \(column) '\(text(column))' is not a positive number up to 1e15: fix the row")
            }
            return value
        }

        /// A data-type label of the tables: bf16, fp16, fp8, fp8_block.
        func type(_ column: String) throws -> DataType {
            switch text(column) {
            case "bf16": return .bf16
            case "fp16": return .fp16
            case "fp8", "fp8_block": return .fp8
            default:
                throw RooflineError.badData("\(place): \(column) '\(text(column))' is not bf16, fp16, fp8 or fp8_block")
            }
        }
    }

    /// One row as a measurement: the class from the table and its type or implementation columns, the work from
    /// `KernelWork` (GEMM: `gemm(m:n:k:)`; prefill: `prefillAttention` with the window when one is given; decode:
    /// `decodeAttention` over min(kv_len, window) keys with bf16 queries; collectives: `collective` bus bytes;
    /// memory: the bytes given), and latency_us × 10⁻⁶ seconds.
    static func measurement(_ layout: Layout, _ row: Row) throws -> KernelMeasurement {
        let seconds = try row.number("latency_us") * 1e-6
        switch layout {
        case .gemm:
            let (m, n, k) = (try row.number("m"), try row.number("n"), try row.number("k"))
            let type = try row.type("dtype")
            return KernelMeasurement(kernel: KernelClass(.gemm, row.text("dtype")),
                                     work: .gemm(m: m, n: n, k: k, type: type), measuredSeconds: seconds,
                                     shape: "m=\(Int(m)) n=\(Int(n)) k=\(Int(k))")
        case .prefill:
            let (b, s, h, kv, d) = (try row.number("batch"), try row.number("seq_len"), try row.number("num_heads"),
                                    try row.number("num_kv_heads"), try row.number("head_dim"))
            let window = row.index["window"] == nil ? 0 : try row.number("window", allowZero: true)
            let type = try row.type("attn_dtype")
            _ = try row.type("kv_dtype")
            return KernelMeasurement(
                kernel: KernelClass(.prefillAttention, row.text("attn_dtype")),
                work: .prefillAttention(batch: b, tokens: s, heads: h, kvHeads: kv, headDim: d,
                                        window: window > 0 ? window : nil, type: type),
                measuredSeconds: seconds,
                shape: "batch=\(Int(b)) s=\(Int(s)) heads=\(Int(h))/\(Int(kv)) d=\(Int(d))" + (window > 0 ? " w=\(Int(window))" : ""))
        case .decode:
            let (b, c, h, kv, d) = (try row.number("batch"), try row.number("kv_len"), try row.number("num_heads"),
                                    try row.number("num_kv_heads"), try row.number("head_dim"))
            let window = row.index["window"] == nil ? 0 : try row.number("window", allowZero: true)
            let keys = window > 0 ? min(window, c) : c
            return KernelMeasurement(
                kernel: KernelClass(.decodeAttention, row.text("kv_dtype")),
                work: .decodeAttention(batch: b, kvLength: keys, heads: h, kvHeads: kv, headDim: d, activation: .bf16,
                                       kvCache: try row.type("kv_dtype")),
                measuredSeconds: seconds,
                shape: "batch=\(Int(b)) kv=\(Int(c)) heads=\(Int(h))/\(Int(kv)) d=\(Int(d))" + (window > 0 ? " w=\(Int(window))" : ""))
        case .memory:
            let bytes = try row.number("bytes")
            return KernelMeasurement(kernel: KernelClass(.memory, "bytes"),
                                     work: KernelWork(flops: 0, bytes: bytes, computeType: .bf16), measuredSeconds: seconds,
                                     shape: "\(row.text("kernel")) \(Int(bytes)) B")
        case .collectives:
            let family: KernelFamily
            switch row.text("collective") {
            case "all_reduce": family = .allReduce
            case "all_gather": family = .allGather
            case "reduce_scatter": family = .reduceScatter
            case "alltoall", "all_to_all": family = .allToAll
            default:
                throw RooflineError.badData(
                    "\(row.place): collective '\(row.text("collective"))' is not all_reduce, all_gather, reduce_scatter or alltoall")
            }
            let impl = row.text("impl")
            guard !impl.isEmpty else { throw RooflineError.badData("\(row.place): impl is empty: give nccl or custom") }
            let ranks = try row.number("num_gpus")
            guard ranks >= 2, ranks == ranks.rounded() else {
                throw RooflineError.badData("\(row.place): num_gpus '\(row.text("num_gpus"))' must be a whole number ≥ 2")
            }
            let bytes = try row.number("message_bytes")
            return KernelMeasurement(
                kernel: KernelClass(family, impl == "nccl" ? "nccl" : "custom", ranks: Int(ranks)),
                work: .collective(family, messageBytes: bytes, ranks: Int(ranks)), measuredSeconds: seconds,
                shape: "\(Int(bytes)) B on \(Int(ranks)) GPUs (\(impl))")
        }
    }
}
