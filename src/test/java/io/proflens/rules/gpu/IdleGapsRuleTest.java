package io.proflens.rules.gpu;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdleGapsRuleTest {
    private final IdleGapsRule rule = new IdleGapsRule();
    @TempDir
    Path tmp;

    @Test
    void firesOnTheDatabaseJoinWithSecondsOfIdleGpu() {
        Finding f = eval(rule, RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).contains("2 GPU idle gap(s) longer than 500.0 ms").contains("largest 4.662 s");
        assertThat(f.examples()).hasSize(2);
    }

    @Test
    void okOnBusyTraces() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"))
                .severity()).isEqualTo(Severity.OK);
    }

    @Test
    void cpuOnlyTraceIsNotApplicable() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverride() {
        Finding f = eval(rule, RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite"), Map.of("minGapMs", 5000.0));
        assertThat(f.severity()).isEqualTo(Severity.OK);
    }
}
