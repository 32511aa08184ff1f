package io.proflens.rules.kernels;

import static io.proflens.rules.RuleTesting.eval;
import static io.proflens.rules.RuleTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FusionCandidatesRuleTest {
    private final FusionCandidatesRule rule = new FusionCandidatesRule();
    @TempDir
    Path tmp;

    @Test
    void firesOnFastVideoTrainingWhereCopiesAndElementwiseTakeAThird() {
        Trace t = RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite");
        Finding f = eval(rule, t);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        // independent: kernel time of names that look pointwise by the PyTorch kernel templates
        KernelTable k = t.kernels();
        long total = 0;
        for (int i = 0; i < k.size(); i++) {
            total += k.durationNs(i);
        }
        assertThat(f.summary()).contains("32.7% of kernel time").contains("3,405 launches").contains("direct_copy");
        assertThat(text(f)).contains("of " + io.proflens.rules.EvidenceFormat.duration(total) + " kernel time");
        assertThat(f.recoverableNs()).isPositive();
    }

    @Test
    void transformerTrainingNamesForwardGemmAndOverallCopies() throws Exception {
        Trace t = RuleTesting.load(ExpertScenarios.transformerTraining(tmp));
        Finding f = eval(rule, t);
        assertThat(f.severity().isProblem()).as(text(f)).isTrue();
        assertThat(text(f)).contains("forward (forward) top kernel: ampere_sgemm_128x64_tn (GEMM, tile 128×64)")
                .contains("direct_copy");
    }

    @Test
    void healthyTraceAndTinyProgramsAreOk() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.OK);
        Finding vecadd = eval(rule, RuleTesting.nsys("vecadd-rtx3060-2025/report1.sqlite"));
        assertThat(vecadd.severity()).isEqualTo(Severity.OK);
        assertThat(vecadd.summary()).contains("only 1 pointwise-type launches");
    }

    @Test
    void cpuOnlyTraceIsNotApplicable() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void raisingTheThresholdSilencesIt() {
        Trace t = RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite");
        assertThat(eval(rule, t, Map.of("minSharePct", 40.0)).severity()).isEqualTo(Severity.OK);
    }
}
