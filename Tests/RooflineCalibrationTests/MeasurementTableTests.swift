import Foundation
import RooflineCalibration
import RooflineCore
import Testing

/// The measurement file parser: every bundled layout, and malformed files as bad data naming the line.
struct MeasurementTableTests {
    @Test func readsEachLayout() throws {
        let gemm = try MeasurementTable.parse("dtype,m,n,k,latency_us,tflops\nbf16,2,3,4,1.5,0\n", name: "g")
        #expect(gemm.count == 1)
        #expect(gemm[0].kernel == KernelClass(.gemm, "bf16"))
        #expect(gemm[0].work.flops == 48)
        #expect(gemm[0].measuredSeconds == 1.5e-6)
        let prefill = try MeasurementTable.parse(
            "batch,seq_len,num_heads,num_kv_heads,head_dim,window,attn_dtype,kv_dtype,latency_us\n1,2,1,1,2,0,bf16,bf16,10\n",
            name: "p")
        #expect(prefill[0].kernel.family == .prefillAttention)
        #expect(prefill[0].work.flops == 39)
        let decode = try MeasurementTable.parse(
            "batch,kv_len,num_heads,num_kv_heads,head_dim,window,kv_dtype,latency_us\n1,4,2,1,2,0,bf16,8\n", name: "d")
        #expect(decode[0].work.bytes == 48)
        let collectives = try MeasurementTable.parse(
            "impl,collective,num_gpus,dtype,elem_bytes,message_elems,message_bytes,latency_us\n"
                + "nccl,all_reduce,8,fp16,2,500,1000,20\ntrtllm_custom,all_reduce,2,bf16,2,500,1000,3\n", name: "c")
        #expect(collectives.map(\.kernel) == [KernelClass(.allReduce, "nccl", ranks: 8), KernelClass(.allReduce, "custom", ranks: 2)])
        #expect(collectives[0].work.bytes == 1750)
        let memory = try MeasurementTable.parse("kernel,bytes,latency_us\ncopy,2097152,3.5\n", name: "m")
        #expect(memory[0].kernel == KernelClass(.memory, "bytes"))
        #expect(memory[0].work.bytes == 2_097_152 && memory[0].work.flops == 0)
        // A byte-order mark ahead of the header (as spreadsheets save CSV) is not part of the first column's name.
        let marked = try MeasurementTable.parse("\u{FEFF}dtype,m,n,k,latency_us,tflops\nbf16,2,3,4,1.5,0\n", name: "bom")
        #expect(marked == gemm)
    }

    @Test(arguments: [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("a,b,c\n1,2,3\n", "is no measurements table"),
        ("dtype,m,n,k,latency_us\n", "no rows"),
        ("dtype,m,n,k,latency_us\nbf16,1,2,3\n", "line 2: 4 fields for 5 columns"),
        ("dtype,m,n,k,latency_us\nbf16,1,2,3,-1\n", "line 2: latency_us '-1' is not a positive number"),
        ("dtype,m,n,k,latency_us\nbf16,1,2,3,4\nint3,1,2,3,4\n", "line 3: dtype 'int3'"),
        ("dtype,m,n,k,latency_us\nbf16,x,2,3,4\n", "line 2: m 'x'"),
        ("impl,collective,num_gpus,message_bytes,latency_us\nnccl,broadcast,8,1,1\n", "collective 'broadcast'"),
        ("impl,collective,num_gpus,message_bytes,latency_us\nnccl,all_reduce,1,1,1\n", "num_gpus '1'"),
    ])
    func malformedFilesAreBadData(text: String, message: String) {
        do {
            _ = try MeasurementTable.parse(text, name: "m.csv")
            Issue.record("parsed a malformed file: \(text)")
        } catch let error as RooflineError {
            #expect(error.category == .badData)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theBundledTablesParseAndFitTheirOwnCalibrations() throws {
        let folder = try #require(BundledCalibrations.measuredFolder)
        let rows = try MeasurementTable.load(folder.appendingPathComponent("h100_sxm_collectives.csv").path)
        #expect(rows.count == 573)
        let bundled = try BundledCalibrations.named("h100-sxm")
        #expect(bundled.appliesTo.contains("nvidia-h200-sxm-141gb"))
        let refit = try CalibrationFit.fit(rows, peaks: bundled.measuredOn, name: "x", source: "y")
        for model in refit.models { #expect(bundled.model(for: model.kernel) == model) }
    }
}
