package io.proflens.analysis.phases;

import static io.proflens.analysis.phases.SyntheticTrace.MS;
import static io.proflens.analysis.phases.SyntheticTrace.tid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.model.GlobalIds;
import io.proflens.model.Trace;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Traces built in the test whose expected figures follow from their construction: each expectation below is
 * derived from the construction constants, not from a run of the analysis.
 */
class PhaseAnalysisSyntheticTest {
    private static final long T = tid(100, 100);

    /**
     * Three separate loops of 5 iterations: forward_only (mean 131.5 ms), backward_only (mean 359.2 ms) and
     * full_train_loop (mean 487.7 ms) — "full_train_loop 487.7 ms ≈ forward_only 131.5 ms + backward_only 359.2 ms;
     * backward is 2.73× forward".
     */
    @Test
    void threeSeparateLoopsGiveTheBackwardForwardRatio() {
        double[] fwd = {131.0, 131.5, 132.0, 131.2, 131.8};
        double[] bwd = {359.0, 359.4, 359.2, 359.1, 359.3};
        double[] full = {487.5, 487.9, 487.7, 487.6, 487.8};
        SyntheticTrace b = new SyntheticTrace();
        long t = 0;
        for (double[] loop : new double[][] {fwd, bwd, full}) {
            String name = loop == fwd ? "forward_only" : loop == bwd ? "backward_only" : "full_train_loop";
            for (double ms : loop) {
                long d = Math.round(ms * MS);
                b.range(T, name, t, t + d);
                t += d + MS;
            }
        }
        PhaseAnalysis a = PhaseAnalysis.of(b.build(), PhaseOptions.defaults());

        ForwardBackward fb = a.forwardBackward();
        assertThat(fb).isNotNull();
        assertThat(fb.forwardLabel()).isEqualTo("forward_only");
        assertThat(fb.backwardLabel()).isEqualTo("backward_only");
        assertThat(fb.forwardCount()).isEqualTo(5);
        assertThat(fb.forwardMeanNs()).isCloseTo(131.5 * MS, offset(1.0));
        assertThat(fb.backwardMeanNs()).isCloseTo(359.2 * MS, offset(1.0));
        assertThat(fb.backwardToForwardRatio()).isCloseTo(359.2 / 131.5, offset(1e-6));
        assertThat(String.format(Locale.ROOT, "%.2f", fb.backwardToForwardRatio())).isEqualTo("2.73");
        assertThat(fb.optimizerLabel()).isNull();

        // the loop covering the most time is the main iteration, not the forward loop
        assertThat(a.mainIteration().label()).isEqualTo("full_train_loop");
        assertThat(a.mainIteration().meanNs()).isCloseTo(487.7 * MS, offset(1.0));
        assertThat(a.iterationCandidates()).extracting(PhaseSeries::label)
                .containsExactly("full_train_loop", "backward_only", "forward_only");
        // full ≈ forward + backward within 1 %
        assertThat(fb.forwardMeanNs() + fb.backwardMeanNs()).isCloseTo(a.mainIteration().meanNs(),
                offset(0.01 * a.mainIteration().meanNs()));
        // no children: the whole loop is unexplained
        assertThat(a.childPhases()).isEmpty();
        assertThat(a.containment().remainderPct()).isEqualTo(100.0);
        // sample stddev of the forward durations: values 131.0..132.0 around 131.5
        double ss = 0;
        for (double v : fwd) {
            ss += (v - 131.5) * (v - 131.5);
        }
        assertThat(a.seriesByLabel("forward_only").get(0).stats().stddev())
                .isCloseTo(Math.sqrt(ss / 4) * MS, offset(1.0));
        assertThat(a.seriesByLabel("forward_only").get(0).warmup()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ step loop

    /** Step durations in ms: two slow warm-up steps, then steady steps with a median of 10.0 ms. */
    private static final double[] STEP_MS = {30.0, 18.0, 10.0, 10.2, 9.8, 10.0, 10.4, 9.6};
    private static final long RANK2 = tid(200, 201);

    /**
     * Per step starting at s with duration D: forward [s+0.1, s+2.1) launches k1 (GPU [s+0.3, s+1.3)) and k2 (GPU
     * [s+1.3, s+2.0)); backward [s+2.2, s+D-0.1) launches k3 (GPU [s+2.4, s+2.4+K), K = D-3.0). So between two
     * forwards the GPU window is [s+2.0, s+D+0.3), k3 fills K of it: idle = D+0.3-2.0-(D-3.0) = 1.3 ms exactly.
     */
    private static Trace stepLoop() {
        SyntheticTrace b = new SyntheticTrace();
        long s = 5 * MS;
        for (int i = 0; i < STEP_MS.length; i++) {
            long d = Math.round(STEP_MS[i] * MS);
            b.range(T, "train_step_" + i, s, s + d);
            b.range(T, "forward", s + ms(0.1), s + ms(2.1));
            b.kernel(T, s + ms(0.2), "ampere_sgemm_128x64_tn", s + ms(0.3), s + ms(1.3));
            b.kernel(T, s + ms(0.5), "vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>>",
                    s + ms(1.3), s + ms(2.0));
            b.range(T, "backward", s + ms(2.2), s + d - ms(0.1));
            b.kernel(T, s + ms(2.3), "ampere_sgemm_64x64_nt", s + ms(2.4), s + ms(2.4) + d - ms(3.0));
            // Kineto-style GPU copy of the annotation: must not count as a range of the thread loop
            b.range(GlobalIds.globalTid(1, 0, 7), "gpu_user_annotation", 3, "train_step_" + i, s + ms(0.3),
                    s + ms(2.4) + d - ms(3.0));
            b.mark(T, "checkpoint", s + ms(1.0));
            // another process's kernel in the idle window: does not make this process's GPU busy
            b.orphanKernel(GlobalIds.processOf(RANK2), "other_rank_kernel", s + d, s + d + ms(0.2));
            s += d;
        }
        // rank 2: the same step key, three steps of 5 ms, one kernel each
        for (int i = 0; i < 3; i++) {
            long r = 1000 * MS + i * 5 * MS;
            b.range(RANK2, "train_step_" + i, r, r + 5 * MS);
            b.kernel(RANK2, r + ms(0.1), "ampere_sgemm_128x64_tn", r + ms(1), r + ms(3));
        }
        return b.build();
    }

    private static long ms(double v) {
        return Math.round(v * MS);
    }

    @Test
    void stepLoopWarmupGpuGapsAndPhases() {
        Trace trace = stepLoop();
        PhaseAnalysis a = PhaseAnalysis.of(trace, PhaseOptions.defaults().withTokensPerStep(4096L));
        int n = STEP_MS.length;

        PhaseSeries main = a.mainIteration();
        assertThat(main.label()).isEqualTo("train_step_N");
        assertThat(main.pid()).isEqualTo(100);
        assertThat(main.count()).isEqualTo(n);
        assertThat(main.outermost()).isTrue();

        // warm-up: the first min(3, 8/2) = 3 steps are candidates, the reference is the median of steps 3..7
        double[] rest = {10.2, 9.8, 10.0, 10.4, 9.6};
        java.util.Arrays.sort(rest);
        double steadyMedianMs = rest[rest.length / 2];
        assertThat(main.steadyMedianNs()).isCloseTo(steadyMedianMs * MS, offset(1.0));
        assertThat(main.warmup()).extracting(WarmupOutlier::index).containsExactly(0, 1);
        assertThat(main.warmup()).extracting(WarmupOutlier::durationNs).containsExactly(ms(30.0), ms(18.0));
        assertThat(main.warmup().get(0).ratio()).isCloseTo(30.0 / steadyMedianMs, offset(1e-9));
        double steadySum = 0;
        for (int i = 2; i < n; i++) {
            steadySum += STEP_MS[i];
        }
        double steadyMeanMs = steadySum / (n - 2);
        assertThat(main.steadyMeanNs()).isCloseTo(steadyMeanMs * MS, offset(1.0));
        assertThat(a.tokensPerSecond()).isCloseTo(4096 / (steadyMeanMs / 1000), offset(1e-3));
        double total = 0;
        for (double v : STEP_MS) {
            total += v;
        }
        assertThat(main.stats().total()).isEqualTo(ms(total));
        assertThat(main.stats().mean()).isCloseTo(total / n * MS, offset(1.0));

        // per-iteration GPU view: busy = k1 + k2 + k3 = 1.0 + 0.7 + (D - 3.0); gap to next step 0.9 ms, all idle
        for (PhaseOccurrence o : main.occurrences()) {
            double d = STEP_MS[o.index()];
            assertThat(o.gpuOps()).isEqualTo(3);
            assertThat(o.gpuBusyNs()).isEqualTo(ms(d - 1.3));
            assertThat(o.warmup()).isEqualTo(o.index() < 2);
            if (o.index() < n - 1) {
                assertThat(o.gpuGapToNextNs()).isEqualTo(ms(0.9));
                // the other rank's kernel [s+D, s+D+0.2) lies in the window but belongs to another process
                assertThat(o.gpuIdleToNextNs()).isEqualTo(ms(0.9));
            } else {
                assertThat(o.gpuGapToNextNs()).isNull();
            }
        }
        assertThat(main.gpuGaps().pairs()).isEqualTo(n - 1);

        // GPU idle of exactly 1.3 ms between consecutive forwards; the gap itself is D - 1.7 ms
        PhaseSeries fwd = a.seriesByLabel("forward").get(0);
        assertThat(fwd.gpuProjected()).isTrue();
        GpuGapStats g = fwd.gpuGaps();
        assertThat(g.pairs()).isEqualTo(n - 1);
        assertThat(g.minIdleNs()).isEqualTo(ms(1.3));
        assertThat(g.maxIdleNs()).isEqualTo(ms(1.3));
        assertThat(g.meanIdleNs()).isCloseTo(1.3 * MS, offset(0.5));
        assertThat(g.maxGapNs()).isEqualTo(ms(30.0 - 1.7));
        assertThat(g.minGapNs()).isEqualTo(ms(9.8 - 1.7));

        // children: forward 2.0 ms, backward D - 2.3 ms; the 0.3 ms per step outside both is the remainder
        assertThat(a.childPhases()).extracting(ChildPhase::label).containsExactly("backward", "forward");
        ChildPhase f = a.childPhases().get(1);
        assertThat(f.count()).isEqualTo(n);
        assertThat(f.iterationsWithPhase()).isEqualTo(n);
        assertThat(f.meanPerIterationNs()).isCloseTo(2.0 * MS, offset(1.0));
        Containment c = a.containment();
        assertThat(c.parentTotalNs()).isEqualTo(ms(total));
        assertThat(c.remainderNs()).isEqualTo(n * ms(0.3));
        assertThat(c.coveredNs() + c.remainderNs()).isEqualTo(c.parentTotalNs());
        assertThat(c.meanRemainderPerIterationNs()).isCloseTo(0.3 * MS, offset(1.0));

        // forward/backward ratio from the means: backward mean = mean(D) - 2.3 ms
        ForwardBackward fb = a.forwardBackward();
        assertThat(fb.backwardToForwardRatio()).isCloseTo((total / n - 2.3) / 2.0, offset(1e-9));

        // kernels per phase: forward = 8 × 1.0 ms GEMM + 8 × 0.7 ms elementwise
        PhaseKernels pk = a.phaseKernels().stream().filter(p -> p.phaseLabel().equals("forward")).findFirst()
                .orElseThrow();
        assertThat(pk.gpuOpTimeNs()).isEqualTo(n * ms(1.7));
        assertThat(pk.categories()).extracting(PhaseKernels.CategoryTime::category)
                .containsExactly(KernelCategory.GEMM, KernelCategory.ELEMENTWISE);
        assertThat(pk.categories().get(0).timeNs()).isEqualTo(n * ms(1.0));
        assertThat(pk.topKernels().get(0).name()).isEqualTo("ampere_sgemm_128x64_tn");

        // rank 2 is its own series of the same key; the gpu_user_annotation copies and marks are not series
        assertThat(a.iterations()).extracting(PhaseSeries::pid).containsExactly(100, 200);
        assertThat(a.iterations().get(1).count()).isEqualTo(3);
        assertThat(a.iterations().get(1).occurrences().get(0).gpuBusyNs()).isEqualTo(ms(2));
        assertThat(a.series()).extracting(PhaseSeries::label)
                .containsExactlyInAnyOrder("train_step_N", "train_step_N", "backward", "forward");

        // tables
        List<ResultTable> tables = a.toTables();
        assertThat(tables).extracting(ResultTable::reportName)
                .containsExactly("phases", "iterations", "phase_children", "phase_kernels");
        assertThat(tables.get(0).size()).isEqualTo(a.series().size());
        assertThat(tables.get(1).size()).isEqualTo(n + 3);
        assertThat(tables.get(1).cell(0, tables.get(1).columnIndex("Warm-up"))).isEqualTo("yes");
        assertThat(tables.get(1).cell(2, tables.get(1).columnIndex("Warm-up"))).isEqualTo("no");
    }

    @Test
    void warmupDetectionCanBeDisabledAndTheMainKeyForced() {
        PhaseAnalysis a = PhaseAnalysis.of(stepLoop(),
                PhaseOptions.defaults().withWarmupMaxIterations(0).withIterationKey("forward"));
        assertThat(a.mainIteration().label()).isEqualTo("forward");
        assertThat(a.series()).allSatisfy(s -> assertThat(s.warmup()).isEmpty());
        assertThat(a.tokensPerSecond()).isNull();
    }

    @Test
    void emptyTraceGivesEmptyResult() {
        PhaseAnalysis a = PhaseAnalysis.of(new SyntheticTrace().build(), PhaseOptions.defaults());
        assertThat(a.series()).isEmpty();
        assertThat(a.mainIteration()).isNull();
        assertThat(a.containment()).isNull();
        assertThat(a.forwardBackward()).isNull();
        assertThat(a.toTables()).allSatisfy(t -> assertThat(t.size()).isZero());
    }

    @Test
    void overlappingRangesOfOneKeyAreNotALoop() {
        SyntheticTrace b = new SyntheticTrace();
        b.range(T, "recurse", 0, 10 * MS).range(T, "recurse", MS, 5 * MS).range(T, "recurse", 20 * MS, 30 * MS);
        b.range(T, "single", 40 * MS, 41 * MS);
        PhaseAnalysis a = PhaseAnalysis.of(b.build(), PhaseOptions.defaults());
        assertThat(a.series()).isEmpty();
        assertThat(a.overlappingSeries()).isEqualTo(1);
    }

    @Test
    void processWideProjectionIncludesOtherThreadsLaunches() {
        long worker = tid(100, 101);
        SyntheticTrace b = new SyntheticTrace();
        for (int i = 0; i < 3; i++) {
            long s = i * 10 * MS;
            b.range(T, "## backward ##", s, s + 5 * MS);
            b.kernel(T, s + MS, "k_main", s + MS, s + 2 * MS);
            b.kernel(worker, s + 2 * MS, "k_autograd", s + 2 * MS, s + 4 * MS);
        }
        Trace t = b.build();
        PhaseSeries perThread = PhaseAnalysis.of(t, PhaseOptions.defaults()).mainIteration();
        PhaseSeries perProcess = PhaseAnalysis.of(t, PhaseOptions.defaults().withProcessWideGpu(true))
                .mainIteration();
        assertThat(perThread.occurrences().get(0).gpuBusyNs()).isEqualTo(MS);
        assertThat(perProcess.occurrences().get(0).gpuBusyNs()).isEqualTo(3 * MS);
        assertThat(perProcess.role()).isEqualTo(PhaseRole.BACKWARD);
    }
}
