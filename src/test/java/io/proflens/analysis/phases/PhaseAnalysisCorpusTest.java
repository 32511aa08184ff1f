package io.proflens.analysis.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every nsys export and Kineto trace of the corpus: no exception, the invariants of the result hold. */
class PhaseAnalysisCorpusTest {
    static Stream<Path> corpus() {
        List<Path> files = new ArrayList<>(TestData.allNsysExports());
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".json.gz")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void invariantsHold(Path file) {
        Trace t = TestData.load(file);
        PhaseOptions options = PhaseOptions.defaults().withTokensPerStep(1000L);
        PhaseAnalysis a = PhaseAnalysis.of(t, options);
        int warmupMax = options.warmupMaxIterations();

        long previousTotal = Long.MAX_VALUE;
        for (PhaseSeries s : a.series()) {
            assertThat(s.totalNs()).isLessThanOrEqualTo(previousTotal);
            previousTotal = s.totalNs();
            assertThat(s.count()).isGreaterThanOrEqualTo(2).isEqualTo(s.occurrences().size());
            assertThat(s.key().domain()).isNotEqualTo(PhaseAnalysis.GPU_USER_ANNOTATION_DOMAIN);
            long sum = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int j = 0; j < s.count(); j++) {
                PhaseOccurrence o = s.occurrences().get(j);
                assertThat(o.index()).isEqualTo(j);
                assertThat(o.durationNs()).isEqualTo(o.endNs() - o.startNs()).isNotNegative();
                if (j > 0) {
                    assertThat(o.startNs()).isGreaterThanOrEqualTo(s.occurrences().get(j - 1).endNs());
                }
                sum += o.durationNs();
                min = Math.min(min, o.durationNs());
                max = Math.max(max, o.durationNs());
                assertThat(o.gpuOps() == 0).isEqualTo(o.gpuStartNs() == null);
                if (o.gpuOps() > 0) {
                    assertThat(o.gpuBusyNs()).isBetween(0L, o.gpuEndNs() - o.gpuStartNs());
                }
                if (o.gpuGapToNextNs() != null) {
                    assertThat(o.gpuIdleToNextNs()).isBetween(0L, Math.max(0L, o.gpuGapToNextNs()));
                } else {
                    assertThat(o.gpuIdleToNextNs()).isNull();
                }
                if (!s.gpuProjected()) {
                    assertThat(o.gpuOps()).isZero();
                }
            }
            assertThat(s.totalNs()).isEqualTo(sum);
            assertThat(s.stats().min()).isEqualTo(min);
            assertThat(s.stats().max()).isEqualTo(max);
            assertThat(s.sharePct()).isBetween(0.0, 100.0);
            assertThat(s.warmup().size()).isLessThanOrEqualTo(Math.min(warmupMax, s.count() / 2));
            assertThat(s.warmup()).allSatisfy(w -> assertThat(s.occurrences().get(w.index()).warmup()).isTrue());
            assertThat(s.occurrences().stream().filter(PhaseOccurrence::warmup).count()).isEqualTo(s.warmup().size());
            assertThat(s.steadyMeanNs()).isBetween((double) min, (double) max);
            if (s.gpuGaps() != null) {
                GpuGapStats g = s.gpuGaps();
                assertThat(g.pairs()).isPositive();
                assertThat(g.meanGapNs()).isBetween((double) g.minGapNs(), (double) g.maxGapNs());
                assertThat(g.meanIdleNs()).isBetween((double) g.minIdleNs(), (double) g.maxIdleNs());
            }
        }
        if (a.mainIteration() != null) {
            assertThat(a.iterationCandidates().get(0)).isEqualTo(a.mainIteration());
            assertThat(a.iterations().get(0)).isEqualTo(a.mainIteration());
            assertThat(a.iterations()).allSatisfy(s -> assertThat(s.key()).isEqualTo(a.mainIteration().key()));
            Containment c = a.containment();
            assertThat(c.parentTotalNs()).isEqualTo(a.mainIteration().totalNs());
            assertThat(c.coveredNs()).isBetween(0L, c.parentTotalNs());
            assertThat(c.coveredNs()).isLessThanOrEqualTo(c.childrenSumNs());
            assertThat(c.remainderNs()).isEqualTo(c.parentTotalNs() - c.coveredNs());
            assertThat(a.childPhases().stream().mapToLong(ChildPhase::totalNs).sum()).isEqualTo(c.childrenSumNs());
            assertThat(a.tokensPerSecond()).isNotNull().isPositive();
        } else {
            assertThat(a.series()).isEmpty();
            assertThat(a.containment()).isNull();
            assertThat(a.childPhases()).isEmpty();
        }
        if (a.forwardBackward() != null) {
            assertThat(a.forwardBackward().backwardToForwardRatio()).isPositive().isFinite();
        }
        for (PhaseKernels p : a.phaseKernels()) {
            assertThat(p.categories().stream().mapToLong(PhaseKernels.CategoryTime::timeNs).sum())
                    .isEqualTo(p.gpuOpTimeNs());
            assertThat(p.topKernels()).hasSizeLessThanOrEqualTo(options.topKernels());
            for (int j = 1; j < p.topKernels().size(); j++) {
                assertThat(p.topKernels().get(j).timeNs()).isLessThanOrEqualTo(p.topKernels().get(j - 1).timeNs());
            }
        }
        List<ResultTable> tables = a.toTables();
        assertThat(tables.get(0).size()).isEqualTo(a.series().size());
        assertThat(tables.get(1).size()).isEqualTo(a.iterations().stream().mapToInt(PhaseSeries::count).sum());

        // deterministic: a second run gives the same tables
        List<ResultTable> again = PhaseAnalysis.of(t, options).toTables();
        for (int i = 0; i < tables.size(); i++) {
            assertThat(again.get(i).size()).isEqualTo(tables.get(i).size());
            for (int r = 0; r < tables.get(i).size(); r++) {
                assertThat(Arrays.equals(again.get(i).rows().get(r), tables.get(i).rows().get(r))).isTrue();
            }
        }
    }
}
