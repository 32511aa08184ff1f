package io.proflens.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers each {@link ExpertScenarios} fixture promises, computed with the existing nsys stats reports
 * (osrt_sum, cuda_api_sum, nvtx_sum, cuda_gpu_mem_size_sum) or straight from the imported tables, never with the
 * analyses the fixtures are meant to test.
 */
class ExpertScenariosTest {
    @TempDir
    Path dir;

    private final StatsReportRegistry registry = new StatsReportRegistry();

    @Test
    void cpuThreadPoolSleepsExactly192SecondsIn179993Calls() throws IOException {
        Trace t = TestData.load(ExpertScenarios.cpuThreadPool(dir));

        ResultTable osrt = run("osrt_sum", t);
        Object[] sleep = row(osrt, "Name", "nanosleep");
        assertThat(sleep[osrt.columnIndex("Num Calls")]).isEqualTo(179_993L);
        assertThat(sleep[osrt.columnIndex("Total Time")]).isEqualTo(192_000_000_000L);
        double avgNs = (Double) sleep[osrt.columnIndex("Avg")];
        assertThat(avgNs).isEqualTo(1_066_708.1);
        assertThat(String.format(Locale.ROOT, "%.4f ms", avgNs / 1e6)).isEqualTo("1.0667 ms");
        assertThat(String.format(Locale.ROOT, "%.2f ms", avgNs / 1e6)).isEqualTo("1.07 ms");
        assertThat(column(osrt, "Name").get(0)).isEqualTo("nanosleep");
        assertThat(column(osrt, "Name")).contains("pthread_cond_timedwait", "read", "write", "ioctl", "mmap");

        // 60 workers share the sleeps; the main thread never sleeps.
        Map<Long, Integer> sleepsByThread = new TreeMap<>();
        ApiCallTable os = t.osRuntime();
        for (int i = 0; i < os.size(); i++) {
            if (t.string(os.nameId(i)).equals("nanosleep")) {
                sleepsByThread.merge(os.globalTid(i), 1, Integer::sum);
            }
        }
        assertThat(sleepsByThread).hasSize(60);
        for (long tid : sleepsByThread.keySet()) {
            assertThat(t.threads().get(tid).name()).startsWith("pool-worker-");
        }
        assertThat(t.threads()).hasSize(61);
        assertThat(t.threads().values().stream().map(ThreadInfo::name).filter(n -> n.startsWith("pool-worker-")))
                .hasSize(60);

        ResultTable nvtx = run("nvtx_sum", t);
        assertThat(row(nvtx, "Range", ":lora_grad_step")[nvtx.columnIndex("Instances")]).isEqualTo(10L);
        assertThat(t.kernels().size()).isZero();
        assertThat(registry.get("cuda_api_sum").missingData(t)).isNotNull();
        // The steps cover the run: every worker call lies between the first step's start and the last step's end.
        long[] steps = rangeBounds(t, "lora_grad_step");
        for (int i = 0; i < os.size(); i++) {
            assertThat(os.startNs(i)).isGreaterThanOrEqualTo(steps[0]);
            assertThat(os.endNs(i)).isLessThanOrEqualTo(steps[1]);
        }
    }

