package io.proflens.analysis.anatomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorMappingTest {
    @TempDir
    Path dir;

    @Test
    void builtInRulesNameCommonLlmKernels() {
        OperatorMapping m = OperatorMapping.builtIn();
        assertThat(m.operatorOf(DecodeStepScenario.FLASH_MLA)).isEqualTo("attention");
        assertThat(m.operatorOf(DecodeStepScenario.ROTARY)).isEqualTo("rope");
        assertThat(m.operatorOf(DecodeStepScenario.FUSED_ADD_RMS_NORM)).isEqualTo("rmsnorm");
        assertThat(m.operatorOf(DecodeStepScenario.SILU_AND_MUL)).isEqualTo("silu");
        // the fused SiLU+quant kernel of the experts is named after DeepGEMM but is an activation
        assertThat(m.operatorOf(DecodeStepScenario.EXPERT_SILU)).isEqualTo("silu");
        assertThat(m.operatorOf(DecodeStepScenario.EXPERT_UP)).isEqualTo("expert_gemm");
        // topkGatingSoftmax is the router's top-k, not an attention softmax
        assertThat(m.operatorOf(DecodeStepScenario.TOPK)).isEqualTo("topk");
        assertThat(m.operatorOf(DecodeStepScenario.DISPATCH)).isEqualTo("dispatch");
        assertThat(m.operatorOf(DecodeStepScenario.COMBINE)).isEqualTo("combine");
        assertThat(m.operatorOf(DecodeStepScenario.GEMM_LARGE)).isEqualTo("gemm");
        assertThat(m.operatorOf("ncclDevKernel_AllReduce_Sum_bf16_RING_LL")).isEqualTo("all_reduce");
        assertThat(m.operatorOf(DecodeStepScenario.EMBEDDING)).isEqualTo("embedding");
        assertThat(m.operatorOf("some_custom_kernel")).isNull();
    }

    @Test
    void userRulesComeFirstAndBadLinesNameFileAndLine() throws Exception {
        Path f = dir.resolve("ops.tsv");
        Files.writeString(f, "# mine\nq_proj_b\tnvjet_tst_128x64_64x8\n");
        OperatorMapping m = OperatorMapping.fromFile(f, OperatorMapping.builtIn());
        assertThat(m.operatorOf(DecodeStepScenario.GEMM_MEDIUM)).isEqualTo("q_proj_b");
        assertThat(m.operatorOf(DecodeStepScenario.GEMM_LARGE)).isEqualTo("gemm");
        assertThat(m.rules().get(0).line()).isEqualTo(2);

        assertThatThrownBy(() -> OperatorMapping.fromLines("x.tsv", List.of("only-one-field"), OperatorMapping.builtIn()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("x.tsv:1:");
        assertThatThrownBy(() -> OperatorMapping.fromLines("x.tsv", List.of("", "op\t(unclosed"),
                OperatorMapping.builtIn())).hasMessageStartingWith("x.tsv:2: invalid regex");
    }
}
