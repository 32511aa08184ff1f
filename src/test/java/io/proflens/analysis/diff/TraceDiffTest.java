package io.proflens.analysis.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Diffs over real run pairs, checked against sums computed from the files by {@link IndependentSums}. */
class TraceDiffTest {
    private static final KernelClassifier KC = KernelClassifier.builtIn();

    private static Path kineto(String rel) {
        return TestData.root().resolve("kineto").resolve(rel);
    }

    private static final Path CONTROL = kineto("hta-trace-diff-torchrec-a100-vs-v100/control.json.gz");
    private static final Path TEST = kineto("hta-trace-diff-torchrec-a100-vs-v100/test.json.gz");
    private static final Path QWEN_H100 = kineto("tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
    private static final Path QWEN_MI300 = kineto("tl-mi300x-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
    private static final Path COMPARE = kineto("tl-mi300x-qwen1.5-0.5b-chat-infer/EXPECTED_compare_h100_vs_mi300_csvs");

    /** Every kernel name's count and time in A and B equals the independent sums; rows are exactly the differences. */
    private static void assertKernelRowsMatch(TraceDiff d, Map<String, long[]> a, Map<String, long[]> b) {
        assertThat(d.baseline().kernelTotalNs()).isEqualTo(IndependentSums.total(a));
        assertThat(d.candidate().kernelTotalNs()).isEqualTo(IndependentSums.total(b));
        assertThat(d.baseline().kernelCount()).isEqualTo(IndependentSums.count(a));
        assertThat(d.candidate().kernelCount()).isEqualTo(IndependentSums.count(b));
        Map<String, TraceDiff.Row> rows = new HashMap<>();
        for (TraceDiff.Row r : d.rows(DiffSection.KERNEL)) {
            rows.put(r.name(), r);
        }
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        int expectedRows = 0;
        for (String n : names) {
            long[] x = a.getOrDefault(n, new long[2]);
            long[] y = b.getOrDefault(n, new long[2]);
            boolean differs = x[0] != y[0] || x[1] != y[1];
            if (!differs) {
                assertThat(rows).doesNotContainKey(n);
                continue;
            }
            expectedRows++;
            TraceDiff.Row r = rows.get(n);
            assertThat(r).as(n).isNotNull();
            assertThat(new long[] {r.countA(), r.totalNsA(), r.countB(), r.totalNsB()}).as(n)
                    .containsExactly(x[0], x[1], y[0], y[1]);
            assertThat(r.deltaNs()).isEqualTo(y[1] - x[1]);
            assertThat(r.status()).isEqualTo(!a.containsKey(n) ? TraceDiff.Status.ADDED
                    : !b.containsKey(n) ? TraceDiff.Status.REMOVED : TraceDiff.Status.CHANGED);
            if (x[1] > 0) {
                assertThat(r.ratio()).isCloseTo((double) y[1] / x[1], within(1e-12));
            }
            assertThat(r.sharePctB() - r.sharePctA()).isCloseTo(100.0 * y[1] / IndependentSums.total(b)
                    - 100.0 * x[1] / IndependentSums.total(a), within(1e-9));
        }
        assertThat(d.rows(DiffSection.KERNEL)).hasSize(expectedRows);
        assertThat(d.rows(DiffSection.KERNEL)).isSortedAccordingTo(
                Comparator.comparingLong((TraceDiff.Row r) -> -Math.abs(r.deltaNs())).thenComparing(TraceDiff.Row::name));
    }

    @Test
    void torchrecA100VsV100MatchesTheFilesAndTheHtaNotebook() throws Exception {
        Trace a = TestData.load(CONTROL);
        Trace b = TestData.load(TEST);
        TraceDiff raw = TraceDiff.of(a, "control", b, "test", KC, KernelNameNormalizer.IDENTITY);
        assertKernelRowsMatch(raw, IndependentSums.kinetoKernels(CONTROL), IndependentSums.kinetoKernels(TEST));
        // HTA trace_diff_demo notebook: the V100 run adds magma_sgemmEx_kernel and drops the CUTLASS sm80 GEMMs
        assertThat(raw.rows(DiffSection.KERNEL)).filteredOn(r -> r.status() == TraceDiff.Status.ADDED)
                .extracting(TraceDiff.Row::name).anyMatch(n -> n.contains("magma_sgemmEx_kernel"));
        assertThat(raw.rows(DiffSection.KERNEL)).filteredOn(r -> r.status() == TraceDiff.Status.REMOVED)
                .extracting(TraceDiff.Row::name).anyMatch(n -> n.contains("cutlass_80_tensorop_s1688gemm_"));
        // ... and among operators: CompiledFunction / CompiledFunctionBackward added, aten::bmm deleted
        assertThat(raw.rows(DiffSection.OPERATOR)).filteredOn(r -> r.status() == TraceDiff.Status.ADDED)
                .extracting(TraceDiff.Row::name).contains("CompiledFunction", "CompiledFunctionBackward");
        assertThat(raw.rows(DiffSection.OPERATOR)).filteredOn(r -> r.status() == TraceDiff.Status.REMOVED)
                .extracting(TraceDiff.Row::name).contains("aten::bmm");

        // normalized: fewer keys, same totals; parts sum to the whole in every kernel-time section
        TraceDiff norm = TraceDiff.of(a, "control", b, "test", KC, KernelNameNormalizer.DEFAULT);
        assertThat(norm.section(DiffSection.KERNEL).keysB()).isLessThan(raw.section(DiffSection.KERNEL).keysB());
        for (DiffSection s : List.of(DiffSection.KERNEL, DiffSection.CATEGORY, DiffSection.OPERATOR)) {
            assertThat(norm.section(s).totalNsA()).as(s.id()).isEqualTo(IndependentSums.total(IndependentSums.kinetoKernels(CONTROL)));
            assertThat(norm.section(s).totalNsB()).as(s.id()).isEqualTo(norm.candidate().kernelTotalNs());
        }
        // the three volta_sgemm_128x32_* layouts of the V100 run stay apart (layout suffix differs)
        assertThat(norm.rows(DiffSection.KERNEL)).extracting(TraceDiff.Row::name)
                .contains("volta_sgemm_NxN_nn", "volta_sgemm_NxN_nt", "volta_sgemm_NxN_tn");
        // step count and per-step names: ProfilerStep#1009..1014 match as one key with six raw names per side
        TraceDiff.Row step = norm.rows(DiffSection.NVTX).stream().filter(r -> r.name().equals("ProfilerStep#N"))
                .findFirst().orElseThrow();
        assertThat(step.countA()).isEqualTo(6);
        assertThat(step.rawCountA()).isEqualTo(6);
    }

    /** TraceLens perf-report kernel_summary.csv: µs summed per value of column {@code key}. */
    private static Map<String, Double> traceLensSums(Path reportDir, String key) throws Exception {
        List<List<String>> csv = TestData.readCsv(reportDir.resolve("kernel_summary.csv"));
        List<String> h = csv.get(0);
        int k = h.indexOf(key);
        int sum = h.indexOf("Kernel duration (µs)_sum");
        Map<String, Double> m = new HashMap<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            m.merge(row.get(k), Double.parseDouble(row.get(sum)), Double::sum);
        }
        return m;
    }

    private static final Path H100_REPORT = kineto("tl-h100-qwen1.5-0.5b-chat-infer/EXPECTED_perf_report_csvs");
    private static final Path MI300_REPORT = kineto("tl-mi300x-qwen1.5-0.5b-chat-infer/EXPECTED_perf_report_csvs");

    @Test
    void qwenH100VsMi300MatchesTraceLens() throws Exception {
        TraceDiff d = TraceDiff.of(TestData.load(QWEN_H100), "h100", TestData.load(QWEN_MI300), "mi300", KC,
                KernelNameNormalizer.IDENTITY);
        // TraceLens perf reports (kernel_summary): kernel time per kernel name and per parent cpu_op, both runs
        int checked = 0;
        for (boolean b : new boolean[] {false, true}) {
            RunSummary run = b ? d.candidate() : d.baseline();
            Path report = b ? MI300_REPORT : H100_REPORT;
            Map<String, RunSummary.Entry> kernels = run.bySection(DiffSection.KERNEL);
            for (Map.Entry<String, Double> e : traceLensSums(report, "Kernel name").entrySet()) {
                assertThat(kernels.get(e.getKey())).as(e.getKey()).isNotNull();
                assertThat(kernels.get(e.getKey()).totalNs() / 1e3).as(e.getKey()).isCloseTo(e.getValue(), within(0.5));
                checked++;
            }
            Map<String, RunSummary.Entry> ops = run.bySection(DiffSection.OPERATOR);
            for (Map.Entry<String, Double> e : traceLensSums(report, "Parent cpu_op").entrySet()) {
                String op = e.getKey().isEmpty() ? RunSummary.NO_OPERATOR : e.getKey();
                assertThat(ops.get(op)).as(op).isNotNull();
                assertThat(ops.get(op).totalNs() / 1e3).as(op).isCloseTo(e.getValue(), within(0.5));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(40);
        // the published compare (compare_perf_reports ops_summary): aten::mul -2.2116 ms, aten::copy_ -1.9112 ms
        TraceDiff.Row mul = row(d, DiffSection.OPERATOR, "aten::mul");
        assertThat(mul.deltaNs() / 1e6).isCloseTo(-2.2116113281250005, within(5e-4));
        assertThat(mul.countA()).isEqualTo(220);
        assertThat(row(d, DiffSection.OPERATOR, "aten::copy_").deltaNs() / 1e6).isCloseTo(-1.9112404785156252,
                within(5e-4));
        // float-µs traces: the importer rounds start and end, the independent sum rounds dur: ≤ 1 ns apart each
        Map<String, long[]> a = IndependentSums.kinetoKernels(QWEN_H100);
        Map<String, long[]> b = IndependentSums.kinetoKernels(QWEN_MI300);
        assertThat((double) d.baseline().kernelTotalNs()).isCloseTo(IndependentSums.total(a),
                within((double) IndependentSums.count(a)));
        assertThat((double) d.candidate().kernelTotalNs()).isCloseTo(IndependentSums.total(b),
                within((double) IndependentSums.count(b)));
    }

    private static TraceDiff.Row row(TraceDiff d, DiffSection s, String name) {
        return d.rows(s).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no row " + name));
    }

    @Test
    void crossProducerNsysAgainstKinetoAndAgainstOtherNsys() throws Exception {
        Path fuser = TestData.fuser();
        Path wan = TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite");
        Path train = TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite");
        Trace f = TestData.load(fuser);
        for (Path other : List.of(wan, train)) {
            TraceDiff d = TraceDiff.of(f, "fuser", TestData.load(other), other.getFileName().toString(), KC,
                    KernelNameNormalizer.IDENTITY);
            assertKernelRowsMatch(d, IndependentSums.nsysKernels(fuser), IndependentSums.nsysKernels(other));
        }
        TraceDiff k = TraceDiff.of(f, "fuser", TestData.load(QWEN_H100), "qwen", KC, KernelNameNormalizer.IDENTITY);
        assertThat(k.baseline().kernelTotalNs()).isEqualTo(IndependentSums.total(IndependentSums.nsysKernels(fuser)));
        assertThat(k.rows(DiffSection.KERNEL)).isNotEmpty();
        // both runs are on an H100: nvjet/xmma GEMMs on both sides, so the GEMM category is compared, not added
        assertThat(k.rows(DiffSection.CATEGORY)).filteredOn(r -> r.name().equals("GEMM"))
                .extracting(TraceDiff.Row::status).containsExactly(TraceDiff.Status.CHANGED);
    }

    @Test
    void diffOfARunWithItselfIsEmpty() {
        List<Path> inputs = new ArrayList<>(List.of(TestData.fuser(), QWEN_MI300,
                TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite")));
        for (Path p : inputs) {
            Trace t = TestData.load(p);
            for (KernelNameNormalizer n : List.of(KernelNameNormalizer.DEFAULT, KernelNameNormalizer.IDENTITY)) {
                TraceDiff d = TraceDiff.of(t, "a", t, "a", KC, n);
                assertThat(d.isEmpty()).as(p.toString()).isTrue();
                assertThat(d.rows()).isEmpty();
                assertThat(d.sections()).allMatch(s -> s.added() == 0 && s.removed() == 0 && s.changed() == 0);
                assertThat(d.section(DiffSection.KERNEL).unchanged()).isPositive();
                assertThat(d.table(DiffSection.KERNEL).size()).isZero();
            }
        }
        // and a real pair is not
        Trace a = TestData.load(QWEN_H100);
        assertThat(TraceDiff.of(a, "a", TestData.load(QWEN_MI300), "b", KC, KernelNameNormalizer.DEFAULT).isEmpty())
                .isFalse();
    }
}
