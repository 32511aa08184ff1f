package io.proflens.analysis.sla;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.sla.SlaLine.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The issue's published decode SLA: "total 28.5 ms per step of 2.3 accepted tokens → TPOT 12.39 ms against a 16.6 ms
 * target (OTPS target 11,520 per node = 60 tok/s/user × 24 per DP × 8 DP)", OTPS 15,496 per node.
 */
class SlaCalculatorTest {
    static final String ISSUE_YAML = """
            # issue 6: DeepSeek decode, 8 DP per node
            ---
            step_ms: 28.5          # forward per step
            accepted_tokens: 2.3
            tpot_target_ms: 16.6
            users_per_dp: 24
            dp: 8
            user_tps_target: 60
            """;

    @Test
    void reproducesThePublishedTable() {
        SlaResult r = SlaCalculator.compute(SlaSpec.parse(ISSUE_YAML, "issue.yaml"), "given");
        assertThat(r.tpotMs()).isEqualTo(12.39);
        assertThat(r.userTokensPerSec()).isEqualTo(80.71);
        // published: 15,496 = 24 × 8 × (1000 / 12.39) with TPOT rounded to 0.01 ms as printed
        assertThat(r.otpsPerNode()).isEqualTo(15_496L);
        assertThat(r.line("OTPS target").value()).isEqualTo(11_520.0);
        assertThat(r.line("TPOT").arithmetic()).isEqualTo("step time / accepted tokens = 28.5 ms / 2.3 = 12.39 ms");
        assertThat(r.line("OTPS per node").arithmetic())
                .startsWith("24 users/DP × 8 DP × 80.71 tok/s = 15,496 tok/s");
        assertThat(r.line("TPOT").verdict()).isEqualTo(Verdict.PASS);
        assertThat(r.line("OTPS per node").verdict()).isEqualTo(Verdict.PASS);
        assertThat(r.verdict()).isEqualTo(Verdict.PASS);
        assertThat(r.maxBatchPerDp()).isNull(); // no scaling model
    }

    @Test
    void whichTpotRoundingGivesThePublishedOtps() {
        // independent arithmetic: only the 0.01 ms rounding of TPOT (as printed) gives 15,496
        double exact = 28.5 / 2.3;
        assertThat(Math.round(24 * 8 * 1000 / exact)).isEqualTo(15_495L);
        assertThat(Math.round(24 * 8 * 1000 / 12.4)).isEqualTo(15_484L);
        assertThat(Math.round(24 * 8 * 1000 / 12.39)).isEqualTo(15_496L);
        SlaResult r = SlaCalculator.compute(SlaSpec.parse(ISSUE_YAML, "issue.yaml"), "given");
        assertThat(r.line("OTPS per node").arithmetic()).contains("unrounded chain: 15,494.7");
    }

