import Foundation
import RooflineCore

/// A metadata value of a GGUF file (`enum gguf_type`, ggml/src/gguf.cpp).
public enum GGUFValue: Sendable, Equatable, Codable {
    case unsigned(UInt64)
    case signed(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// An array of `count` values of `elementType` (a `gguf_type` id). `values` holds them when there are at most
    /// `GGUFFile.keptArrayLength` (per-layer arrays); longer arrays (a tokenizer's tokens, scores, merges) keep
    /// only their count.
    case array(elementType: UInt32, count: Int, values: [GGUFValue])

    /// The value as a whole number, when it is an integer type (or a whole float) that fits an Int.
    public var integer: Int? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int.max) ? Int(value) : nil
        case .signed(let value): Int(value)
        case .float(let value): value == value.rounded() && abs(value) < 1e15 ? Int(value) : nil
        default: nil
        }
    }

    /// The value as a number, when it is numeric.
    public var number: Double? {
        switch self {
        case .unsigned(let value): Double(value)
        case .signed(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }

    /// A short rendering for messages.
    public var summary: String {
        switch self {
        case .unsigned(let value): String(value)
        case .signed(let value): String(value)
        case .float(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): "\"\(value.prefix(40))\""
        case .array(_, let count, _): "an array of \(count)"
        }
    }
}

/// One entry of a GGUF file's tensor table: where a tensor's data is and how it is stored.
public struct GGUFTensorInfo: Sendable, Equatable, Codable {
    public var name: String
    /// ggml's ne[]: dimensions[0] is the row length (a weight matrix's input size k), dimensions[1] its rows (the
    /// outputs n), dimensions[2] the experts of a stacked MoE tensor.
    public var dimensions: [Int]
    public var type: GGMLType
    /// Offset of the data from the start of the data section.
    public var offset: Int
    /// Elements: the product of the dimensions.
    public var elements: Int
    /// Bytes of the data: `type.rowBytes(dimensions[0])` × the other dimensions (ggml.c `ggml_nbytes`).
    public var bytes: Int

    /// Rows of the tensor, a weight matrix's outputs n: dimensions[1] (1 for a vector).
    public var rows: Int { dimensions.count > 1 ? dimensions[1] : 1 }

    /// Matrices stacked in the tensor: dimensions[2] × dimensions[3] (1 for a 2-D weight).
    public var matrices: Int { dimensions.dropFirst(2).reduce(1, *) }
}

/// The header of a GGUF file (ggml's model format, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md;
/// the reader in ggml/src/gguf.cpp): version, metadata and tensor table. The weights are never read: parsing
/// reads the header bytes only, and checks every tensor's data against the file's size.
public struct GGUFFile: Sendable, Equatable {
    public var version: Int
    /// Metadata keys in file order, and their values.
    public var keys: [String]
    public var metadata: [String: GGUFValue]
    /// Each key's `gguf_type` id as stored (metadata keeps only the kind: unsigned, signed, float, …).
    public var valueTypes: [String: UInt32]
    public var tensors: [GGUFTensorInfo]
    /// `general.alignment` (32 by default): tensor data offsets are multiples of it.
    public var alignment: Int
    /// Where the data section starts: the header's end rounded up to `alignment`.
    public var dataOffset: Int
    public var fileSize: Int

    /// Arrays longer than this keep only their count.
    public static let keptArrayLength = 65_536

    /// Tensors by name.
    public func tensor(_ name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }
    private var tensorIndex: [String: Int]

    public static func == (lhs: GGUFFile, rhs: GGUFFile) -> Bool {
        lhs.version == rhs.version && lhs.keys == rhs.keys && lhs.metadata == rhs.metadata
            && lhs.valueTypes == rhs.valueTypes && lhs.tensors == rhs.tensors
            && lhs.alignment == rhs.alignment && lhs.dataOffset == rhs.dataOffset && lhs.fileSize == rhs.fileSize
    }

    /// Whether `data` starts with the GGUF magic.
    public static func hasMagic(_ data: Data) -> Bool { data.prefix(4) == Data("GGUF".utf8) }

    /// Reads the header of the file at `url`, fetching only the header bytes. Errors are one-line bad-data
    /// errors naming the file, what is wrong and where.
    public init(contentsOf url: URL) throws {
        if let kind = InputFile.nonRegularKind(url.path) {
            throw RooflineError.usage("cannot read \(url.path): it is \(kind), not a file; give a .gguf file")
        }
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw RooflineError.usage("cannot read \(url.path): check the path and its permissions")
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        let cursor = GGUFCursor(size: size, source: url.path) { offset, count in
            try handle.seek(toOffset: UInt64(offset))
            return try handle.read(upToCount: count) ?? Data()
        }
        try self.init(cursor)
    }

    /// Parses a header held in memory (`source` names it in messages).
    public init(data: Data, source: String) throws {
        let cursor = GGUFCursor(size: data.count, source: source) { offset, count in
            data.subdata(in: (data.startIndex + offset)..<(data.startIndex + min(data.count, offset + count)))
        }
        try self.init(cursor)
    }

    private init(_ c: GGUFCursor) throws {
        guard c.size >= 4, try c.bytes(4, "the magic") == Data("GGUF".utf8) else {
            throw c.fail("not a GGUF file (it does not start with the bytes GGUF): pass a .gguf model file")
        }
        let version = try c.u32("the version")
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw c.fail("a big-endian GGUF file, which is not supported: convert it with gguf-py on a little-endian machine")
            }
            throw c.fail("GGUF version \(version) is not supported: versions 2 and 3 are (re-convert the model with a current llama.cpp)")
        }
        let tensorCount = try c.count(c.u64("the tensor count"), minimumBytes: 32, "tensors")
        let keyCount = try c.count(c.u64("the metadata count"), minimumBytes: 13, "metadata pairs")
        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        var valueTypes: [String: UInt32] = [:]
        for index in 0..<keyCount {
            let key = try c.string("the key of metadata pair \(index + 1)")
            let type = try c.u32("the type of \(key)")
            let value = try c.value(type: type, key: key)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw c.fail("metadata key \(key) appears twice: the header is corrupt")
            }
            keys.append(key)
            valueTypes[key] = type
        }
        var alignment = 32
        if let value = metadata["general.alignment"] {
            guard let a = value.integer, a > 0, a & (a - 1) == 0, a <= 1 << 20 else {
                throw c.fail("general.alignment is \(value.summary): it must be a power of two")
            }
            alignment = a
        }
        var tensors: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for number in 0..<tensorCount {
            let name = try c.string("the name of tensor \(number + 1) of \(tensorCount)")
            let dimensionCount = try c.u32("the dimension count of \(name)")
            guard (1...4).contains(dimensionCount) else {
                throw c.fail("tensor \(name) has \(dimensionCount) dimensions: ggml tensors have 1 to 4")
            }
            var dimensions: [Int] = []
            // The product of the non-zero dimensions stays below 2^53, so that every partial product (rows,
            // stacked matrices, bytes) is exact in Int and Double.
            var nonZeroProduct = 1
            for _ in 0..<dimensionCount {
                let raw = try c.u64("a dimension of \(name)")
                guard raw < 1 << 53 else { throw c.fail("tensor \(name) has a dimension of \(raw): the header is corrupt") }
                let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: max(1, Int(raw)))
                guard !overflow, product < 1 << 53 else {
                    throw c.fail("tensor \(name) has dimensions whose product overflows: the header is corrupt")
                }
                dimensions.append(Int(raw))
                nonZeroProduct = product
            }
            let elements = dimensions.reduce(1, *)
            let typeID = try c.u32("the type of \(name)")
            guard let type = GGMLType(rawValue: typeID) else {
                throw c.fail("tensor \(name) has ggml type \(typeID), which this version does not know (known: "
                    + GGMLType.allCases.map(\.name).joined(separator: ", ") + ")")
            }
            let offset = try c.u64("the offset of \(name)")
            guard let rowBytes = type.rowBytes(elements: dimensions[0]) else {
                throw c.fail("tensor \(name) has rows of \(dimensions[0]) elements, not a whole number of \(type.name) blocks of \(type.blockSize)")
            }
            let (bytes, overflow) = rowBytes.multipliedReportingOverflow(by: dimensions.dropFirst().reduce(1, *))
            guard !overflow, offset < 1 << 62, Int(offset) % alignment == 0 else {
                throw c.fail("tensor \(name) has offset \(offset), not a multiple of the alignment \(alignment): the header is corrupt")
            }
            guard index.updateValue(tensors.count, forKey: name) == nil else {
                throw c.fail("tensor \(name) appears twice in the tensor table: the header is corrupt")
            }
            tensors.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: Int(offset),
                                          elements: elements, bytes: bytes))
        }
        let dataOffset = (c.offset + alignment - 1) / alignment * alignment
        // (in subtractions: offsets and sizes near Int.max must not overflow)
        for tensor in tensors where tensor.offset > c.size - dataOffset || tensor.bytes > c.size - dataOffset - tensor.offset {
            throw c.fail("the file is truncated: tensor \(tensor.name) (\(tensor.bytes) bytes at \(dataOffset + tensor.offset)) "
                + "ends past the file's \(c.size) bytes; download or convert it again")
        }
        self.version = Int(version)
        self.keys = keys
        self.metadata = metadata
        self.valueTypes = valueTypes
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = dataOffset
        self.fileSize = c.size
        self.tensorIndex = index
    }
}

