package io.proflens.rules.host;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadPoolIdleRuleTest {
    private final ThreadPoolIdleRule rule = new ThreadPoolIdleRule();
    @TempDir
    Path tmp;

    /**
     * The expert: "nanosleep is 192 s over 179,993 calls (avg 1.07 ms): the work-stealing thread pool's workers are
     * idle-waiting", on 60 pool workers, ten lora_grad_step iterations (~18,000 nanosleeps per step).
     */
    @Test
    void reproducesTheExpertSentenceOnTheCpuThreadPool() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).isEqualTo("nanosleep is 192.000 s over 179,993 calls (avg 1.07 ms) on 60 threads: the "
                + "thread pool's workers are idle-waiting (sleep-polling for work)");
        assertThat(RuleTesting.text(f))
                .contains("nanosleep: 179,993 calls, 192.000 s (avg 1.07 ms) on 60 threads, 17,999.3 per iteration "
                        + "(10 × ")
                .contains("lora_grad_step)")
                .contains("threads mostly waiting: 60 of 61 threads")
                .contains("waits most: pool-worker-")
                .contains("condition variable").contains("size it to the available parallelism");
        // the pool's idle wall time: 192 s of sleep over 60 workers sleeping side by side
        assertThat(f.recoverableNs()).isEqualTo(3_200_000_000L);
    }

    /**
     * mordred's CPU-side phase runs 47 worker threads that block in futex most of their life (and yield 9,121
     * times): an idle pool, but blocked rather than polling, so INFO.
     */
    @Test
    void blockedPoolOnTheDatabaseJoinIsInfo() {
        Finding f = eval(rule, RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).isEqualTo("futex is 15.095 s over 1,216 calls (avg 12.41 ms) on 48 threads: the thread "
                + "pool's workers are idle-waiting (blocked)");
        // the CUPTI worker thread waits the longest but is the profiler's
        assertThat(RuleTesting.text(f)).doesNotContain("waits most: CUPTI");
        // 15.1 s of futex over 48 threads: each blocked ~314 ms of the ~470 ms parallel section
        assertThat(f.recoverableNs()).isEqualTo(Math.round(15_094_563_837.0 / 48));
    }

    /** A main thread blocked in poll while the GPU works, plus the CUDA driver's threads, is not a pool. */
    @Test
    void mainThreadAndDriverThreadsAreNotAPool() {
        Finding cutlass = eval(rule, RuleTesting.nsys("cutlass-bench-a100/report1.sqlite"));
        assertThat(cutlass.severity()).isEqualTo(Severity.OK);
        assertThat(cutlass.summary()).isEqualTo("no wait call is shared by 4 or more threads");
        Finding vecadd = eval(rule, RuleTesting.nsys("vecadd-rtx3060-2025/report1.sqlite"));
        assertThat(vecadd.severity()).isEqualTo(Severity.OK);
        // four threads polling, but two of them are CUDA driver threads: not enough waiting workers
        assertThat(eval(rule, pool(4, "nanosleep", 2)).severity()).isEqualTo(Severity.OK);
    }

    @Test
    void noOsRuntimeTableIsNotApplicable() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholds() {
        assertThat(eval(rule, pool(4, "nanosleep", 0)).severity()).isEqualTo(Severity.WARNING);
        assertThat(eval(rule, pool(3, "nanosleep", 0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, pool(3, "nanosleep", 0), Map.of("minThreads", 3.0)).severity()).isEqualTo(Severity.WARNING);
        assertThat(eval(rule, pool(4, "pthread_cond_wait", 0)).severity()).isEqualTo(Severity.INFO);
        // the workers wait 90 % of their OS runtime time: below a 95 % limit they count as busy enough
        assertThat(eval(rule, pool(8, "nanosleep", 0)).severity().isProblem()).isTrue();
        assertThat(eval(rule, pool(8, "nanosleep", 0), Map.of("minWaitSharePct", 95.0)).severity())
                .isEqualTo(Severity.OK);
    }

    @Test
    void helperThreadNames() {
        assertThat(ThreadPoolIdleRule.isHelper("cuda-EvtHandlr")).isTrue();
        assertThat(ThreadPoolIdleRule.isHelper("cuda00002c0000c")).isTrue();
        assertThat(ThreadPoolIdleRule.isHelper("CUPTI worker thread")).isTrue();
        assertThat(ThreadPoolIdleRule.isHelper("pool-worker-1")).isFalse();
        assertThat(ThreadPoolIdleRule.isHelper("cudaworker")).isFalse();
        assertThat(ThreadPoolIdleRule.isHelper(null)).isFalse();
    }

    /**
     * {@code threads} threads each waiting 900 µs in {@code call} and reading for 100 µs (90 % wait); the last
     * {@code helpers} of them are named like CUDA driver threads.
     */
    private static Trace pool(int threads, String call, int helpers) {
        TestTraces b = new TestTraces();
        for (int k = 0; k < threads; k++) {
            int tid = 200 + k;
            b.thread(tid, k >= threads - helpers ? "cuda-EvtHandlr" : "worker-" + k);
            long t = 1_000_000;
            for (int i = 0; i < 10; i++, t += 1_000_000) {
                b.os(call, t, t + 900_000, tid);
                b.os("read", t + 900_000, t + 1_000_000, tid);
            }
        }
        return b.build();
    }
}
