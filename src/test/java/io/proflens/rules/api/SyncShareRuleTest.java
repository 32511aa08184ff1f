package io.proflens.rules.api;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncShareRuleTest {
    private final SyncShareRule rule = new SyncShareRule();
    @TempDir
    Path tmp;

    /** The expert: "cudaDeviceSynchronize another 13.2 %" of the CUDA API time of the multi-GPU MoE run. */
    @Test
    void reproducesTheExpertShareOnTheMoeRun() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.multiGpuMoeMemcpy(tmp)));
        assertThat(f.severity().isProblem()).isTrue();
        assertThat(f.summary()).isEqualTo("cudaDeviceSynchronize is 13.2% of CUDA API time: 1,354 calls, 27.72 ms "
                + "with the host blocked");
        assertThat(RuleTesting.text(f))
                .contains("cudaDeviceSynchronize: 1,354 calls, 27.72 ms (avg 20.5 µs, max 24.5 µs), 13.2% of CUDA API time")
                .contains("caller python3 (tid 5000), no NVTX range: 677 calls")
                .contains("caller Thread-1 (expert_worker) (tid 5003), no NVTX range: 677 calls")
                .contains(".item()").contains("cuda_api_sync");
        // the GPU waits 88.8 ms for the host on its worst stream, more than the 27.72 ms of syncs
        assertThat(f.recoverableNs()).isEqualTo(27_720_000L);
    }

    /**
     * Decode: each step ends with a cudaStreamSynchronize, then the GPU idles 1.3 ms while the CPU samples. The
     * recoverable time is exactly those eleven bubbles between twelve forwards.
     */
    @Test
    void decodeBubblesAreTheRecoverableTime() throws Exception {
        List<Path> files = ExpertScenarios.decodeRanks(tmp, 1);
        Finding f = eval(rule, RuleTesting.load(files.get(0)));
        assertThat(f.summary()).startsWith("cudaStreamSynchronize is 94.9% of CUDA API time: 12 calls");
        assertThat(f.recoverableNs()).isEqualTo(11 * ExpertScenarios.DECODE_IDLE_NS);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    }

    /** PyTorch's .item() waits for long GPU work: a high share, but the GPU loses almost nothing: INFO. */
    @Test
    void namesTheNvtxCallerAndStaysInfoWhenTheGpuIsBusy() {
        Finding f = eval(rule, RuleTesting.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).startsWith("cudaStreamSynchronize is 47.6% of CUDA API time");
        assertThat(RuleTesting.text(f)).contains("caller python3 (tid 111), in :aten::_local_scalar_dense: 2 calls");
        Finding train = eval(rule, RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        assertThat(train.severity()).isEqualTo(Severity.WARNING);
        assertThat(RuleTesting.text(train)).contains("in :aten::copy_: 16 calls");
    }

    @Test
    void healthyTraceHasNoSync() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).isEqualTo("no synchronization calls");
    }

    @Test
    void thresholdIsExclusiveAndAllSyncCallsCount() {
        assertThat(eval(rule, share(10_000, 90_000)).severity()).isEqualTo(Severity.OK);
        Finding f = eval(rule, share(11_000, 89_000));
        assertThat(f.severity().isProblem()).isTrue();
        assertThat(f.summary()).startsWith("cudaStreamSynchronize is 6.0% of CUDA API time (all synchronization calls: "
                + "11.0%)");
        assertThat(eval(rule, share(11_000, 89_000), Map.of("maxSharePct", 20.0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, new TestTraces().build()).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    /** Score: 25 + 15 × excess over the limit (full at twice the limit) + 60 × GPU time lost / quarter timeline. */
    @Test
    void scoreCombinesShareAndGpuImpact() throws Exception {
        Trace noGpu = share(11_000, 89_000);
        assertThat(eval(rule, noGpu).score()).isCloseTo(25 + 15 * 0.1, org.assertj.core.data.Offset.offset(1e-9));
    }

    /** Two sync functions of 6 and 5 µs (11 % together) and one other call; no GPU work. */
    private static Trace share(long syncNs, long otherNs) {
        TestTraces b = new TestTraces();
        long six = syncNs * 6 / 11;
        b.call("cudaStreamSynchronize_v3020", 1_000, 1_000 + six, 100, 1);
        b.call("cudaEventSynchronize_v3020", 100_000, 100_000 + syncNs - six, 100, 2);
        b.call("cudaMalloc_v3020", 200_000, 200_000 + otherNs, 100, 3);
        return b.build();
    }
}
