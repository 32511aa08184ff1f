package io.proflens.analysis.diff;

import io.proflens.demo.NsysExportWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated SYNTHETIC scaling series: three nsys exports of a prefill at seq = 4096, 6144, 8192. Per run
 * (totals exact by construction, 4 launches each):
 * <ul>
 *   <li>an FMHA kernel whose tile size differs per run (names match only after normalization) with totals
 *       {@value #FMHA_4K_NS}, ×1.5, ×1.5×1.3 ns: "fmha 4k→6k took 1.5×, 6k→8k 1.3×";</li>
 *   <li>a GEMM that scales linearly with seq (totals ∝ seq);</li>
 *   <li>an elementwise kernel that scales quadratically (totals ∝ seq²): worse than its expected linear cost.</li>
 * </ul>
 */
final class ScalingFixtures {
    static final long FMHA_4K_NS = 4_000_000;
    static final long GEMM_4K_NS = 2_000_000;
    static final long ELEMENTWISE_4K_NS = 400_000;
    static final long[] SEQ = {4096, 6144, 8192};
    static final String[] FMHA = {"fmha_cutlassF_f16_aligned_64x128_rf_sm80", "fmha_cutlassF_f16_aligned_128x128_rf_sm80",
        "fmha_cutlassF_f16_aligned_128x64_rf_sm80"};
    static final String GEMM = "ampere_fp16_s16816gemm_fp16_128x128_ldg8_f2f_stages_32x5_tn";
    static final String ELEMENTWISE = "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::Half>, "
            + "at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<c10::Half>, at::detail::Array<char*, 3>)";

    private ScalingFixtures() {
    }

    /** @return totals per run: fmha, gemm, elementwise */
    static long[][] totals() {
        long[][] t = new long[3][];
        long fmha6 = FMHA_4K_NS * 3 / 2;
        long fmha8 = fmha6 * 13 / 10;
        long[] fmha = {FMHA_4K_NS, fmha6, fmha8};
        for (int i = 0; i < 3; i++) {
            long s = SEQ[i];
            t[i] = new long[] {fmha[i], GEMM_4K_NS * s / 4096, ELEMENTWISE_4K_NS * s * s / (4096L * 4096L)};
        }
        return t;
    }

    /** Writes the three exports into {@code dir}; returns their paths in seq order. */
    static List<Path> write(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        long[][] totals = totals();
        for (int r = 0; r < 3; r++) {
            Path p = dir.resolve("prefill_seq" + SEQ[r] + ".sqlite");
            int pid = 100;
            try (NsysExportWriter w = NsysExportWriter.open(p)) {
                w.process(pid, "python3 prefill.py (synthetic)").thread(pid, pid, "python3")
                        .gpu(NsysExportWriter.Gpu.h100(0));
                long cpu = 1_000_000_000L;
                long gpu = cpu + 50_000;
                long corr = 1;
                String[] names = {FMHA[r], GEMM, ELEMENTWISE};
                for (int step = 0; step < 4; step++) {
                    long stepStart = cpu;
                    for (int k = 0; k < names.length; k++) {
                        long d = totals[r][k] / 4;
                        w.cudaApi(cpu, cpu + 5_000, pid, pid, "cudaLaunchKernel_v7000", corr);
                        gpu = Math.max(gpu, cpu + 10_000);
                        w.kernel(gpu, gpu + d, 0, 7, corr, pid, names[k]);
                        gpu += d + 1_000;
                        cpu += 6_000;
                        corr++;
                    }
                    cpu = gpu + 20_000;
                    w.nvtxRange(stepStart, cpu, pid, pid, "prefill_step");
                    cpu += 1_000;
                }
                w.finish();
            }
            out.add(p);
        }
        return out;
    }
}
