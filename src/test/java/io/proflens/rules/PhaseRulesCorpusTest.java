package io.proflens.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.model.Trace;
import io.proflens.rules.comm.MoeDispatchCombineRule;
import io.proflens.rules.phases.IterationGapRule;
import io.proflens.rules.phases.PhaseImbalanceRule;
import io.proflens.rules.phases.WarmupOutliersRule;
import io.proflens.rules.ranks.LoadImbalanceRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the phase, MoE and rank rules over every real corpus file (nsys exports and Kineto traces): no rule throws,
 * none returns FAILED, and every finding is well formed.
 */
class PhaseRulesCorpusTest {
    static final List<Rule> RULES = List.of(new IterationGapRule(), new PhaseImbalanceRule(),
            new WarmupOutliersRule(), new MoeDispatchCombineRule(), new LoadImbalanceRule());

    static List<Path> corpus() {
        List<Path> files = new ArrayList<>(TestData.allNsysExports());
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".json.gz"))
                    .filter(p -> !p.getFileName().toString().contains("EXPECTED")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Test
    void everyRuleRunsOnEveryCorpusFile() {
        List<Path> files = corpus();
        assertThat(files).hasSizeGreaterThan(30);
        for (Path p : files) {
            Trace t = TestData.load(p);
            RuleContext ctx = RuleContext.of(t);
            for (Rule r : RULES) {
                Finding f = r.evaluate(ctx, ThresholdValues.defaults(r));
                String where = r.id() + " on " + TestData.root().relativize(p);
                assertThat(f.severity()).as(where).isNotEqualTo(Severity.FAILED);
                assertThat(f.ruleId()).as(where).isEqualTo(r.id());
                assertThat(f.summary()).as(where).isNotBlank();
                if (System.getenv("PHASERULES_PRINT") != null) {
                    System.out.println(where + " | " + f.severity().label() + " " + Math.round(f.score()) + " | "
                            + f.summary());
                }
            }
        }
    }

    @Test
    void multiRankCorpusGivesTheSameFindingOnEveryRank() throws IOException {
        for (String dir : List.of("param-dlrm-v100-8rank", "hta-sampled-ws128-encdec-fp8")) {
            List<Trace> ranks;
            try (Stream<Path> s = Files.list(TestData.root().resolve("kineto").resolve(dir))) {
                ranks = s.filter(p -> p.toString().endsWith(".json.gz")).sorted().map(TestData::load).toList();
            }
            for (Rule r : RULES) {
                List<Finding> perRank = new ArrayList<>();
                for (Trace t : ranks) {
                    RuleContext ctx = new RuleContext(t, ranks, io.proflens.analysis.classify.KernelClassifier.builtIn(),
                            RuleContext.Options.none());
                    perRank.add(r.evaluate(ctx, ThresholdValues.defaults(r)));
                }
                assertThat(perRank).as(r.id() + " on " + dir).allSatisfy(f ->
                        assertThat(f.severity()).isNotEqualTo(Severity.FAILED));
                if (r instanceof LoadImbalanceRule) {
                    assertThat(perRank).as(dir).allMatch(f -> f.equals(perRank.get(0)));
                }
            }
        }
    }
}
