package io.proflens.rules.ranks;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Severity;
import io.proflens.rules.ThresholdValues;
import io.proflens.scenarios.ExpertScenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadImbalanceRuleTest {
    private static final Path FASTVIDEO = TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite");

    private final LoadImbalanceRule rule = new LoadImbalanceRule();

    @TempDir
    Path tmp;

    private static List<Trace> ranks(String dir) {
        try (Stream<Path> s = Files.list(TestData.root().resolve("kineto").resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".json.gz")).sorted().map(TestData::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Finding eval(Trace t, List<Trace> ranks) {
        return rule.evaluate(new RuleContext(t, ranks, KernelClassifier.builtIn(), RuleContext.Options.none()),
                ThresholdValues.defaults(rule));
    }

    @Test
    void dlrmEightRanksAreImbalancedAndEveryRankSaysTheSame() {
        // PARAM DLRM, 8 ranks of step 12: compute 1.05 ms (rank 0) to 1.27 ms (rank 3); the all-to-all wait in
        // NCCL kernels (1.75 to 11.34 ms) is left out of the comparison and shown as evidence
        List<Trace> ranks = ranks("param-dlrm-v100-8rank");
        assertThat(ranks).hasSize(8);
        Finding f = eval(ranks.get(0), ranks);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("17.0%").contains("8 ranks").contains("rank 3 1.27 ms")
                .contains("rank 0 1.05 ms");
        String ev = f.evidence().stream().map(e -> e.label() + ": " + e.value()).collect(Collectors.joining("\n"));
        assertThat(ev).contains("rank 3: 1.27 ms GPU busy without communication, 315 kernels, 9.77 ms in "
                + "communication kernels").contains("rank 1 1.27 ms (310 kernels, comm 11.34 ms)");
        assertThat(f.examples()).hasSize(3);
        assertThat(f.examples().get(0)).startsWith("void split_embedding_codegen_forward_unweighted_kernel");
        for (int r = 1; r < ranks.size(); r++) {
            assertThat(eval(ranks.get(r), ranks)).as("rank " + r).isEqualTo(f);
        }
    }

    @Test
    void encoderDecoderRank1CarriesTwiceTheEmbeddingWork() {
        // HTA sampled ws128 ranks 0 and 1: compute 211.6 vs 280.6 ms, the difference is FBGEMM embedding kernels
        List<Trace> ranks = ranks("hta-sampled-ws128-encdec-fp8");
        Finding f = eval(ranks.get(1), ranks);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("24.6%").contains("2 ranks").contains("rank 1 280.6 ms")
                .contains("rank 0 211.6 ms");
        assertThat(f.examples().get(0)).contains("split_embedding_backward").contains("57.24 ms (2×) on rank 1")
                .contains("23.47 ms (2×) on rank 0");
        assertThat(f.recommendation()).contains("embedding tables");
        assertThat(f.recoverableNs()).isEqualTo(34_466_000L);
        assertThat(eval(ranks.get(0), ranks)).isEqualTo(f);
    }

    @Test
    void twoGpusOfFastVideoAreBalanced() {
        Trace t = TestData.load(FASTVIDEO);
        Finding f = eval(t, List.of(t));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).contains("0.9%").contains("2 GPUs").contains("259.0 ms").contains("256.6 ms");
    }

    @Test
    void singleGpuIsNotApplicable() throws Exception {
        Trace t = TestData.load(ExpertScenarios.healthy(tmp));
        assertThat(eval(t, List.of(t)).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    @Test
    void thresholdOverrideChangesTheOutcome() {
        Trace t = TestData.load(FASTVIDEO);
        Finding f = rule.evaluate(RuleContext.of(t), ThresholdValues.of(rule, Map.of("maxImbalancePct", 0.5)));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("0.9%");
        assertThat(f.recoverableNs()).isBetween(1_150_000L, 1_250_000L); // max − mean = (259.0 − 256.6 ms) / 2
    }
}