    @Test
    void failsWhenTheStepIsTooSlow() {
        SlaSpec spec = SlaSpec.parse(ISSUE_YAML, "x").withStepMs(40.0);
        SlaResult r = SlaCalculator.compute(spec, "given");
        // 40 / 2.3 = 17.39 > 16.6; 1000 / 17.39 = 57.50 < 60; 192 × 57.50 = 11,040 < 11,520
        assertThat(r.tpotMs()).isEqualTo(17.39);
        assertThat(r.otpsPerNode()).isEqualTo(11_040L);
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.verdictText()).isEqualTo("FAIL: TPOT, tokens/s per user, OTPS per node");
    }

    @Test
    void linearScalingMaxBatch() {
        SlaSpec spec = SlaSpec.parse(ISSUE_YAML + "scaling: linear\nsecond_batch: 32\nsecond_step_ms: 31.7\n", "lin.yaml");
        SlaResult r = SlaCalculator.compute(spec, "given");
        // independent: step(B) = 18.9 + 0.4 B; budget = 16.6 × 2.3 = 38.18 ms
        double a = 28.5 - 0.4 * 24;
        int expected = 0;
        for (int b = 1; b < 1000; b++) {
            if ((a + 0.4 * b) / 2.3 <= 16.6 + 1e-9) {
                expected = b;
            }
        }
        assertThat(expected).isEqualTo(48);
        assertThat(r.maxBatchPerDp()).isEqualTo(expected);
        assertThat(r.line("step budget").value()).isEqualTo(38.18);
        assertThat(r.line("step slope").value()).isEqualTo(0.4);
        assertThat(r.line("step intercept").value()).isEqualTo(18.9);
        assertThat(r.line("TPOT at max batch").value()).isEqualTo(16.57); // 38.1 / 2.3
        assertThat(r.line("OTPS per node at max batch").value()).isEqualTo(Math.round(48 * 8 * 60.35)); // 1000/16.57
    }

    @Test
    void powerScalingMaxBatch() {
        SlaSpec spec = SlaSpec.parse(ISSUE_YAML + "scaling: power\nexponent: 0.5\n", "pow.yaml");
        SlaResult r = SlaCalculator.compute(spec, "given");
        assertThat(r.maxBatchPerDp()).isEqualTo((int) Math.floor(24 * Math.pow(38.18 / 28.5, 2)));
        assertThat(r.maxBatchPerDp()).isEqualTo(43);
        SlaResult flat = SlaCalculator.compute(SlaSpec.parse(ISSUE_YAML + "scaling: power\nexponent: 0\n", "p"), "given");
        assertThat(flat.maxBatchPerDp()).isNull();
        assertThat(flat.line("max batch per DP").arithmetic()).contains("unbounded");
    }

    @Test
    void ttftAndPrefillThroughput() {
        SlaSpec spec = SlaSpec.of(Map.of("step-ms", "28.5", "prefill_ms", "150", "prefill_steps", "2",
                "ttft_target_ms", "250", "prompt_tokens", "4096"), "flags");
        SlaResult r = SlaCalculator.compute(spec, "given");
        assertThat(r.ttftMs()).isEqualTo(300.0);
        assertThat(r.line("TTFT").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.line("prefill tokens/s").value()).isEqualTo(Math.round(4096 / 0.3));
        assertThat(r.otpsPerNode()).isNull(); // no users_per_dp
    }

    @Test
    void jsonSpecEqualsYamlSpec() {
        String json = "{\"step_ms\": 28.5, \"accepted_tokens\": 2.3, \"tpot_target_ms\": 16.6, \"users_per_dp\": 24,"
                + " \"dp\": 8, \"user-tps-target\": \"60\"}";
        assertThat(SlaSpec.parse(json, "s.json")).isEqualTo(SlaSpec.parse(ISSUE_YAML, "s.yaml"));
    }

    @Test
    void tableHasEveryLineAndTheVerdict() {
        ResultTable t = SlaCalculator.compute(SlaSpec.parse(ISSUE_YAML, "x"), "given").toTable();
        assertThat(t.reportName()).isEqualTo("sla");
        assertThat(t.rows()).extracting(row -> row[0]).containsExactly("step time", "TPOT", "tokens/s per user",
                "tokens/s per DP", "OTPS target", "OTPS per node", "verdict");
        assertThat(t.rows().get(t.size() - 1)[5]).isEqualTo("PASS");
    }

    @Test
    void badSpecsGiveOneLineMessagesNamingTheSource() {
        assertThatThrownBy(() -> SlaSpec.parse("step_ms: 28.5\nsteps_ms: 3\n", "a.yaml"))
                .hasMessageStartingWith("a.yaml: line 2: unknown key 'steps_ms'");
        assertThatThrownBy(() -> SlaSpec.parse("step_ms: -1\n", "a.yaml")).hasMessage("a.yaml: step_ms must be > 0, got -1");
        assertThatThrownBy(() -> SlaSpec.parse("users_per_dp: 2.5\n", "a.yaml"))
                .hasMessageContaining("users_per_dp must be a whole number");
        assertThatThrownBy(() -> SlaSpec.parse("step_ms: 1\n  tpot: 3\n", "a.yaml")).hasMessageContaining("line 2: indented");
        assertThatThrownBy(() -> SlaSpec.parse("{\"step_ms\": [1]}", "a.json")).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> SlaSpec.parse("{\"step_ms\": 1,,}", "a.json")).hasMessageStartingWith("a.json: invalid JSON");
        assertThatThrownBy(() -> SlaSpec.parse("step_ms: 1\nusers_per_dp: 4\nscaling: linear\n", "a.yaml"))
                .hasMessageContaining("second_batch and second_step_ms");
        assertThatThrownBy(() -> SlaCalculator.compute(SlaSpec.parse("dp: 2\n", "a"), "given"))
                .hasMessageContaining("no step time");
        assertThatThrownBy(() -> SlaSpec.parse("step_ms: 1\nstep_ms: 2\n", "a.yaml")).hasMessageContaining("duplicate");
    }
}
