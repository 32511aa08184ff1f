package io.proflens.analysis.anatomy;

import io.proflens.demo.NsysExportWriter;
import io.proflens.demo.NsysExportWriter.Gpu;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SYNTHETIC nsys export reproducing an inference team's hand-written anatomy of one decode step of a 61-layer
 * DeepSeek-style MoE model (issue 6):
 *
 * <blockquote>"dense layers 1-3 (RMSNorm 8 µs, q_a_kv_a 11 µs, q_proj_b 2+14 µs, bmm, rope, attention 153 µs, o_proj
 * 3+30 µs, MLP up 2+22 µs, silu 5 µs, down 18 µs → 0.311 ms per layer), MoE layers 4-61 (attention part, gate+topk
 * 19 µs, shared expert, dispatch 43 µs exposed, expert up 40 µs, silu, down 30 µs, combine 12 µs exposed → 0.439 ms
 * per layer × 58 = 25.46 ms), MTP 2 ms, total 28.5 ms per step"</blockquote>
 *
 * <p>Construction (all integers, ns): 3 steps, each an NVTX range {@code decode_step} of exactly 28,500,000 ns on
 * the main thread of process 5000, 1 ms apart. Per step on the GPU (H100, compute stream 7, DeepEP on stream 13, all
 * serial, so nothing overlaps): embedding 5 µs; 3 dense layers of 13 kernels (278 µs of kernels; the 33 µs of gaps
 * spread evenly, span exactly 311 µs); 58 MoE layers of 20 kernels (413 µs of kernels, span exactly 439 µs); one MTP
 * layer (enorm, hnorm, eh_proj, then an MoE layer's kernels; span exactly 2 ms); 0.5 µs between layers; LM head 30 µs
 * and argmax 9 µs. Unquoted values chosen here: bmm 6 µs, rope 4 µs, the MoE post-attention RMSNorm 8 µs, gate 12 +
 * top-k 7 µs, shared expert 11 + 3 + 11 µs, expert SiLU 5 µs. Each kernel is launched by a 2 µs
 * {@code cudaLaunchKernel} 5 µs before it starts. With {@code layerRanges}, NVTX ranges {@code layer_0} …
 * {@code layer_60}, {@code mtp_layer_61} and one range per operator (named as quoted) wrap the launches; without,
 * only {@code decode_step} exists and layers must be found in the kernel sequence.
 */
final class DecodeStepScenario {
    static final int PID = 5000;
    static final int STEPS = 3;
    static final long STEP_NS = 28_500_000;
    static final long DENSE_SPAN_NS = 311_000;
    static final long MOE_SPAN_NS = 439_000;
    static final long MTP_SPAN_NS = 2_000_000;
    static final int DENSE_LAYERS = 3;
    static final int MOE_LAYERS = 58;

    static final String RMS_NORM = "void vllm::rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, "
            + "const c10::BFloat16 *, const c10::BFloat16 *, float, int, int)";
    static final String RMS_NORM_NARROW = "void vllm::rms_norm_kernel<c10::BFloat16, (int)4>(c10::BFloat16 *, "
            + "const c10::BFloat16 *, const c10::BFloat16 *, float, int, int)";
    static final String FUSED_ADD_RMS_NORM = "void vllm::fused_add_rms_norm_kernel<c10::BFloat16, (int)8>("
            + "c10::BFloat16 *, c10::BFloat16 *, const c10::BFloat16 *, float, int, int)";
    static final String ROTARY = "void vllm::rotary_embedding_kernel<c10::BFloat16, (bool)0>(const long *, "
            + "c10::BFloat16 *, c10::BFloat16 *, const c10::BFloat16 *, int, long, long, long, int, int, int)";
    static final String FLASH_MLA = "void flash::flash_fwd_splitkv_mla_kernel<Flash_fwd_kernel_traits_mla<(int)576, "
            + "(int)64, (int)64, (int)8, cutlass::bfloat16_t, (int)512>, (bool)0, SharedStorageMLA<"
            + "Flash_fwd_kernel_traits_mla<(int)576, (int)64, (int)64, (int)8, cutlass::bfloat16_t, (int)512>>>"
            + "(Flash_fwd_mla_params)";
    static final String GEMM_LARGE = "nvjet_tst_128x256_64x4_2x1_v_bz_coopA_TNT";
    static final String GEMM_SPLITK = "nvjet_tst_64x8_64x16_4x1_v_bz_splitK_TNT";
    static final String GEMM_MEDIUM = "nvjet_tst_128x64_64x8_2x1_v_bz_TNT";
    static final String GEMM_BATCHED = "nvjet_tst_64x32_64x16_4x1_v_bz_TNN";
    static final String GEMM_ROUTER = "nvjet_tst_64x8_64x16_2x1_v_bz_TNT";
    static final String GEMM_LM_HEAD = "nvjet_tst_256x128_64x4_1x2_h_bz_coopB_TNT";
    static final String QUANT = "void sglang::per_token_group_quant_8bit_kernel<c10::BFloat16, "
            + "__nv_fp8_e4m3>(const c10::BFloat16 *, void *, float *, int, int, int, float, float, float, bool)";
    static final String SILU_AND_MUL = "void vllm::act_and_mul_kernel<c10::BFloat16, "
            + "&vllm::silu_kernel<c10::BFloat16>, (bool)1>(c10::BFloat16 *, const c10::BFloat16 *, int)";
    static final String TOPK = "void vllm::moe::topkGatingSoftmax<(int)8, (int)256, (int)4, (int)16, int>("
            + "const float *, const bool *, float *, int, int *, int *, int, int, int)";
    static final String DISPATCH = "void deep_ep::internode_ll::dispatch<(bool)1, (int)3, (int)10, (int)7168>("
            + "void *, float *, int *, long *, void *, int *, int *, void *, const void *, const long *, int *, int *, "
            + "int, int, int, int, int, int, int, int)";
    static final String COMBINE = "void deep_ep::internode_ll::combine<(int)3, (int)10, (int)7168, (int)9>("
            + "void *, void *, int *, void *, const void *, const long *, const int *, const float *, int *, int *, "
            + "int, int, int, int, int, int, int, int, bool)";
    static final String EXPERT_UP = "void deep_gemm::fp8_gemm_kernel<(unsigned int)4096, (unsigned int)7168, "
            + "(unsigned int)64, (unsigned int)128, (unsigned int)128, (unsigned int)0, (unsigned int)32, "
            + "(unsigned int)8, (unsigned int)128, (unsigned int)128, (unsigned int)1, (bool)0, "
            + "(deep_gemm::GemmType)2>(float *, int *, unsigned int, CUtensorMap, CUtensorMap, CUtensorMap, "
            + "CUtensorMap)";
    static final String EXPERT_DOWN = EXPERT_UP.replace("<(unsigned int)4096, (unsigned int)7168,",
            "<(unsigned int)7168, (unsigned int)2048,");
    static final String EXPERT_SILU = "_silu_mul_fp8_quant_deep_gemm";
    static final String EMBEDDING = "void at::native::<unnamed>::indexSelectLargeIndex<c10::BFloat16, long, "
            + "unsigned int, (int)2, (int)2, (int)-2, (bool)1>(at::cuda::detail::TensorInfo<c10::BFloat16, "
            + "unsigned int>, at::cuda::detail::TensorInfo<const c10::BFloat16, unsigned int>, "
            + "at::cuda::detail::TensorInfo<const long, unsigned int>, int, int, unsigned int, unsigned int, long)";
    static final String ARGMAX = "void at::native::reduce_kernel<(int)512, (int)1, at::native::ReduceOp<float, "
            + "at::native::ArgMaxOps<float>, unsigned int, long, (int)4, (int)4>>(T3)";

    private static final int COMPUTE = 7;
    private static final int COMM = 13;
    private static final long T0 = 1_000_000_000L;

    /** A kernel of an operator: name, duration, stream. */
    record K(String name, long ns, int stream) {
        static K c(String name, long ns) {
            return new K(name, ns, COMPUTE);
        }
    }

    /** An operator (one NVTX range) of a layer. */
    record Op(String name, List<K> kernels) {
        static Op of(String name, K... kernels) {
            return new Op(name, List.of(kernels));
        }
    }

    private DecodeStepScenario() {
    }

    static List<Op> attentionPart(boolean firstLayer) {
        return List.of(
                Op.of("RMSNorm", K.c(firstLayer ? RMS_NORM : FUSED_ADD_RMS_NORM, 8_000)),
                Op.of("q_a_kv_a", K.c(GEMM_SPLITK, 11_000)),
                Op.of("q_proj_b", K.c(RMS_NORM_NARROW, 2_000), K.c(GEMM_MEDIUM, 14_000)),
                Op.of("bmm", K.c(GEMM_BATCHED, 6_000)),
                Op.of("rope", K.c(ROTARY, 4_000)),
                Op.of("attention", K.c(FLASH_MLA, 153_000)),
                Op.of("o_proj", K.c(GEMM_BATCHED, 3_000), K.c(GEMM_LARGE, 30_000)));
    }

    static List<Op> denseLayer(boolean first) {
        List<Op> ops = new ArrayList<>(attentionPart(first));
        ops.add(Op.of("MLP up", K.c(QUANT, 2_000), K.c(GEMM_LARGE, 22_000)));
        ops.add(Op.of("silu", K.c(SILU_AND_MUL, 5_000)));
        ops.add(Op.of("down", K.c(GEMM_LARGE, 18_000)));
        return ops;
    }

    static List<Op> moePart() {
        return List.of(
                Op.of("RMSNorm", K.c(FUSED_ADD_RMS_NORM, 8_000)),
                Op.of("gate+topk", K.c(GEMM_ROUTER, 12_000), K.c(TOPK, 7_000)),
                Op.of("shared expert", K.c(GEMM_MEDIUM, 11_000), K.c(SILU_AND_MUL, 3_000), K.c(GEMM_MEDIUM, 11_000)),
                Op.of("dispatch", new K(DISPATCH, 43_000, COMM)),
                Op.of("expert up", K.c(EXPERT_UP, 40_000)),
                Op.of("silu", K.c(EXPERT_SILU, 5_000)),
                Op.of("down", K.c(EXPERT_DOWN, 30_000)),
                Op.of("combine", new K(COMBINE, 12_000, COMM)));
    }

    static List<Op> moeLayer() {
        List<Op> ops = new ArrayList<>(attentionPart(false));
        ops.addAll(moePart());
        return ops;
    }

    static List<Op> mtpLayer() {
        List<Op> ops = new ArrayList<>();
        ops.add(Op.of("enorm", K.c(RMS_NORM, 8_000)));
        ops.add(Op.of("hnorm", K.c(RMS_NORM, 8_000)));
        ops.add(Op.of("eh_proj", K.c(GEMM_MEDIUM, 14_000)));
        ops.addAll(moeLayer());
        return ops;
    }

    /**
     * Writes the export.
     *
     * @param dir         directory
     * @param layerRanges whether layer and operator NVTX ranges are written
     * @return the file
     */
    static Path write(Path dir, boolean layerRanges) throws IOException {
        Path out = dir.resolve(layerRanges ? "decode-61-layers-nvtx.sqlite" : "decode-61-layers-kernels-only.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.process(PID, "python3 -m sglang.launch_server (synthetic)").thread(PID, PID, "python3")
                    .gpu(Gpu.h100(0));
            Emitter e = new Emitter(w, layerRanges);
            long s = T0 + 100_000;
            for (int step = 0; step < STEPS; step++) {
                w.nvtxRange(s, s + STEP_NS, PID, PID, "decode_step");
                long t = s + 6_000;
                t = e.kernel(K.c(EMBEDDING, 5_000), t) + 1_000;
                int layer = 0;
                for (int i = 0; i < DENSE_LAYERS; i++, layer++) {
                    t = e.layer("layer_" + layer, denseLayer(layer == 0), DENSE_SPAN_NS, t) + 500;
                }
                for (int i = 0; i < MOE_LAYERS; i++, layer++) {
                    t = e.layer("layer_" + layer, moeLayer(), MOE_SPAN_NS, t) + 500;
                }
                t = e.layer("mtp_layer_" + layer, mtpLayer(), MTP_SPAN_NS, t) + 1_000;
                t = e.kernel(K.c(GEMM_LM_HEAD, 30_000), t) + 1_000;
                t = e.kernel(K.c(ARGMAX, 9_000), t);
                if (t > s + STEP_NS) {
                    throw new IllegalStateException("GPU work does not fit the step: " + (t - s));
                }
                s += STEP_NS + 1_000_000;
            }
            return w.finish();
        }
    }

    /** Writes kernels with their launches (5 µs ahead, 2 µs long) and, optionally, the NVTX ranges. */
    private static final class Emitter {
        private final NsysExportWriter w;
        private final boolean ranges;
        private long corr = 1;

        Emitter(NsysExportWriter w, boolean ranges) {
            this.w = w;
            this.ranges = ranges;
        }

        /** @return kernel end */
        long kernel(K k, long start) throws IOException {
            w.cudaApi(start - 5_000, start - 3_000, PID, PID, "cudaLaunchKernel_v7000", corr);
            w.kernel(start, start + k.ns(), 0, k.stream(), corr, PID, k.name());
            corr++;
            return start + k.ns();
        }

        /** Lays out a layer whose GPU span is exactly {@code spanNs}; @return its end */
        long layer(String name, List<Op> ops, long spanNs, long start) throws IOException {
            List<K> all = new ArrayList<>();
            for (Op o : ops) {
                all.addAll(o.kernels());
            }
            long sum = all.stream().mapToLong(K::ns).sum();
            long rem = spanNs - sum;
            int gaps = all.size() - 1;
            long base = rem / gaps;
            long t = start;
            int idx = 0;
            long layerLaunchFrom = start - 5_000;
            long lastLaunchEnd = 0;
            for (Op o : ops) {
                long opLaunchFrom = t - 5_000;
                for (K k : o.kernels()) {
                    lastLaunchEnd = t - 3_000;
                    long end = kernel(k, t);
                    idx++;
                    if (idx <= gaps) {
                        t = end + (idx == gaps ? rem - base * (gaps - 1) : base);
                    } else {
                        t = end;
                    }
                }
                if (ranges) {
                    w.nvtxRange(opLaunchFrom - 200, lastLaunchEnd + 200, PID, PID, o.name());
                }
            }
            if (t - start != spanNs) {
                throw new IllegalStateException("layer span " + (t - start) + " != " + spanNs);
            }
            if (ranges) {
                w.nvtxRange(layerLaunchFrom - 1_000, lastLaunchEnd + 500, PID, PID, name);
            }
            return t;
        }
    }
}