/// Reads a GGUF header front to back from a byte source, a window of it at a time, refusing any length that the
/// bytes left cannot hold.
final class GGUFCursor {
    let size: Int
    let source: String
    private let fetch: (Int, Int) throws -> Data
    private(set) var offset = 0
    private var window = Data()
    private var windowStart = 0
    /// Bytes fetched at once.
    private static let windowBytes = 1 << 20

    init(size: Int, source: String, fetch: @escaping (Int, Int) throws -> Data) {
        self.size = size
        self.source = source
        self.fetch = fetch
    }

    func fail(_ message: String) -> RooflineError {
        RooflineError.badData("\(source): \(message)")
    }

    var remaining: Int { size - offset }

    /// The next `count` bytes; a bad-data error naming `what` when the file ends first.
    func bytes(_ count: Int, _ what: String) throws -> Data {
        guard count >= 0, count <= remaining else {
            throw fail("the header is truncated: \(what) needs \(count) bytes at offset \(offset), the file has \(remaining) left")
        }
        if offset < windowStart || offset + count > windowStart + window.count {
            windowStart = offset
            do {
                window = try fetch(offset, max(count, Self.windowBytes))
            } catch {
                throw RooflineError.runtime("\(source): reading at offset \(offset) failed: \(error.localizedDescription)")
            }
            guard window.count >= count else {
                throw fail("the header is truncated: \(what) needs \(count) bytes at offset \(offset), the file has \(window.count) left")
            }
        }
        let start = window.startIndex + (offset - windowStart)
        offset += count
        return window.subdata(in: start..<(start + count))
    }

