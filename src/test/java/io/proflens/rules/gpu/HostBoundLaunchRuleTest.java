package io.proflens.rules.gpu;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.ApiNames;
import io.proflens.analysis.api.TestTraces;
import io.proflens.analysis.gputime.IdleAttribution;
import io.proflens.model.ApiCallTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostBoundLaunchRuleTest {
    private static final int HTOD = 1;
    private static final int PAGEABLE = 0;
    private static final int PINNED = 1;
    private static final int DEVICE = 2;

    private final HostBoundLaunchRule rule = new HostBoundLaunchRule();
    @TempDir
    Path tmp;

    /**
     * HTA on this ResNet DDP trace: 1347 of 2516 launches are short kernels (53.5 %, HTA's µs rounding and last-step
     * window) and host wait is 99 % of stream 7's idle time. proflens, exact ns over the whole trace and the same
     * scope (kernels plus async memcpy/memset, pageable copies aside), counts 2,077 of 3,774 (55.0 %) — checked here
     * by a direct pass over the launch links — and 99.6 % host wait.
     */
    @Test
    void firesOnTheHtaResnetTrace() {
        Trace t = RuleTesting.kineto("hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz");
        Finding f = eval(rule, t);
        long[] scope = htaScope(t);
        assertThat(scope).containsExactly(2077, 3774);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).startsWith("the CPU cannot launch fast enough: 55.0% of launched GPU operations (2,077 of "
                + "3,774) are shorter than their launch call; host wait is 99.6% of the main streams' idle time");
        assertThat(RuleTesting.text(f)).contains("kernels 1,027 of 2,700 (38.0%), async memcpy/memset 1,050 of 1,074")
                .contains("mean launch call 9.5 µs").contains("CUDA graphs").contains("reduce-overhead");
        // recoverable: host wait of the compute stream 7 (the NCCL stream 40 has few operations and is not judged)
        IdleAttribution.StreamIdle s7 = IdleAttribution.of(t).streams().stream().filter(s -> s.streamId() == 7)
                .findFirst().orElseThrow();
        assertThat(f.recoverableNs()).isEqualTo(s7.category(IdleAttribution.Category.HOST_WAIT).idleNs());
        assertThat(RuleTesting.text(f)).contains("stream 7: host wait 540.1 ms = 99.6%").doesNotContain("stream 40");
    }

    /** The expert on the tiny-kernel transformer: "2-8 µs kernels behind ~5 µs launches: the GPU waits for the CPU". */
    @Test
    void firesOnTheTinyKernelTransformer() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.transformerTraining(tmp)));
        assertThat(f.severity().isProblem()).isTrue();
        assertThat(f.summary()).contains("(515 of 693)").contains("host wait is 56.0%");
    }

    @Test
    void healthyAndGpuBoundTracesAreOk() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.OK);
        // decode: the GPU idles for the host, but its kernels are long: syncs, not launch rate (api.sync-share)
        Finding decode = eval(rule, RuleTesting.load(ExpertScenarios.decodeRanks(tmp, 1).get(0)));
        assertThat(decode.severity()).isEqualTo(Severity.OK);
        assertThat(decode.summary()).startsWith("0.0% of launched GPU operations (0 of 480)");
        // Wan inference: most launches are tiny, but the GPU rarely waits for the host
        Finding wan = eval(rule, RuleTesting.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite"));
        assertThat(wan.severity()).isEqualTo(Severity.OK);
        assertThat(wan.summary()).contains("host wait is 25.8%");
    }

    @Test
    void tooFewLaunchesOrNoKernelsAreNotApplicable() throws Exception {
        Finding tiny = eval(rule, RuleTesting.nsys("nsysai-mock-tiny/mock.sqlite"));
        assertThat(tiny.severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(tiny.summary()).isEqualTo("only 3 launched GPU operations are matched to their launch call (fewer "
                + "than 100)");
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholds() {
        Trace t = serial(100, 0);
        Finding f = eval(rule, t);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).contains("100.0% of launched GPU operations (100 of 100)").contains("host wait is 100.0%");
        assertThat(eval(rule, t, Map.of("minLaunches", 101.0)).severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(eval(rule, serial(60, 40)).severity().isProblem()).isTrue();      // 60 % tiny
        assertThat(eval(rule, serial(60, 40), Map.of("minTinySharePct", 61.0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, t, Map.of("minHostWaitPct", 100.1)).severity()).isEqualTo(Severity.OK);
    }

    /** Pageable async copies block their call, so their tininess says nothing about the launch rate. */
    @Test
    void pageableCopiesAreLeftOutPinnedOnesCount() {
        assertThat(eval(rule, serial(0, 100)).severity()).isEqualTo(Severity.OK);       // 0 of 100 tiny
        Finding pageable = eval(rule, withCopies(serial(0, 100), true));
        assertThat(pageable.severity()).isEqualTo(Severity.OK);
        assertThat(pageable.summary()).startsWith("0.0% of launched GPU operations (0 of 100)");
        Finding pinned = eval(rule, withCopies(serial(0, 100), false));
        assertThat(pinned.summary()).contains("66.7% of launched GPU operations (200 of 300)");
    }

    /**
     * {@code tiny} kernels of 5 µs behind 10 µs launches, then {@code long} kernels of 50 µs behind 10 µs launches,
     * one after the other on stream 7: every launch starts after the previous kernel ended (host wait).
     */
    private static Trace serial(int tiny, int longer) {
        TestTraces b = new TestTraces();
        long t = 1_000_000;
        int corr = 1;
        for (int i = 0; i < tiny + longer; i++, corr++) {
            long k = i < tiny ? 5_000 : 50_000;
            b.call("cudaLaunchKernel_v7000", t, t + 10_000, 100, corr);
            b.kernel(t + 12_000, t + 12_000 + k, corr);
            t += 12_000 + k + 3_000;
        }
        return b.build();
    }

    /** Rebuilds {@code base}'s kernels and adds 200 short async HtoD copies after them (pageable or pinned). */
    private static Trace withCopies(Trace base, boolean pageable) {
        TestTraces b = new TestTraces();
        int corr = 1;
        for (int i = 0; i < base.kernels().size(); i++, corr++) {
            ApiCallTable api = base.cudaApi();
            b.call("cudaLaunchKernel_v7000", api.startNs(i), api.endNs(i), 100, corr);
            b.kernel(base.kernels().startNs(i), base.kernels().endNs(i), corr);
        }
        long t = base.kernels().endNs(base.kernels().size() - 1) + 10_000;
        for (int i = 0; i < 200; i++, corr++, t += 30_000) {
            b.call("cudaMemcpyAsync_v3020", t, t + 20_000, 100, corr);
            b.memcpy(t + 21_000, t + 23_000, corr, 4096, HTOD, pageable ? PAGEABLE : PINNED, DEVICE);
        }
        return b.build();
    }

    /** @return {tiny, compared} over kernels of launch calls and memcpys/memsets of async calls, pageable aside */
    private static long[] htaScope(Trace t) {
        ApiCallTable api = t.cudaApi();
        LaunchLinks l = t.launchLinksOrCompute();
        long tiny = 0;
        long n = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            int r = l.kernelApiRow(i);
            String b = r < 0 ? null : ApiNames.baseName(t.string(api.nameId(r)));
            if (b != null && ApiNames.isLaunch(b) && !ApiNames.isGraphLaunch(b) && api.hasEnd(r)) {
                n++;
                tiny += t.kernels().durationNs(i) < api.durationNs(r) ? 1 : 0;
            }
        }
        for (int i = 0; i < t.memcpys().size(); i++) {
            int r = l.memcpyApiRow(i);
            boolean pageable = t.memcpys().srcKind(i) == PAGEABLE || t.memcpys().dstKind(i) == PAGEABLE;
            if (r >= 0 && !pageable && t.string(api.nameId(r)).toLowerCase(Locale.ROOT).contains("async")) {
                n++;
                tiny += t.memcpys().durationNs(i) < api.durationNs(r) ? 1 : 0;
            }
        }
        for (int i = 0; i < t.memsets().size(); i++) {
            int r = l.memsetApiRow(i);
            if (r >= 0 && t.string(api.nameId(r)).toLowerCase(Locale.ROOT).contains("async")) {
                n++;
                tiny += t.memsets().durationNs(i) < api.durationNs(r) ? 1 : 0;
            }
        }
        return new long[] {tiny, n};
    }
}
