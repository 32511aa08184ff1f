package io.proflens.analysis.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.timers.TimerSample.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 6: "[DOWN] D0_prepare+memset: 69.506 ms" … "[BWD TIMER] backward_down: 193.885 ms (total: 193.885 ms)", the
 * 319.9 ms internal total compared with 341.6 ms measured outside.
 */
class TimerReportTest {
    static List<TimerSample> iteration(int it, double scale) {
        List<TimerSample> s = new ArrayList<>();
        s.add(new TimerSample(it, Kind.GROUP, "DOWN", "D0_prepare+memset", ns(69.506 * scale), null, 1));
        s.add(new TimerSample(it, Kind.GROUP, "DOWN", "D1_grad_input", ns(78.268 * scale), null, 2));
        s.add(new TimerSample(it, Kind.GROUP, "DOWN", "D2_grad_weight", ns(41.311 * scale), null, 3));
        long down = ns(193.885 * scale);
        s.add(new TimerSample(it, Kind.PHASE, "BWD TIMER", "backward_down", down, down, 4));
        s.add(new TimerSample(it, Kind.GROUP, "UP", "U0_grad_input", ns(52.004 * scale), null, 5));
        s.add(new TimerSample(it, Kind.GROUP, "UP", "U1_grad_weight", ns(31.250 * scale), null, 6));
        long up = ns(86.015 * scale);
        s.add(new TimerSample(it, Kind.PHASE, "BWD TIMER", "backward_up", up, down + up, 7));
        long gate = ns(40.0 * scale);
        s.add(new TimerSample(it, Kind.PHASE, "BWD TIMER", "backward_gate", gate, down + up + gate, 8));
        return s;
    }

    static long ns(double ms) {
        return Math.round(ms * 1e6);
    }

    @Test
    void internalTotalVersusExternal() {
        TimerReport r = TimerReport.of(iteration(1, 1.0),
                new TimerReport.Options(null, 341_600_000L, 2_300_000L, "bench.log"));
        assertThat(r.internalTotalNs()).isEqualTo(319_900_000L);
        assertThat(r.gapNs()).isEqualTo(341_600_000L - 319_900_000L); // 21.7 ms
        assertThat(r.gapPct()).isEqualTo(Math.round(1000.0 * 21.7 / 341.6) / 10.0); // 6.4
        assertThat(r.warmupIterations()).isZero();
        assertThat(r.notes()).isEmpty();
        ResultTable gap = r.toTables().get(2);
        assertThat(gap.cell(2, 3).toString()).contains("341.600 − 319.900 = 21.700 ms").contains("9.4× the external spread");
    }

    @Test
    void hierarchyWithShares() {
        TimerReport r = TimerReport.of(iteration(1, 1.0), TimerReport.Options.defaults());
        assertThat(r.nodes()).extracting(n -> String.join("/", n.path())).containsExactly(
                "backward_down", "backward_down/[DOWN] D0_prepare+memset", "backward_down/[DOWN] D1_grad_input",
                "backward_down/[DOWN] D2_grad_weight", "backward_down/(unattributed)",
                "backward_up", "backward_up/[UP] U0_grad_input", "backward_up/[UP] U1_grad_weight",
                "backward_up/(unattributed)", "backward_gate");
        // 193.885 − (69.506 + 78.268 + 41.311) = 4.800 ms
        assertThat(r.node("backward_down", TimerReport.UNATTRIBUTED).steadyMeanNs()).isEqualTo(4_800_000L);
        assertThat(r.node("backward_down").sharePct()).isEqualTo(Math.round(1000.0 * 193.885 / 319.9) / 10.0);
        assertThat(r.node("backward_down", "[DOWN] D0_prepare+memset").sharePct())
                .isEqualTo(Math.round(1000.0 * 69.506 / 319.9) / 10.0);
        double topLevelShares = r.nodes().stream().filter(n -> n.depth() == 0).mapToDouble(TimerNode::sharePct).sum();
        assertThat(topLevelShares).isBetween(99.8, 100.2); // parts make the whole (rounded to 0.1 each)
    }

    @Test
    void warmupVersusSteady() {
        List<TimerSample> s = new ArrayList<>(iteration(1, 1.5));
        s.addAll(iteration(2, 1.0));
        s.addAll(iteration(3, 1.0));
        TimerReport r = TimerReport.of(s, new TimerReport.Options(null, 341_600_000L, null, "--external-ms"));
        assertThat(r.warmupIterations()).isEqualTo(1);
        assertThat(r.internalTotalNs()).isEqualTo(319_900_000L);
        assertThat(r.node("backward_down").warmupMeanNs()).isEqualTo(ns(193.885 * 1.5));
        assertThat(r.node("backward_down").warmupRatio()).isEqualTo(1.5);
        assertThat(r.node("backward_down").steadyCount()).isEqualTo(2);
        assertThat(r.iterations()).extracting(TimerReport.IterationTotal::warmup).containsExactly(true, false, false);
        TimerReport none = TimerReport.of(s, new TimerReport.Options(0, null, null, null));
        // all three: (1.5 + 1 + 1) / 3 × 319.9
        assertThat(none.internalTotalNs()).isEqualTo(Math.round((ns(193.885 * 1.5) + ns(86.015 * 1.5) + ns(40.0 * 1.5)
                + 2 * 319_900_000L) / 3.0));
        assertThatThrownBy(() -> TimerReport.of(s, new TimerReport.Options(3, null, null, null)))
                .hasMessageContaining("leaves no steady iteration");
    }

    @Test
    void groupsWithoutPhasesAndGenericTimers() {
        List<TimerSample> s = List.of(
                new TimerSample(1, Kind.GROUP, "ATTN", "qkv", 2_000_000L, null, 1),
                new TimerSample(1, Kind.GROUP, "ATTN", "softmax", 1_000_000L, null, 2),
                new TimerSample(1, Kind.GENERIC, null, "optimizer", 7_000_000L, null, 3));
        TimerReport r = TimerReport.of(s, TimerReport.Options.defaults());
        assertThat(r.internalTotalNs()).isEqualTo(10_000_000L);
        assertThat(r.node("[ATTN]").steadyMeanNs()).isEqualTo(3_000_000L);
        assertThat(r.node("[ATTN]", "softmax").sharePct()).isEqualTo(10.0);
        assertThat(r.node("optimizer").sharePct()).isEqualTo(70.0);
    }

    @Test
    void inconsistentTotalsAreNoted() {
        List<TimerSample> s = List.of(
                new TimerSample(1, Kind.GROUP, "FORWARD", "a", 5_000_000L, null, 1),
                new TimerSample(1, Kind.PHASE, "FWD TIMER", "forward", 4_000_000L, 4_000_000L, 2),
                new TimerSample(1, Kind.PHASE, "FWD TIMER", "loss", 1_000_000L, 9_000_000L, 3));
        TimerReport r = TimerReport.of(s, TimerReport.Options.defaults());
        assertThat(r.internalTotalNs()).isEqualTo(9_000_000L); // the reported running total wins
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("reported total 9.000 ms, sum of the phases 5.000 ms"))
                .anySatisfy(n -> assertThat(n).contains("more than the phase's 4.000 ms"));
    }

    @Test
    void groupMatching() {
        assertThat(TimerReport.matches("DOWN", "backward_down")).isTrue();
        assertThat(TimerReport.matches("UP", "backward_up")).isTrue();
        assertThat(TimerReport.matches("UP", "backward_setup")).isFalse();
        assertThat(TimerReport.matches("ATT", "attention")).isTrue();
        assertThat(TimerReport.matches("GATE", "backward_down")).isFalse();
    }
}