    /// Steps over `count` bytes without reading them; a bad-data error naming `what` when the file ends first.
    func skip(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= remaining else {
            throw fail("\(what) claims \(count) bytes at offset \(offset), more than the \(remaining) left: the file is truncated or corrupt")
        }
        offset += count
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let data = try bytes(MemoryLayout<T>.size, what)
        var value = T.zero
        for (index, byte) in data.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * index) }
        return value
    }

    func u32(_ what: String) throws -> UInt32 { try integer(UInt32.self, what) }
    func u64(_ what: String) throws -> UInt64 { try integer(UInt64.self, what) }

    /// A count read from the header, refused when `count` items of at least `minimumBytes` each cannot fit in the
    /// bytes left (a header that claims more than it holds).
    func count(_ raw: UInt64, minimumBytes: Int, _ what: String) throws -> Int {
        guard raw <= UInt64(remaining / minimumBytes) else {
            throw fail("the header claims \(raw) \(what), more than the \(remaining) bytes left can hold: the file is truncated or corrupt")
        }
        return Int(raw)
    }

    /// A gguf_string: a u64 length and that many bytes of UTF-8.
    func string(_ what: String) throws -> String {
        let length = try u64("the length of \(what)")
        guard length <= UInt64(remaining) else {
            throw fail("\(what) claims \(length) bytes at offset \(offset - 8), more than the \(remaining) left: the file is truncated or corrupt")
        }
        return String(decoding: try bytes(Int(length), what), as: UTF8.self)
    }

    /// Smallest encoding of one value of `type` (`gguf_type`), nil for an unknown type.
    static func minimumBytes(type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: 1
        case 2, 3: 2
        case 4, 5, 6: 4
        case 10, 11, 12: 8
        case 8: 8
        case 9: 12
        default: nil
        }
    }

    /// One value of `type` (`gguf_type`: 0 UINT8, 1 INT8, 2 UINT16, 3 INT16, 4 UINT32, 5 INT32, 6 FLOAT32, 7 BOOL,
    /// 8 STRING, 9 ARRAY, 10 UINT64, 11 INT64, 12 FLOAT64). Arrays of arrays are refused (gguf.cpp does too).
    func value(type: UInt32, key: String, inArray: Bool = false) throws -> GGUFValue {
        switch type {
        case 0: return .unsigned(UInt64(try integer(UInt8.self, key)))
        case 1: return .signed(Int64(Int8(bitPattern: try integer(UInt8.self, key))))
        case 2: return .unsigned(UInt64(try integer(UInt16.self, key)))
        case 3: return .signed(Int64(Int16(bitPattern: try integer(UInt16.self, key))))
        case 4: return .unsigned(UInt64(try u32(key)))
        case 5: return .signed(Int64(Int32(bitPattern: try u32(key))))
        case 6: return .float(Double(Float(bitPattern: try u32(key))))
        case 7:
            let byte = try integer(UInt8.self, key)
            guard byte <= 1 else { throw fail("metadata \(key) is a bool stored as \(byte): the header is corrupt") }
            return .bool(byte == 1)
        case 8: return .string(try string("the value of \(key)"))
        case 9 where !inArray:
            let elementType = try u32("the element type of \(key)")
            guard let minimum = Self.minimumBytes(type: elementType), elementType != 9 else {
                throw fail("metadata \(key) is an array of type \(elementType), which GGUF does not define: the header is corrupt")
            }
            let count = try self.count(u64("the length of \(key)"), minimumBytes: minimum, "elements in \(key)")
            guard count <= GGUFFile.keptArrayLength else {
                // Too long to keep: step over it (fixed-size elements at once, strings one length at a time).
                if elementType == 8 {
                    for index in 0..<count { try skip(Int(clamping: try u64("the length of \(key)[\(index)]")), "\(key)[\(index)]") }
                } else {
                    try skip(count * minimum, "the elements of \(key)")
                }
                return .array(elementType: elementType, count: count, values: [])
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try value(type: elementType, key: key, inArray: true)) }
            return .array(elementType: elementType, count: count, values: values)
        case 10: return .unsigned(try u64(key))
        case 11: return .signed(Int64(bitPattern: try u64(key)))
        case 12: return .float(Double(bitPattern: try u64(key)))
        default:
            throw fail("metadata \(key) has value type \(type), which GGUF does not define: the header is corrupt")
        }
    }
}
