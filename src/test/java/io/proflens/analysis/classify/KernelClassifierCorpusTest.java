package io.proflens.analysis.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in rules against every distinct kernel name of the shared corpus. */
class KernelClassifierCorpusTest {
    /** Names that are communication whatever else they mention. */
    private static final Pattern COMMUNICATION_NAME = Pattern.compile(
            "nccl|all_reduce|allreduce|all_gather|allgather|reduce_scatter|alltoall|all_to_all|multimem"
                    + "|cross_device_reduce|two_shot|one_shot_all_reduce|sendrecv|deep_ep\\S*(?:dispatch|combine)",
            Pattern.CASE_INSENSITIVE);

    private static Map<String, String> names;
    private static final KernelClassifier CLASSIFIER = KernelClassifier.builtIn();

    @BeforeAll
    static void load() {
        names = CorpusKernelNames.all();
    }

    @Test
    void corpusHasKernelNamesFromAllThreeSources() {
        assertThat(names).hasSizeGreaterThan(800);
        assertThat(names.values()).anyMatch(s -> s.endsWith(".sqlite"))
                .anyMatch(s -> s.endsWith(".csv"))
                .anyMatch(s -> s.endsWith(".json.gz"));
    }

    @Test
    void everyNameClassifies() {
        for (String n : names.keySet()) {
            Classification c = CLASSIFIER.classify(n);
            assertThat(c).as(n).isNotNull();
            assertThat(c.category()).as(n).isNotNull();
            assertThat(CLASSIFIER.explainAll(n).get(0)).as(n).isEqualTo(c);
            if (c.category() != KernelCategory.GEMM) {
                assertThat(c.tileShape()).as(n).isNull();
            }
        }
    }

    @Test
    void noCommunicationKernelCountsAsCompute() {
        List<String> comm = names.keySet().stream().filter(n -> COMMUNICATION_NAME.matcher(n).find()).toList();
        assertThat(comm).as("the corpus has communication kernels").hasSizeGreaterThanOrEqualTo(5);
        for (String n : comm) {
            Classification c = CLASSIFIER.classify(n);
            assertThat(c.category()).as(n + "\n" + CLASSIFIER.explain(n)).isEqualTo(KernelCategory.COMMUNICATION);
            assertThat(c.category().isCompute()).isFalse();
        }
    }

    @Test
    void otherShareStaysSmallAndReportIsWritten() throws IOException {
        Map<KernelCategory, Integer> counts = new EnumMap<>(KernelCategory.class);
        List<String> other = new ArrayList<>();
        for (String n : names.keySet()) {
            KernelCategory c = CLASSIFIER.classify(n).category();
            counts.merge(c, 1, Integer::sum);
            if (c == KernelCategory.OTHER) {
                other.add(n);
            }
        }
        double share = other.size() / (double) names.size();
        StringBuilder sb = new StringBuilder();
        sb.append("distinct kernel names: ").append(names.size()).append('\n');
        sb.append("rules: ").append(CLASSIFIER.ruleCount()).append('\n');
        for (KernelCategory c : KernelCategory.values()) {
            sb.append(String.format(Locale.ROOT, "%-14s %5d%n", c.label(), counts.getOrDefault(c, 0)));
        }
        sb.append(String.format(Locale.ROOT, "OTHER share: %.1f%%%n", 100 * share));
        sb.append("left in OTHER:\n");
        for (String n : other) {
            sb.append("  ").append(n.length() > 160 ? n.substring(0, 160) + "..." : n).append('\n');
        }
        Path report = buildDir().resolve("kernel-classification-report.txt");
        Files.writeString(report, sb.toString(), StandardCharsets.UTF_8);
        System.out.println(sb);
        assertThat(share).as(sb.toString()).isLessThan(0.15);
        for (KernelCategory c : List.of(KernelCategory.GEMM, KernelCategory.ATTENTION, KernelCategory.COMMUNICATION,
                KernelCategory.ELEMENTWISE, KernelCategory.COPY, KernelCategory.REDUCTION,
                KernelCategory.NORMALIZATION, KernelCategory.ACTIVATION, KernelCategory.SOFTMAX,
                KernelCategory.EMBEDDING, KernelCategory.OPTIMIZER)) {
            assertThat(counts.getOrDefault(c, 0)).as(c.label()).isPositive();
        }
    }

    /** The Maven build directory (whatever -DbuildDir says): the parent of test-classes. */
    private static Path buildDir() {
        try {
            Path classes = Path.of(KernelClassifierCorpusTest.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return classes.getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