    @Test
    void nvtxPhasesHaveTheQuotedMeans() throws IOException {
        Trace t = TestData.load(ExpertScenarios.nvtxPhases(dir));
        ResultTable nvtx = run("nvtx_sum", t);
        double fwd = avg(nvtx, ":forward_only");
        double bwd = avg(nvtx, ":backward_only");
        double full = avg(nvtx, ":full_train_loop");
        assertThat(fwd).isEqualTo(131_500_000.0);
        assertThat(bwd).isEqualTo(359_200_000.0);
        assertThat(full).isEqualTo(487_700_000.0);
        assertThat(String.format(Locale.ROOT, "%.2f", bwd / fwd)).isEqualTo("2.73");
        for (String r : List.of(":forward_only", ":backward_only", ":full_train_loop")) {
            Object[] row = row(nvtx, "Range", r);
            assertThat(row[nvtx.columnIndex("Instances")]).isEqualTo(5L);
            double mean = (Double) row[nvtx.columnIndex("Avg")];
            assertThat((Long) row[nvtx.columnIndex("Min")]).isGreaterThanOrEqualTo((long) mean - 1_000_000);
            assertThat((Long) row[nvtx.columnIndex("Max")]).isLessThanOrEqualTo((long) mean + 1_000_000);
        }
        // Each range launches kernels on stream 7 that run inside it.
        NvtxTable n = t.nvtx();
        KernelTable k = t.kernels();
        for (int i = 0; i < n.size(); i++) {
            int inside = 0;
            for (int j = 0; j < k.size(); j++) {
                if (k.startNs(j) >= n.startNs(i) && k.endNs(j) <= n.endNs(i)) {
                    inside++;
                    assertThat(k.streamId(j)).isEqualTo(7);
                }
            }
            assertThat(inside).as(t.string(n.textId(i))).isGreaterThanOrEqualTo(24);
        }
        assertThat(t.launchLinksOrCompute().unmatchedKernels()).isZero();
        ResultTable api = run("cuda_api_sum", t);
        assertThat(row(api, "Name", "cudaLaunchKernel")[api.columnIndex("Num Calls")]).isEqualTo(5L * (24 + 64 + 96));
    }

    @Test
    void multiGpuMoeMemcpyHasTheQuotedApiShares() throws IOException {
        Trace t = TestData.load(ExpertScenarios.multiGpuMoeMemcpy(dir));
        ResultTable api = run("cuda_api_sum", t);
        assertThat(column(api, "Name")).containsExactly("cudaLaunchKernel", "cudaMemcpy", "cudaDeviceSynchronize");
        Object[] memcpy = row(api, "Name", "cudaMemcpy");
        assertThat(memcpy[api.columnIndex("Time")]).isEqualTo(38.7);
        assertThat(memcpy[api.columnIndex("Num Calls")]).isEqualTo(5_416L);
        assertThat(row(api, "Name", "cudaDeviceSynchronize")[api.columnIndex("Time")]).isEqualTo(13.2);
        assertThat(row(api, "Name", "cudaLaunchKernel")[api.columnIndex("Time")]).isEqualTo(48.1);
        long total = 0;
        for (Object v : column(api, "Total Time")) {
            total += (Long) v;
        }
        assertThat(total).isEqualTo(210_000_000L);

        ResultTable size = run("cuda_gpu_mem_size_sum", t);
        for (String op : List.of("[CUDA memcpy Host-to-Device]", "[CUDA memcpy Device-to-Host]")) {
            Object[] r = row(size, "Operation", op);
            assertThat(r[size.columnIndex("Count")]).isEqualTo(2_708L);
            assertThat((Double) r[size.columnIndex("Avg")]).isEqualTo(24_576.0);
        }
        MemcpyTable m = t.memcpys();
        for (int i = 0; i < m.size(); i++) {
            int host = m.copyKind(i) == 1 ? m.srcKind(i) : m.dstKind(i);
            assertThat(host).as("pinned host memory").isEqualTo(1);
        }
        assertThat(t.devices()).hasSize(2);
        assertThat(distinct(t.kernels(), KernelTable::deviceId)).containsExactly(0, 1);
        assertThat(t.processes()).hasSize(1);
        assertThat(t.launchLinksOrCompute().unmatchedKernels()).isZero();
        assertThat(t.launchLinksOrCompute().unmatchedMemops()).isZero();
        KernelClassifier c = KernelClassifier.builtIn();
        assertThat(c.classify(ExpertScenarios.XMMA_GEMM).category()).isEqualTo(KernelCategory.GEMM);
        assertThat(c.classify(ExpertScenarios.NVJET_GEMM).category()).isEqualTo(KernelCategory.GEMM);
    }

