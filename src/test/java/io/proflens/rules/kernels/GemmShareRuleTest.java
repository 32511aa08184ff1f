package io.proflens.rules.kernels;

import static io.proflens.rules.RuleTesting.eval;
import static io.proflens.rules.RuleTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemmShareRuleTest {
    private final GemmShareRule rule = new GemmShareRule();
    @TempDir
    Path tmp;

    @Test
    void transformerTrainingWithSmallMatricesHasLowGemmShareAndNamesTheSgemmTile() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.transformerTraining(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).contains("GEMM + attention are only").contains("compute kernel time");
        assertThat(text(f)).contains("ampere_sgemm_128x64_tn (tile 128×64)");
    }

    @Test
    void realTraceWithLowGemmShare() {
        // the gp100 step-based trace is mostly elementwise adds
        Finding f = eval(rule, RuleTesting.kineto("hta-gpu-user-annotation-gp100/step_based_trace_2543932.json.gz"));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).contains("largest compute category is elementwise");
    }

    @Test
    void attentionAndGemmDominatedTrainingIsOk() {
        Finding f = eval(rule, RuleTesting.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(text(f)).contains("nvjet_tst_192x192_64x4_2x1_v_bz_coopB_bias_TNN (tile 192×192)");
    }

    @Test
    void notApplicableWithoutKernels() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.cpuThreadPool(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverride() throws Exception {
        Finding f = eval(rule, RuleTesting.kineto("hta-gpu-user-annotation-gp100/step_based_trace_2543932.json.gz"),
                Map.of("minMatmulSharePct", 10.0));
        assertThat(f.severity()).isEqualTo(Severity.OK);
    }
}
