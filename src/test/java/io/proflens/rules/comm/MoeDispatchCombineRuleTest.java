package io.proflens.rules.comm;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.demo.NsysExportWriter;
import io.proflens.demo.NsysExportWriter.Gpu;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Severity;
import io.proflens.rules.ThresholdValues;
import io.proflens.scenarios.ExpertScenarios;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoeDispatchCombineRuleTest {
    static final String DISPATCH = "void deep_ep::internode_ll::dispatch<false, false, 7168>(void*, float*, int*, "
            + "long*, void*, int*, void*, int*, long*, void const*, long const*, int*, int*, int, int, int, int, "
            + "int, int, int, int)";
    static final String COMBINE = "void deep_ep::internode_ll::combine<false, 7168>(void*, void*, int*, void*, "
            + "void const*, long const*, int const*, long const*, float const*, int*, int*, int, int, int, int, int, "
            + "int, int, int, int, bool)";
    static final String ATTENTION = "void flash::flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<128, 64, 128, 4, "
            + "false, false, cutlass::bfloat16_t, Flash_kernel_traits<128, 64, 128, 4, cutlass::bfloat16_t> >, false, "
            + "false, false, false, true, true, false, false>(flash::Flash_fwd_params)";

    private final MoeDispatchCombineRule rule = new MoeDispatchCombineRule();

    @TempDir
    Path tmp;

    /**
     * SYNTHETIC MoE decode (written here with {@link NsysExportWriter}; the corpus has no MoE all-to-all kernels):
     * one H100, 10 steps of 4 layers, each layer 540 µs: shared-expert GEMM [0, 200) on stream 7, DeepEP
     * low-latency dispatch on stream 8, routed-expert GEMM, combine on stream 8, attention [440, 540); 100 µs
     * between steps. {@code overlapped = false}: dispatch [180, 240) overlaps the shared expert by 20 µs (40 µs
     * exposed), combine [390, 440) runs alone (50 µs exposed), expert GEMM [240, 390). {@code overlapped = true}:
     * dispatch [20, 80) and combine [260, 310) run under the GEMMs (nothing exposed).
     */
    private Path moeDecode(String file, boolean overlapped) throws IOException {
        int pid = 9_300;
        long corr = 1;
        try (NsysExportWriter w = NsysExportWriter.open(tmp.resolve(file))) {
            w.metadata("PROFLENS_SCENARIO", "moeDecode");
            w.process(pid, "python3 -m sglang.launch_server --enable-deepep-moe (synthetic)")
                    .thread(pid, pid, "python3").gpu(Gpu.h100(0));
            long t = ExpertScenarios.T0_NS;
            for (int step = 0; step < 10; step++) {
                for (int layer = 0; layer < 4; layer++) {
                    w.kernel(t, t + 200_000, 0, 7, corr++, pid, ExpertScenarios.XMMA_GEMM);
                    if (overlapped) {
                        w.kernel(t + 20_000, t + 80_000, 0, 8, corr++, pid, DISPATCH);
                        w.kernel(t + 260_000, t + 310_000, 0, 8, corr++, pid, COMBINE);
                    } else {
                        w.kernel(t + 180_000, t + 240_000, 0, 8, corr++, pid, DISPATCH);
                        w.kernel(t + 390_000, t + 440_000, 0, 8, corr++, pid, COMBINE);
                    }
                    w.kernel(t + 240_000, t + 390_000, 0, 7, corr++, pid, ExpertScenarios.NVJET_GEMM);
                    w.kernel(t + 440_000, t + 540_000, 0, 7, corr++, pid, ATTENTION);
                    t += 540_000;
                }
                t += 100_000;
            }
            return w.finish();
        }
    }

    private Finding eval(Trace t) {
        return rule.evaluate(RuleContext.of(t), ThresholdValues.defaults(rule));
    }

    @Test
    void exposedDeepEpDispatchAndCombineFire() throws Exception {
        Finding f = eval(TestData.load(moeDecode("moe-exposed.sqlite", false)));
        // exposed 40 × (40 + 50) µs = 3.60 ms of a 22.5 ms timeline = 16.0 %; overlapped 800 of 4,400 µs = 18.2 %
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).contains("3.60 ms").contains("16.0%").contains("dispatch 40.0 µs exposed per launch")
                .contains("combine 50.0 µs exposed per launch").contains("18.2%");
        String ev = f.evidence().stream().map(e -> e.label() + ": " + e.value()).collect(Collectors.joining("\n"));
        assertThat(ev).contains("dispatch: 40 launch(es), 2.40 ms kernel time, 1.60 ms exposed")
                .contains("combine: 40 launch(es), 2.00 ms kernel time, 2.00 ms exposed");
        assertThat(f.recommendation()).contains("two-batch overlap").contains("DeepEP");
        assertThat(f.recoverableNs()).isEqualTo(3_600_000L);
    }

    @Test
    void overlappedDispatchAndCombineAreOk() throws Exception {
        Finding f = eval(TestData.load(moeDecode("moe-overlapped.sqlite", true)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("0 ns").contains("100.0%");
    }

    @Test
    void sequenceParallelSendRecvIsNotMoe() {
        // FastVideo: NCCL SendRecv is Ulysses sequence-parallel all-to-all, indistinguishable by name: not counted
        Finding f = eval(TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite")));
        assertThat(f.severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(f.summary()).contains("SendRecv");
    }

    @Test
    void notApplicableWithoutCommunication() throws Exception {
        assertThat(eval(TestData.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverrideChangesTheOutcome() throws Exception {
        Trace t = TestData.load(moeDecode("moe-exposed.sqlite", false));
        Finding f = rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("maxExposedPct", 20.0)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("16.0%");
    }
}
