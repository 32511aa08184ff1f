package io.proflens.rules.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.phases.PhaseKey;
import io.proflens.demo.NsysExportWriter;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Severity;
import io.proflens.rules.ThresholdValues;
import io.proflens.scenarios.ExpertScenarios;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseImbalanceRuleTest {
    private final PhaseImbalanceRule rule = new PhaseImbalanceRule();

    @TempDir
    Path tmp;

    private Finding eval(Trace t) {
        return rule.evaluate(RuleContext.of(t), ThresholdValues.defaults(rule));
    }

    /**
     * SYNTHETIC (written here with {@link NsysExportWriter}): six train_step ranges, each with a forward range of
     * {@code forwardNs} and a backward range of {@code backwardNs} on the main thread, 1 ms apart.
     */
    private Path trainLoop(String file, long forwardNs, long backwardNs) throws IOException {
        int pid = 9_100;
        try (NsysExportWriter w = NsysExportWriter.open(tmp.resolve(file))) {
            w.metadata("PROFLENS_SCENARIO", "phaseImbalance");
            w.process(pid, "python3 train.py (synthetic)").thread(pid, pid, "python3");
            long t = ExpertScenarios.T0_NS;
            for (int i = 0; i < 6; i++) {
                long stepStart = t;
                w.nvtxRange(t + 10_000, t + 10_000 + forwardNs, pid, pid, "forward");
                t += 10_000 + forwardNs + 20_000;
                w.nvtxRange(t, t + backwardNs, pid, pid, "backward");
                t += backwardNs + 10_000;
                w.nvtxRange(stepStart, t, pid, pid, "train_step");
                t += 1_000_000;
            }
            return w.finish();
        }
    }

    @Test
    void nvtxPhasesIsWithinBoundsAndQuotesTheNumbers() throws Exception {
        // "backward is 2.73× forward" (131.5 ms vs 359.2 ms): informational, within [1.5, 3.5]
        Finding f = eval(TestData.load(ExpertScenarios.nvtxPhases(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("2.73×").contains("131.5 ms").contains("359.2 ms");
        String ev = f.evidence().stream().map(e -> e.label() + ": " + e.value()).collect(Collectors.joining("\n"));
        assertThat(ev).contains("forward_only").contains("backward_only").contains("5 range(s)");
    }

    @Test
    void backwardFiveTimesForwardFiresHigh() throws Exception {
        Finding f = eval(TestData.load(trainLoop("bwd5x.sqlite", 10_000_000, 50_000_000)));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("5.00×").contains("50.00 ms").contains("10.00 ms").contains("above 3.50×");
        assertThat(f.recommendation()).contains("recomputation").contains("fp32").contains("all-reduce");
        assertThat(f.recoverableNs()).isEqualTo(6 * 30_000_000L);
    }

    @Test
    void backwardBarelyLongerThanForwardFiresLow() throws Exception {
        Finding f = eval(TestData.load(trainLoop("bwd1.1x.sqlite", 20_000_000, 22_000_000)));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("1.10×").contains("22.00 ms").contains("20.00 ms").contains("below 1.50×");
        assertThat(f.recommendation()).contains("not fully captured");
    }

    @Test
    void realEncoderDecoderTraceIsOk() {
        Finding f = eval(TestData.load(TestData.root().resolve("kineto/hta-sampled-ws128-encdec-fp8/sampled_rank-0.json.gz")));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("1.66×").contains("232.1 ms").contains("139.6 ms");
    }

    @Test
    void operatorLevelPairIsNotApplicable() throws Exception {
        // emit_nvtx: only operator ranges (flash_attn::_flash_attn_forward, RegisterPostBackwardFunction, ...)
        // carry forward/backward names; they are not training phases
        Finding f = eval(TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite")));
        assertThat(f.severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(f.summary()).contains("no repeating phase-level forward and backward ranges");
        assertThat(eval(TestData.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void operatorLevelNames() {
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "aten::mm"))).isTrue();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "MulBackward0"))).isTrue();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "RegisterPostBackwardFunction"))).isTrue();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "nccl:all_to_all"))).isTrue();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey("TensorRT", "Identity_N"))).isTrue();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "ProfilerStep#N"))).isFalse();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "## backward ##"))).isFalse();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "Backward"))).isFalse();
        assertThat(PhaseImbalanceRule.isOperatorLevel(new PhaseKey(null, "backward_only"))).isFalse();
    }

    @Test
    void thresholdOverrideChangesTheOutcome() throws Exception {
        Trace t = TestData.load(ExpertScenarios.nvtxPhases(tmp));
        Finding f = rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("maxRatio", 2.5)));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).contains("2.73×").contains("above 2.50×");
    }
}
