package io.proflens.rules.gpu;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LowUtilizationRuleTest {
    private final LowUtilizationRule rule = new LowUtilizationRule();
    @TempDir
    Path tmp;

    @Test
    void firesOnTheDatabaseJoinWhoseGpuIdlesMostOfTheRun() {
        Trace t = RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite");
        Finding f = eval(rule, t);
        // independent: union of all GPU ops of the single device over its span
        Intervals u = new Intervals();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (var tab : new io.proflens.model.IntervalTable[] {t.kernels(), t.memcpys(), t.memsets()}) {
            for (int i = 0; i < tab.size(); i++) {
                if (tab.hasEnd(i) && tab.startNs(i) > 0) {
                    u.add(tab.startNs(i), tab.endNs(i));
                    first = Math.min(first, tab.startNs(i));
                    last = Math.max(last, tab.endNs(i));
                }
            }
        }
        double pct = 100.0 * Intervals.length(u.union()) / (last - first);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).contains(String.format(java.util.Locale.ROOT, "at %.1f%%", pct)).contains("6.0%");
        assertThat(f.recoverableNs()).isPositive();
    }

    @Test
    void healthyTraceIsOk() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
    }

    @Test
    void cpuOnlyTraceIsNotApplicable() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverride() {
        Trace t = RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite");
        assertThat(eval(rule, t, Map.of("minUtilizationPct", 5.0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, t, Map.of("minSpanMs", 1e6)).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }
}