    @Test
    void transformerTrainingTopKernelsAreSgemmInForwardAndCopyOverall() throws IOException {
        Trace t = TestData.load(ExpertScenarios.transformerTraining(dir));
        ResultTable nvtx = run("nvtx_sum", t);
        for (String r : List.of(":train_step", ":forward", ":backward", ":optimizer")) {
            assertThat(row(nvtx, "Range", r)[nvtx.columnIndex("Instances")]).as(r).isEqualTo(3L);
        }
        Map<String, Map<String, Long>> byRange = kernelTimeByLaunchRange(t, List.of("forward", "backward", "optimizer"));
        assertThat(top(byRange.get("forward"))).isEqualTo(ExpertScenarios.SGEMM_TN);
        Map<String, Long> fwdBwd = new HashMap<>(byRange.get("forward"));
        byRange.get("backward").forEach((k, v) -> fwdBwd.merge(k, v, Long::sum));
        assertThat(top(fwdBwd)).isEqualTo(ExpertScenarios.TORCH_COPY_KERNEL);
        assertThat(byRange.get("optimizer").keySet()).allMatch(k -> k.contains("multi_tensor_apply_kernel"));

        KernelTable k = t.kernels();
        int copies = 0;
        for (int i = 0; i < k.size(); i++) {
            assertThat(k.durationNs(i)).isBetween(2_000L, 8_000L);
            if (t.string(k.demangledNameId(i)).equals(ExpertScenarios.TORCH_COPY_KERNEL)) {
                copies++;
            }
        }
        assertThat(copies).isEqualTo(3 * (6 + 60));
        ApiCallTable api = t.cudaApi();
        for (int i = 0; i < api.size(); i++) {
            assertThat(api.durationNs(i)).isBetween(4_500L, 5_500L);
        }
        assertThat(t.launchLinksOrCompute().unmatchedKernels()).isZero();

        // Every kernel name classifies sensibly.
        KernelClassifier c = KernelClassifier.builtIn();
        Map<String, KernelCategory> expected = new TreeMap<>();
        for (int i = 0; i < k.size(); i++) {
            String name = t.string(k.demangledNameId(i));
            expected.put(name, expectedCategory(name));
        }
        for (Map.Entry<String, KernelCategory> e : expected.entrySet()) {
            assertThat(c.classify(e.getKey()).category()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(expected).containsEntry(ExpertScenarios.TORCH_COPY_KERNEL, KernelCategory.COPY);
        assertThat(new TreeSet<>(expected.values())).contains(KernelCategory.GEMM, KernelCategory.COPY,
                KernelCategory.SOFTMAX, KernelCategory.ELEMENTWISE, KernelCategory.REDUCTION, KernelCategory.ACTIVATION,
                KernelCategory.OPTIMIZER);
    }

    @Test
    void decodeRanksIdleExactly1Point3MsBetweenForwards() throws IOException {
        List<Path> files = ExpertScenarios.decodeRanks(dir, 4);
        assertThat(files).hasSize(4);
        List<Integer> pids = new ArrayList<>();
        for (int rank = 0; rank < files.size(); rank++) {
            Trace t = TestData.load(files.get(rank));
            KernelTable k = t.kernels();
            assertThat(distinct(k, KernelTable::deviceId)).containsExactly(rank);
            assertThat(t.devices()).extracting(d -> d.id()).containsExactly(rank);
            pids.add(GlobalIds.pid(k.globalPid(0)));
            ResultTable nvtx = run("nvtx_sum", t);
            assertThat(row(nvtx, "Range", ":forward")[nvtx.columnIndex("Instances")]).isEqualTo(12L);
            assertThat(row(nvtx, "Range", ":sampling")[nvtx.columnIndex("Instances")]).isEqualTo(12L);

            // Kernels grouped by the forward whose range contains their launch.
            List<long[]> forwards = ranges(t, "forward");
            List<long[]> gpu = new ArrayList<>(); // per forward: first start, last end, busy ns, count
            Map<Integer, Integer> launchForward = launchesIn(t, forwards);
            for (int f = 0; f < forwards.size(); f++) {
                gpu.add(new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
            }
            for (int i = 0; i < k.size(); i++) {
                int f = launchForward.getOrDefault(k.correlationId(i), -1);
                assertThat(f).as("kernel launched inside a forward").isNotNegative();
                long[] g = gpu.get(f);
                g[0] = Math.min(g[0], k.startNs(i));
                g[1] = Math.max(g[1], k.endNs(i));
                g[2] += k.durationNs(i);
                g[3]++;
            }
            for (int f = 0; f < gpu.size(); f++) {
                long[] g = gpu.get(f);
                assertThat(g[3]).isEqualTo(40);
                assertThat(g[2]).isBetween(3_800_000L, 4_200_000L);
                assertThat(g[1] - g[0]).as("back-to-back").isLessThan(g[2] + 100_000);
                if (f > 0) {
                    assertThat(g[0] - gpu.get(f - 1)[1]).isEqualTo(ExpertScenarios.DECODE_IDLE_NS);
                }
            }
            // Between forwards no kernel runs: the idle gap is the gap between consecutive kernels.
            long[] starts = new long[k.size()];
            for (int i = 0; i < k.size(); i++) {
                starts[i] = k.startNs(i);
            }
            assertThat(isSorted(starts)).isTrue();
            ResultTable api = run("cuda_api_sum", t);
            assertThat(row(api, "Name", "cudaStreamSynchronize")[api.columnIndex("Num Calls")]).isEqualTo(12L);
        }
        assertThat(new TreeSet<>(pids)).hasSize(4);
    }

    @Test
    void healthyIsBusyStableAndLaunchesAhead() throws IOException {
        Trace t = TestData.load(ExpertScenarios.healthy(dir));
        KernelTable k = t.kernels();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long busy = 0;
        long prevEnd = Long.MIN_VALUE;
        for (int i = 0; i < k.size(); i++) { // one stream, rows in time order: the union is the sum
            assertThat(k.startNs(i)).isGreaterThanOrEqualTo(prevEnd);
            first = Math.min(first, k.startNs(i));
            last = Math.max(last, k.endNs(i));
            busy += k.durationNs(i);
            prevEnd = k.endNs(i);
        }
        assertThat((double) busy / (last - first)).isGreaterThan(0.95);

        ResultTable nvtx = run("nvtx_sum", t);
        Object[] step = row(nvtx, "Range", ":step");
        assertThat(step[nvtx.columnIndex("Instances")]).isEqualTo(10L);
        assertThat((Double) step[nvtx.columnIndex("StdDev")] / (Double) step[nvtx.columnIndex("Avg")]).isLessThan(0.01);

        assertThat(registry.get("osrt_sum").missingData(t)).isNotNull();
        ResultTable api = run("cuda_api_sum", t);
        assertThat(column(api, "Name")).noneMatch(n -> ((String) n).contains("Synchronize"));
        MemcpyTable m = t.memcpys();
        assertThat(m.size()).isEqualTo(10);
        for (int i = 0; i < m.size(); i++) {
            assertThat(m.bytes(i)).isEqualTo(64L << 20);
            assertThat(m.srcKind(i)).isEqualTo(1);
        }
        // Launch-to-start delay: the median kernel starts milliseconds after its launch returned.
        Map<Integer, Long> launchEnd = new HashMap<>();
        ApiCallTable a = t.cudaApi();
        for (int i = 0; i < a.size(); i++) {
            launchEnd.put(a.correlationId(i), a.endNs(i));
        }
        long[] delay = new long[k.size()];
        for (int i = 0; i < k.size(); i++) {
            delay[i] = k.startNs(i) - launchEnd.get(k.correlationId(i));
        }
        Arrays.sort(delay);
        assertThat(delay[0]).isPositive();
        assertThat(delay[delay.length / 2]).isGreaterThan(1_000_000L);
    }

    @Test
    void scenariosAreDeterministic() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        assertThat(Files.readAllBytes(ExpertScenarios.transformerTraining(a)))
                .isEqualTo(Files.readAllBytes(ExpertScenarios.transformerTraining(b)));
        assertThat(Files.readAllBytes(ExpertScenarios.healthy(a)))
                .isEqualTo(Files.readAllBytes(ExpertScenarios.healthy(b)));
    }

    private static KernelCategory expectedCategory(String name) {
        if (name.startsWith("ampere_sgemm")) {
            return KernelCategory.GEMM;
        }
        if (name.contains("direct_copy_kernel_cuda") || name.contains("CatArrayBatchedCopy")) {
            return KernelCategory.COPY;
        }
        if (name.contains("SoftMax")) {
            return KernelCategory.SOFTMAX;
        }
        if (name.contains("silu")) {
            return KernelCategory.ACTIVATION;
        }
        if (name.contains("multi_tensor_apply_kernel")) {
            return KernelCategory.OPTIMIZER;
        }
        if (name.contains("reduce_kernel") || name.contains("nll_loss")) {
            return KernelCategory.REDUCTION;
        }
        if (name.contains("vectorized_elementwise_kernel")) {
            return KernelCategory.ELEMENTWISE;
        }
        throw new AssertionError("unexpected kernel " + name);
    }

    /** Kernel GPU time by demangled name, per NVTX range text, a kernel counted where its launch call started. */
    private static Map<String, Map<String, Long>> kernelTimeByLaunchRange(Trace t, List<String> names) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (String name : names) {
            Map<Integer, Integer> in = launchesIn(t, ranges(t, name));
            Map<String, Long> time = new HashMap<>();
            KernelTable k = t.kernels();
            for (int i = 0; i < k.size(); i++) {
                if (in.containsKey(k.correlationId(i))) {
                    time.merge(t.string(k.demangledNameId(i)), k.durationNs(i), Long::sum);
                }
            }
            out.put(name, time);
        }
        return out;
    }

    /** @return correlation id → index of the range (in {@code ranges}) containing the API call's start */
    private static Map<Integer, Integer> launchesIn(Trace t, List<long[]> ranges) {
        Map<Integer, Integer> out = new HashMap<>();
        ApiCallTable a = t.cudaApi();
        for (int i = 0; i < a.size(); i++) {
            for (int r = 0; r < ranges.size(); r++) {
                if (a.startNs(i) >= ranges.get(r)[0] && a.startNs(i) <= ranges.get(r)[1]) {
                    out.put(a.correlationId(i), r);
                }
            }
        }
        return out;
    }

    /** @return [start, end] of every push/pop range with this text, by start */
    private static List<long[]> ranges(Trace t, String text) {
        List<long[]> out = new ArrayList<>();
        NvtxTable n = t.nvtx();
        for (int i = 0; i < n.size(); i++) {
            if (n.eventType(i) == NvtxTable.PUSH_POP && text.equals(t.string(n.textId(i)))) {
                out.add(new long[] {n.startNs(i), n.endNs(i)});
            }
        }
        out.sort((x, y) -> Long.compare(x[0], y[0]));
        return out;
    }

    private static long[] rangeBounds(Trace t, String text) {
        List<long[]> r = ranges(t, text);
        return new long[] {r.get(0)[0], r.get(r.size() - 1)[1]};
    }

    private static String top(Map<String, Long> timeByName) {
        return timeByName.entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }

    private static boolean isSorted(long[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] < a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    private static List<Integer> distinct(KernelTable k, java.util.function.BiFunction<KernelTable, Integer, Integer> f) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = 0; i < k.size(); i++) {
            s.add(f.apply(k, i));
        }
        return List.copyOf(s);
    }

    private double avg(ResultTable nvtx, String range) {
        return (Double) row(nvtx, "Range", range)[nvtx.columnIndex("Avg")];
    }

    private ResultTable run(String report, Trace t) {
        StatsReport r = registry.get(report);
        assertThat(r.missingData(t)).as(report).isNull();
        return r.compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
    }

    private static List<Object> column(ResultTable t, String label) {
        int c = t.columnIndex(label);
        assertThat(c).as("column %s", label).isNotNegative();
        List<Object> out = new ArrayList<>();
        for (Object[] r : t.rows()) {
            out.add(r[c]);
        }
        return out;
    }

    private static Object[] row(ResultTable t, String label, String value) {
        int c = t.columnIndex(label);
        for (Object[] r : t.rows()) {
            if (value.equals(r[c])) {
                return r;
            }
        }
        throw new AssertionError("no row " + label + " = " + value + " in " + t.reportName());
    }
}
