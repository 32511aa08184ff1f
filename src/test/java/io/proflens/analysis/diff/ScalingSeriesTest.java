package io.proflens.analysis.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalingSeriesTest {
    @TempDir
    Path tmp;

    private static final List<Double> SEQ = List.of(4096.0, 6144.0, 8192.0);

    private List<RunSummary> runs() throws Exception {
        List<RunSummary> r = new ArrayList<>();
        for (Path p : ScalingFixtures.write(tmp)) {
            r.add(RunSummary.of(TestData.load(p), p.getFileName().toString(), KernelClassifier.builtIn(),
                    KernelNameNormalizer.DEFAULT));
        }
        return r;
    }

    /** Independent fit: slope through the log points by the two-pass formula on (x - x̄), written out here. */
    private static double slope(double[] x, double[] y) {
        double mx = (x[0] + x[1] + x[2]) / 3;
        double my = (y[0] + y[1] + y[2]) / 3;
        double num = 0;
        double den = 0;
        for (int i = 0; i < 3; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return num / den;
    }

    @Test
    void fmhaRatiosAreThoseOfTheIssue() throws Exception {
        ScalingSeries s = ScalingSeries.of(runs(), "seq", SEQ, ScalingSeries.Options.defaults());
        ScalingSeries.Row fmha = s.rows(DiffSection.KERNEL).stream().filter(r -> r.name().startsWith("fmha"))
                .findFirst().orElseThrow();
        // the three tile variants match only after normalization
        assertThat(fmha.name()).isEqualTo("fmha_cutlassF_f16_aligned_NxN_rf_sm80");
        assertThat(fmha.category()).isEqualTo(KernelCategory.ATTENTION);
        assertThat(fmha.timesNs()).containsExactly(4_000_000L, 6_000_000L, 7_800_000L);
        assertThat(fmha.timeRatios().get(0)).isCloseTo(1.5, within(1e-12));
        assertThat(fmha.timeRatios().get(1)).isCloseTo(1.3, within(1e-12));
        assertThat(s.paramRatios().get(0)).isCloseTo(1.5, within(1e-12));
        assertThat(s.paramRatios().get(1)).isCloseTo(4.0 / 3, within(1e-12));
        double[] x = {Math.log(4096), Math.log(6144), Math.log(8192)};
        double k = slope(x, new double[] {Math.log(4e6), Math.log(6e6), Math.log(7.8e6)});
        assertThat(fmha.exponent()).isCloseTo(k, within(1e-9));
        assertThat(fmha.expected()).isEqualTo(2.0);
        assertThat(fmha.worse()).isFalse(); // ~linear: better than the s² of prefill attention

        ScalingSeries.Row gemm = s.rows(DiffSection.KERNEL).stream().filter(r -> r.category() == KernelCategory.GEMM)
                .findFirst().orElseThrow();
        assertThat(gemm.exponent()).isCloseTo(1.0, within(1e-9));
        assertThat(gemm.worse()).isFalse();
        ScalingSeries.Row ew = s.rows(DiffSection.KERNEL).stream()
                .filter(r -> r.category() == KernelCategory.ELEMENTWISE).findFirst().orElseThrow();
        assertThat(ew.exponent()).isCloseTo(2.0, within(1e-9));
        assertThat(ew.expected()).isEqualTo(1.0);
        assertThat(ew.worse()).isTrue();
        assertThat(s.worse()).extracting(ScalingSeries.Row::name).contains(ew.name());
        // order: time in the last run, descending
        assertThat(s.rows(DiffSection.KERNEL)).extracting(r -> r.timesNs().get(2))
                .containsExactly(7_800_000L, 4_000_000L, 1_600_000L);
        // operators: every launch is inside the one NVTX range "prefill_step" -> one row with all time
        assertThat(s.rows(DiffSection.OPERATOR)).hasSize(1);
        assertThat(s.rows(DiffSection.OPERATOR).get(0).timesNs()).containsExactly(6_400_000L, 9_900_000L, 13_400_000L);
    }

    @Test
    void decodeModeExpectsLinearAttentionAndConstantRest() throws Exception {
        ScalingSeries s = ScalingSeries.of(runs(), "ctx", SEQ,
                new ScalingSeries.Options(ScalingSeries.Mode.DECODE, Map.of(), 0.2));
        assertThat(s.rows(DiffSection.KERNEL)).filteredOn(ScalingSeries.Row::worse)
                .extracting(ScalingSeries.Row::category)
                .containsExactlyInAnyOrder(KernelCategory.GEMM, KernelCategory.ELEMENTWISE);
        ScalingSeries o = ScalingSeries.of(runs(), "seq", SEQ,
                new ScalingSeries.Options(ScalingSeries.Mode.PREFILL, Map.of(KernelCategory.ELEMENTWISE, 2.0), 0.2));
        assertThat(o.worse()).isEmpty();
    }

    @Test
    void tableCarriesRatiosNextToParameterRatios() throws Exception {
        ScalingSeries s = ScalingSeries.of(runs(), "seq", SEQ, ScalingSeries.Options.defaults());
        var t = s.table(DiffSection.KERNEL);
        assertThat(t.columns()).extracting(c -> c.label()).contains("Time seq=4096", "Ratio 4096->6144 (x1.5)",
                "Ratio 6144->8192 (x1.33)", "Exponent", "Expected", "Flag");
        assertThat(t.rows().get(0)[t.columnIndex("Ratio 4096->6144 (x1.5)")]).isEqualTo(1.5);
        assertThat(t.rows().get(0)[t.columnIndex("Ratio 6144->8192 (x1.33)")]).isEqualTo(1.3);
        assertThat(t.rows().get(2)[t.columnIndex("Flag")]).isEqualTo("worse than seq^1");
    }

    @Test
    void exponentNeedsTwoRunsWithTime() {
        assertThat(ScalingSeries.exponent(SEQ, new long[] {0, 0, 5})).isNull();
        assertThat(ScalingSeries.exponent(List.of(1.0, 2.0), new long[] {3, 12})).isCloseTo(2.0, within(1e-12));
        assertThatThrownBy(() -> ScalingSeries.of(List.of(empty(), empty()), "s", List.of(1.0, 1.0),
                ScalingSeries.Options.defaults())).hasMessageContaining("all be equal");
        assertThatThrownBy(() -> ScalingSeries.of(List.of(empty(), empty()), "s", List.of(1.0, -2.0),
                ScalingSeries.Options.defaults())).hasMessageContaining("positive");
    }

    private static RunSummary empty() {
        return new RunSummary("x", 0, 0, 0, List.of());
    }
}
