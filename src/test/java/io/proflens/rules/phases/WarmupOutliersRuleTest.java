package io.proflens.rules.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Severity;
import io.proflens.rules.ThresholdValues;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupOutliersRuleTest {
    private static final Path MINITOY = TestData.root()
            .resolve("kineto/hta-amd-mi250-minitoy/mi250_minitoy_train_ROCm6_2_kineto.json.gz");
    private static final Path RESNET = TestData.root().resolve("kineto/param-resnet-rtx2080ti/resnet_kineto.json.gz");

    private final WarmupOutliersRule rule = new WarmupOutliersRule();

    @TempDir
    Path tmp;

    private Finding eval(Trace t) {
        return rule.evaluate(RuleContext.of(t), ThresholdValues.defaults(rule));
    }

    @Test
    void firstProfilerStepOfTheMi250MinitoyIsWarmUp() {
        // real Kineto trace: ProfilerStep#0 9.29 ms, ProfilerStep#1 49.1 µs
        Finding f = eval(TestData.load(MINITOY));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("\"ProfilerStep#N\"").contains("189.27×").contains("9.29 ms")
                .contains("49.1 µs").contains("9.24 ms extra");
        String ev = f.evidence().stream().map(e -> e.label() + ": " + e.value()).collect(Collectors.joining("\n"));
        assertThat(ev).contains("iteration 1: 9.29 ms = 189.27× the steady median").contains("median 49.1 µs");
        assertThat(f.recommendation()).contains("schedule(wait=1, warmup=2, active=3)").contains("--capture-range");
        assertThat(f.recoverableNs()).isEqualTo(9_288_291L - 49_073L);
        assertThat(f.examples()).hasSize(1);
    }

    @Test
    void firstOptimizerStepOfResnetIsWarmUp() {
        // the main iteration is the repeating range that launches GPU work: Optimizer.step (the DataLoader's
        // __next__ launches none)
        Finding f = eval(TestData.load(RESNET));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.summary()).contains("Optimizer.step#SGD.step").contains("3.37×").contains("5.62 ms")
                .contains("1.67 ms");
    }

    @Test
    void healthyStepsAreOk() throws Exception {
        Finding f = eval(TestData.load(ExpertScenarios.healthy(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("\"step\"").contains("limit 1.50×");
    }

    @Test
    void notApplicableWithoutIterations() {
        assertThat(eval(TestData.load(TestData.nsys("vecadd-rtx3060-2025/report1.sqlite"))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
        Finding op = eval(TestData.load(TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite")));
        assertThat(op.severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(op.summary()).contains("aten::item");
    }

    @Test
    void thresholdOverrideChangesTheOutcome() {
        Trace t = TestData.load(MINITOY);
        assertThat(rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("minFactor", 200.0))).severity())
                .isEqualTo(Severity.OK);
        assertThat(rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("minFactor", 100.0))).severity())
                .isEqualTo(Severity.WARNING);
    }
}
