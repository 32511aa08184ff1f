package io.proflens.rules.comm;

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

class ExposedCommunicationRuleTest {
    private final ExposedCommunicationRule rule = new ExposedCommunicationRule();
    @TempDir
    Path tmp;

    @Test
    void firesOnTheDdpTraceWhoseAllReducesOverlapNothing() {
        // HTA reference for this trace: comp_comm_overlap_pctg 0.0
        Finding f = eval(rule, RuleTesting.kineto("hta-df-index-resolver-v100-ddp2/df_index_resolver.json.gz"));
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).contains("20.6% of the GPU timeline").contains("only 0.0% of it overlaps compute");
        assertThat(f.recoverableNs()).isBetween(357_000_000L, 357_600_000L);
    }

    @Test
    void okWhenCommunicationIsMostlyHidden() {
        Finding f = eval(rule, RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("3.0%");
    }

    @Test
    void notApplicableWithoutCommunicationOrGpu() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverride() {
        Finding f = eval(rule, RuleTesting.kineto("hta-df-index-resolver-v100-ddp2/df_index_resolver.json.gz"),
                Map.of("maxExposedPct", 25.0));
        assertThat(f.severity()).isEqualTo(Severity.OK);
    }
}
