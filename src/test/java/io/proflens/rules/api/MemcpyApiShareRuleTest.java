package io.proflens.rules.api;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.analysis.gputime.IdleAttribution;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemcpyApiShareRuleTest {
    private static final int HTOD = 1;
    private static final int PINNED = 1;
    private static final int DEVICE = 2;

    private final MemcpyApiShareRule rule = new MemcpyApiShareRule();
    @TempDir
    Path tmp;

    /** The expert: "cudaMemcpy takes 38.7 % of the CUDA API time" of the multi-GPU MoE run. */
    @Test
    void reproducesTheExpertShareOnTheMoeRun() throws Exception {
        Trace t = RuleTesting.load(ExpertScenarios.multiGpuMoeMemcpy(tmp));
        Finding f = eval(rule, t);
        assertThat(f.summary()).isEqualTo("memcpy is 38.7% of CUDA API time: 5,416 calls, 81.27 ms (all synchronous)");
        assertThat(RuleTesting.text(f)).contains("cudaMemcpy (synchronous): 5,416 calls, 81.27 ms, 38.7% of CUDA API time")
                .contains("CUDA API time: 210.0 ms over 17,602 calls");
        // the blocked host time (81.27 ms) is below the GPU's host wait on the worst stream (88.8 ms)
        assertThat(f.recoverableNs()).isEqualTo(81_270_000L);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void healthyAsyncCopiesAreOk() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).isEqualTo("memcpy is 3.7% of CUDA API time, at most 30.0%");
    }

    /**
     * A GEMM benchmark copies 2 GB synchronously in four cudaMemcpy calls: 63.7 % of API time, but the GPU hardly
     * waits for the host because of them (75 µs of host wait), so the finding is only INFO.
     */
    @Test
    void largeCopiesThatCostTheGpuLittleAreInfo() {
        Trace t = RuleTesting.nsys("cutlass-bench-a100/report1.sqlite");
        Finding f = eval(rule, t);
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).startsWith("memcpy is 63.7% of CUDA API time: 4 calls");
        long hostWait = IdleAttribution.of(t).streams().get(0).category(IdleAttribution.Category.HOST_WAIT).idleNs();
        assertThat(f.recoverableNs()).isEqualTo(hostWait);
    }

    @Test
    void pageableAsyncCopiesCountAsBlocking() {
        Finding f = eval(rule, RuleTesting.nsys("sc23-openmp-offload-t4/report3.sqlite"));
        assertThat(f.summary()).isEqualTo("memcpy is 99.9% of CUDA API time: 200 calls, 27.327 s (all asynchronous; "
                + "200 async copies from pageable memory block as well)");
        assertThat(f.recoverableNs()).isPositive();
    }

    @Test
    void thresholdIsExclusive() {
        // memcpy 30 of 100 µs of API time: not more than 30 %
        assertThat(eval(rule, share(30_000, 70_000)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, share(31_000, 69_000)).severity().isProblem()).isTrue();
        assertThat(eval(rule, share(31_000, 69_000), Map.of("maxSharePct", 31.0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, new TestTraces().build()).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    private static Trace share(long memcpyNs, long otherNs) {
        TestTraces b = new TestTraces();
        b.call("cudaMemcpy_v3020", 1_000, 1_000 + memcpyNs, 100, 1);
        b.memcpy(2_000, 3_000, 1, 4096, HTOD, PINNED, DEVICE);
        b.call("cudaLaunchKernel_v7000", 2_000_000, 2_000_000 + otherNs, 100, 2);
        b.kernel(2_100_000, 2_200_000, 2);
        return b.build();
    }
}
