package io.proflens.analysis.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.diff.RegressionGate.Condition;
import io.proflens.analysis.diff.RegressionGate.MetricKind;
import io.proflens.analysis.diff.RegressionGate.Op;
import io.proflens.analysis.diff.RegressionGate.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionGateTest {
    @Test
    void parsesTheLanguage() {
        Condition c = RegressionGate.parse("total>+5%");
        assertThat(c.kind()).isEqualTo(MetricKind.TOTAL);
        assertThat(c.op()).isEqualTo(Op.GT);
        assertThat(c.threshold()).isEqualTo(5.0);
        assertThat(c.relative()).isTrue();
        c = RegressionGate.parse(" kernel:*gemm* >= 2ms ");
        assertThat(c.kind()).isEqualTo(MetricKind.KERNEL);
        assertThat(c.argument()).isEqualTo("*gemm*");
        assertThat(c.op()).isEqualTo(Op.GE);
        assertThat(c.threshold()).isEqualTo(2_000_000.0);
        assertThat(c.relative()).isFalse();
        assertThat(RegressionGate.parse("phase:ProfilerStep*<=-1.5us").threshold()).isEqualTo(-1500.0);
        assertThat(RegressionGate.parse("count:*<10").threshold()).isEqualTo(10.0);
        assertThat(RegressionGate.parse("category:attention>+0.5s").threshold()).isEqualTo(5e8);
        // template brackets in the glob: the operator is the last one followed by a value
        c = RegressionGate.parse("kernel:*elementwise_kernel<N, *>*>+10%");
        assertThat(c.argument()).isEqualTo("*elementwise_kernel<N, *>*");
        assertThat(c.op()).isEqualTo(Op.GT);
    }

    @Test
    void rejectsBadConditionsWithOneLine() {
        for (String bad : List.of("total", "total>5", "speed>+5%", "kernel:>+5%", "category:tensorcore>+5%",
                "count:*>+5ms", "total>+x%")) {
            assertThatThrownBy(() -> RegressionGate.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bad gate condition").hasMessageNotContaining("\n");
        }
    }

    private static RunSummary run(String label, long gemmNs, long gemmCount, long otherNs) {
        return new RunSummary(label, gemmCount + 1, gemmNs + otherNs, 10 * (gemmNs + otherNs), List.of(
                new RunSummary.Entry(DiffSection.KERNEL, "ampere_sgemm_NxN_tn", gemmCount, gemmNs, KernelCategory.GEMM,
                        List.of("ampere_sgemm_128x64_tn"), 1),
                new RunSummary.Entry(DiffSection.KERNEL, "add_kernel", 1, otherNs, KernelCategory.ELEMENTWISE,
                        List.of("add_kernel"), 1),
                new RunSummary.Entry(DiffSection.CATEGORY, "GEMM", gemmCount, gemmNs, KernelCategory.GEMM,
                        List.of("GEMM"), 1),
                new RunSummary.Entry(DiffSection.PHASE, "ProfilerStep#N", 4, 4 * (gemmNs + otherNs), null,
                        List.of("ProfilerStep#N"), 1)));
    }

    @Test
    void evaluatesAgainstHandComputedChanges() {
        // A: gemm 10 ms in 100 launches, other 10 ms; B: gemm 11.5 ms (+15%) in 110 launches, other 10 ms
        TraceDiff d = TraceDiff.of(run("a", 10_000_000, 100, 10_000_000), run("b", 11_500_000, 110, 10_000_000), false);
        RegressionGate g = new RegressionGate(List.of(RegressionGate.parse("total>+5%"),   // +7.5%: fails
                RegressionGate.parse("total>+8%"),                                         // passes
                RegressionGate.parse("kernel:*SGEMM*>+10%"),                                 // +15%, case-insensitive
                RegressionGate.parse("kernel:ampere_sgemm_128x64_tn>+2ms"),                  // raw name, +1.5 ms: passes
                RegressionGate.parse("category:gemm>=+1.5ms"),                               // exactly +1.5 ms: fails
                RegressionGate.parse("count:*sgemm*>+9"),                                    // +10 launches: fails
                RegressionGate.parse("phase:ProfilerStep*>+1ms"),                            // mean +1.5 ms: fails
                RegressionGate.parse("kernel:*flash*>+1%")));                                // matches nothing: fails
        List<Result> r = g.evaluate(d);
        assertThat(r).extracting(Result::violated).containsExactly(true, false, true, false, true, true, true, true);
        assertThat(r.get(0).reason()).isEqualTo("gate failed: total>+5%: 20.000 ms -> 21.500 ms (+1.500 ms, +7.5%)");
        assertThat(r.get(1).reason()).startsWith("gate passed: total>+8%");
        assertThat(r.get(2).changePct()).isCloseTo(15.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get(5).reason()).isEqualTo("gate failed: count:*sgemm*>+9: 100 -> 110 (+10, +10.0%)");
        assertThat(r.get(6).valueA()).isEqualTo(20_000_000.0);
        assertThat(r.get(6).valueB()).isEqualTo(21_500_000.0);
        assertThat(r.get(7).reason()).isEqualTo("gate failed: kernel:*flash*>+1%: matches nothing in either run");
        assertThat(RegressionGate.failed(r)).isTrue();
        // the same run twice passes every condition that matches something
        List<Result> same = g.evaluate(TraceDiff.of(run("a", 1, 1, 1), run("a", 1, 1, 1), false));
        assertThat(same.subList(0, 7)).noneMatch(Result::violated);
    }

    @Test
    void zeroBaselineIsInfiniteGrowth() {
        TraceDiff d = TraceDiff.of(run("a", 0, 0, 5), run("b", 7, 1, 5), false);
        Result r = new RegressionGate(List.of(RegressionGate.parse("kernel:*sgemm*>+1000%"))).evaluate(d).get(0);
        assertThat(r.violated()).isTrue();
        assertThat(r.reason()).contains("+inf%");
    }
}
