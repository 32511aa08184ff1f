package io.proflens.rules.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.RankFindings;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Severity;
import io.proflens.rules.ThresholdValues;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IterationGapRuleTest {
    private final IterationGapRule rule = new IterationGapRule();

    @TempDir
    Path tmp;

    private Finding eval(RuleContext ctx) {
        return rule.evaluate(ctx, ThresholdValues.defaults(rule));
    }

    private static String evidence(Finding f) {
        return f.evidence().stream().map(e -> e.label() + ": " + e.value()).collect(Collectors.joining("\n"));
    }

    @Test
    void decodeRanksIdleBetweenForwardsOnEveryRank() throws Exception {
        // "the GPU is idle 1.3 ms between two consecutive forwards on every rank"
        List<Path> files = ExpertScenarios.decodeRanks(tmp, 2);
        List<Trace> ranks = files.stream().map(TestData::load).toList();
        List<List<Finding>> perRank = new ArrayList<>();
        for (Trace t : ranks) {
            Finding f = eval(new RuleContext(t, ranks, KernelClassifier.builtIn(), RuleContext.Options.none()));
            assertThat(f.severity()).as(f.summary()).isIn(Severity.WARNING, Severity.CRITICAL);
            assertThat(f.summary()).contains("1.30 ms").contains("\"forward\"").containsPattern("2[34]\\.\\d% of the 5\\.3\\d ms iteration period");
            assertThat(evidence(f)).contains("min 1.30 ms, max 1.30 ms").contains("over 11 consecutive pair(s)")
                    .contains("12 × \"forward\"").contains("NVTX sampling");
            assertThat(f.recommendation()).contains("CUDA graph");
            assertThat(f.recoverableNs()).isEqualTo(11 * ExpertScenarios.DECODE_IDLE_NS);
            perRank.add(List.of(f));
        }
        Finding merged = RankFindings.merge(perRank, List.of(0, 1)).get(0);
        assertThat(merged.summary()).contains("(2 of 2 ranks): ").contains("1.30 ms");
    }

    @Test
    void healthyStepsAreOk() throws Exception {
        Finding f = eval(RuleContext.of(TestData.load(ExpertScenarios.healthy(tmp))));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("\"step\"");
    }

    @Test
    void realDdpTraceIsOkAndTinyCompareTraceFires() {
        // HTA ResNet DDP A100: 6.24 ms idle per 222.4 ms step = 2.8 % < 5 %
        Finding ddp = eval(RuleContext.of(TestData.load(TestData.root()
                .resolve("kineto/hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz"))));
        assertThat(ddp.severity()).isEqualTo(Severity.OK);
        assertThat(ddp.summary()).contains("6.24 ms").contains("\"ProfilerStep#N\"");
    }

    @Test
    void notApplicableWithoutIterationsOrWithOperatorRanges() throws Exception {
        assertThat(eval(RuleContext.of(TestData.load(TestData.nsys("vecadd-rtx3060-2025/report1.sqlite"))))
                .severity()).isEqualTo(Severity.NOT_APPLICABLE);
        // emit_nvtx trace: the main repeating range is aten::linear, an operator
        Finding op = eval(RuleContext.of(TestData.load(TestData.nsys(
                "nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"))));
        assertThat(op.severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(op.summary()).contains("aten::linear");
        // CPU-only: lora_grad_step ranges launch no GPU work
        assertThat(eval(RuleContext.of(TestData.load(ExpertScenarios.cpuThreadPool(tmp)))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverrideChangesTheOutcome() throws Exception {
        Trace t = TestData.load(ExpertScenarios.decodeRanks(tmp, 1).get(0));
        Finding f = rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("minGapMs", 2.0)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("1.30 ms").contains("2.00 ms");
        Finding pct = rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("minGapPct", 50.0)));
        assertThat(pct.severity()).isEqualTo(Severity.OK);
    }

    @Test
    void evidenceIsNeverEmptyWhenItFires() throws Exception {
        Finding f = eval(RuleContext.of(TestData.load(ExpertScenarios.decodeRanks(tmp, 1).get(0))));
        assertThat(f.evidence()).extracting(Evidence::label).contains("GPU idle between iterations",
                "GPU busy per iteration", "CPU thread in the gaps");
    }
}
