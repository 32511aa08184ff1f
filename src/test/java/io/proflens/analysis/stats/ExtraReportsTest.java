package io.proflens.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.proflens.analysis.ResultTable;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GpuActivityTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The reports of {@link ExtraReports} over the real exports under {@code ../shared/data/nsys}: invariants
 * that tie them to the tables and to the finished summaries, the counts of nsys-reference.md §7.7, and the
 * SKIPPED/compute contract on every export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtraReportsTest {
    private static final Path DATA = Path.of("..", "shared", "data", "nsys");
    private static final String FUSER = "fuser-hopper-matmul-h100/report1.sqlite";
    private static final String TRAIN = "nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite";
    private static final String WAN = "nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite";

    private final Map<Path, Trace> traces = new HashMap<>();
    private final StatsReportRegistry registry = new StatsReportRegistry();

    private Trace trace(Path p) {
        return traces.computeIfAbsent(p, x -> {
            try {
                return new TraceImporter().read(x, ImportOptions.all(), ProgressListener.NONE);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + x, e);
            }
        });
    }

    private Trace trace(String rel) {
        return trace(DATA.resolve(rel));
    }

    private List<Path> exports() throws IOException {
        try (Stream<Path> s = Files.walk(DATA)) {
            return s.filter(p -> p.toString().endsWith(".sqlite")).sorted().toList();
        }
    }

    private static StatsContext ctx(Trace t, String... args) {
        return new StatsContext(List.of(args), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata()));
    }

    private ResultTable run(String report, Trace t, String... args) {
        StatsReport r = registry.get(report);
        assertThat(r).as(report).isNotNull();
        assertThat(r.missingData(t)).as("%s on %s", report, t.metadata().sourcePath()).isNull();
        return r.compute(t, ctx(t, args));
    }

    private static List<Object> column(ResultTable t, String label) {
        int c = t.columnIndex(label);
        assertThat(c).as("column %s of %s", label, t.reportName()).isGreaterThanOrEqualTo(0);
        List<Object> out = new ArrayList<>(t.size());
        for (Object[] row : t.rows()) {
            out.add(row[c]);
        }
        return out;
    }

    private static long longAt(ResultTable t, int row, String label) {
        return ((Number) t.cell(row, t.columnIndex(label))).longValue();
    }

    private static long sumLong(ResultTable t, String label) {
        long s = 0;
        for (Object v : column(t, label)) {
            s += ((Number) v).longValue();
        }
        return s;
    }

    @Test
    void registryListsTheExtraReportsInOrder() {
        List<String> names = ExtraReports.all().stream().map(StatsReport::name).toList();
        assertThat(names).containsExactly("cuda_gpu_sum", "cuda_api_gpu_sum", "cuda_kern_exec_sum",
                "cuda_kern_exec_trace", "cuda_gpu_trace", "cuda_api_trace", "nvtx_pushpop_trace", "nvtx_gpu_proj_sum",
                "nvtx_gpu_proj_trace", "nvtx_kern_sum");
        for (String n : names) {
            assertThat(registry.get(n)).isNotNull();
        }
        assertThat(registry.get("cuda_gpu_trace").needsLaunchConfig(List.of())).isTrue();
        assertThat(registry.get("cuda_kern_exec_trace").needsLaunchConfig(List.of())).isTrue();
        assertThat(registry.get("cuda_gpu_sum").acceptedArgs()).containsExactlyInAnyOrder("base", "mangled");
    }

    @Test
    void everyReportComputesOrSkipsOnEveryExport() throws IOException {
        List<Path> files = exports();
        assertThat(files).hasSize(10);
        for (Path p : files) {
            Trace t = trace(p);
            for (StatsReport r : ExtraReports.all()) {
                String miss = r.missingData(t);
                if (miss != null) {
                    assertThat(miss).as("%s on %s", r.name(), p).startsWith("does not contain ").endsWith(".");
                    continue;
                }
                for (String arg : new String[] {null, "base", "mangled"}) {
                    if (arg != null && !r.acceptedArgs().contains(arg)) {
                        continue;
                    }
                    ResultTable res = arg == null ? r.compute(t, ctx(t)) : r.compute(t, ctx(t, arg));
                    List<String> args = arg == null ? List.of() : List.of(arg);
                    ResultTable implicitNaming = r.compute(t, new StatsContext(args, TraceFilter.NONE, null));
                    assertThat(implicitNaming.size()).isEqualTo(res.size());
                    for (int row = 0; row < res.size(); row++) {
                        assertThat(implicitNaming.rows().get(row)).containsExactly(res.rows().get(row));
                    }
                    assertThat(res.reportName()).isEqualTo(r.name());
                    assertThat(res.title()).isEqualTo(r.title());
                    for (Object[] row : res.rows()) {
                        for (Object cell : row) {
                            assertThat(cell == null || cell instanceof Long || cell instanceof Double
                                    || cell instanceof String).as("cell type in %s", r.name()).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void skippedReasonsFollowTheTables() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            boolean nvtx = t.nvtx().present();
            assertThat(registry.get("nvtx_pushpop_trace").missingData(t))
                    .isEqualTo(nvtx ? null : "does not contain NV Tools Extension (NVTX) data.");
            assertThat(registry.get("nvtx_gpu_proj_trace").missingData(t))
                    .isEqualTo(nvtx ? null : "does not contain NV Tools Extension (NVTX) data.");
            assertThat(registry.get("nvtx_kern_sum").missingData(t))
                    .isEqualTo(nvtx ? null : "does not contain NV Tools Extension (NVTX) data.");
            // every export here has kernels and CUDA API calls
            assertThat(registry.get("cuda_kern_exec_sum").missingData(t)).isNull();
            assertThat(registry.get("cuda_gpu_trace").missingData(t)).isNull();
        }
    }

    @Test
    void gpuSumIsTheUnionOfKernelAndMemOpSummaries() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            ResultTable gpu = run("cuda_gpu_sum", t);
            ResultTable kern = run("cuda_gpu_kern_sum", t);
            long expected = sumLong(kern, "Total Time");
            long expectedCount = sumLong(kern, "Instances");
            if (registry.get("cuda_gpu_mem_time_sum").missingData(t) == null) {
                ResultTable mem = run("cuda_gpu_mem_time_sum", t);
                expected += sumLong(mem, "Total Time");
                expectedCount += sumLong(mem, "Count");
                assertThat(gpu.size()).isEqualTo(kern.size() + mem.size());
            }
            assertThat(sumLong(gpu, "Total Time")).as("total on %s", p).isEqualTo(expected);
            assertThat(sumLong(gpu, "Instances")).isEqualTo(expectedCount);
            assertPercentsAndOrder(gpu);
            for (Object c : column(gpu, "Category")) {
                assertThat(c).isIn("CUDA_KERNEL", "MEMORY_OPER");
            }
        }
    }

    @Test
    void apiGpuSumAddsTheApiSummary() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            ResultTable all = run("cuda_api_gpu_sum", t);
            long expected = sumLong(run("cuda_gpu_sum", t), "Total Time") + sumLong(run("cuda_api_sum", t), "Total Time");
            assertThat(sumLong(all, "Total Time")).as("total on %s", p).isEqualTo(expected);
            assertPercentsAndOrder(all);
        }
        ResultTable fuser = run("cuda_api_gpu_sum", trace(FUSER));
        int i = column(fuser, "Operation").indexOf("cudaLaunchKernel");
        assertThat(i).isGreaterThanOrEqualTo(0);
        assertThat(fuser.cell(i, fuser.columnIndex("Category"))).isEqualTo("CUDA_API");
        assertThat(longAt(fuser, i, "Total Time")).isEqualTo(60848371L);
        assertThat(longAt(fuser, i, "Instances")).isEqualTo(17L);
        assertThat(column(fuser, "Operation")).doesNotContain("cudaLaunchKernel_v7000")
                .contains("cudaStreamIsCapturing_v10000");
    }

    private static void assertPercentsAndOrder(ResultTable t) {
        if (t.size() == 0) {
            return;
        }
        double pct = 0;
        for (Object v : column(t, "Time")) {
            pct += (Double) v;
        }
        assertThat(pct).as("percent sum of %s", t.reportName()).isCloseTo(100.0, within(0.05 * t.size() + 0.01));
        List<Object> totals = column(t, "Total Time");
        for (int i = 1; i < totals.size(); i++) {
            assertThat((Long) totals.get(i)).isLessThanOrEqualTo((Long) totals.get(i - 1));
        }
    }

    @Test
    void kernExecOnFuserMatchesEveryKernelWithItsLaunch() {
        Trace t = trace(FUSER);
        ResultTable tr = run("cuda_kern_exec_trace", t);
        assertThat(tr.size()).isEqualTo(19).isEqualTo(launchedKernels(t));
        assertKernExecInvariants(t, tr);
        ResultTable sum = run("cuda_kern_exec_sum", t);
        assertThat(sum.size()).isEqualTo(15);
        assertThat(sumLong(sum, "Count")).isEqualTo(19L);
        long qcount = 0;
        for (Object q : column(tr, "Queue Dur")) {
            qcount += q == null ? 0 : 1;
        }
        assertThat(sumLong(sum, "QCount")).isEqualTo(qcount);
        List<Object> tavg = column(sum, "TAvg");
        for (int i = 1; i < tavg.size(); i++) {
            assertThat((Double) tavg.get(i)).isLessThanOrEqualTo((Double) tavg.get(i - 1));
        }
        // nvFuser's own kernel goes through the driver API
        int i = column(tr, "Kernel Name").indexOf(column(tr, "Kernel Name").stream()
                .filter(n -> ((String) n).contains("nvfuser_none_f0_c0_r0_g0")).findFirst().orElseThrow());
        assertThat(tr.cell(i, tr.columnIndex("API Function"))).isEqualTo("cuLaunchKernel");
        assertThat(tr.cell(i, tr.columnIndex("GridXYZ"))).isEqualTo("   8   16    1");
        assertThat(tr.cell(i, tr.columnIndex("BlockXYZ"))).isEqualTo(" 128    3    1");
    }

    @Test
    void kernExecJoinIsProcessScoped() {
        Trace t = trace(TRAIN);
        ResultTable tr = run("cuda_kern_exec_trace", t);
        assertThat(tr.size()).isEqualTo(3986).isEqualTo(launchedKernels(t));
        assertThat(t.kernels().size()).isEqualTo(4010);
        assertKernExecInvariants(t, tr);
        assertThat(sumLong(run("cuda_kern_exec_sum", t), "Count")).isEqualTo(3986L);
        Trace wan = trace(WAN);
        assertThat(run("cuda_kern_exec_trace", wan).size()).isEqualTo(1632).isEqualTo(launchedKernels(wan));
    }

    private static int launchedKernels(Trace t) {
        LaunchLinks l = t.launchLinksOrCompute();
        int n = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            n += l.kernelApiRow(i) >= 0 ? 1 : 0;
        }
        return n;
    }

    private static void assertKernExecInvariants(Trace t, ResultTable tr) {
        List<Object> apiStart = column(tr, "API Start");
        for (int r = 0; r < tr.size(); r++) {
            if (r > 0) {
                assertThat((Long) apiStart.get(r)).isGreaterThanOrEqualTo((Long) apiStart.get(r - 1));
            }
            Object q = tr.cell(r, tr.columnIndex("Queue Dur"));
            Object qs = tr.cell(r, tr.columnIndex("Queue Start"));
            long as = longAt(tr, r, "API Start");
            long ad = longAt(tr, r, "API Dur");
            long ks = longAt(tr, r, "Kernel Start");
            long kd = longAt(tr, r, "Kernel Dur");
            if (q != null) {
                assertThat((Long) q).isNotNegative().isEqualTo(ks - (as + ad));
                assertThat(qs).isEqualTo(as + ad);
            } else {
                assertThat(ks).isLessThan(as + ad);
                assertThat(qs).isNull();
            }
            assertThat(longAt(tr, r, "Total Dur")).isEqualTo(Math.max(as + ad, ks + kd) - as);
        }
    }

    @Test
    void gpuTraceHasEveryGpuRowInStartOrder() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            ResultTable tr = run("cuda_gpu_trace", t);
            assertThat(tr.size()).as("rows on %s", p)
                    .isEqualTo(t.kernels().size() + t.memcpys().size() + t.memsets().size());
            assertSortedBy(tr, "Start");
            int bytes = tr.columnIndex("Bytes");
            int dur = tr.columnIndex("Duration");
            int thr = tr.columnIndex("Throughput");
            int grid = tr.columnIndex("GrdX");
            for (Object[] row : tr.rows()) {
                if (row[bytes] == null) { // kernel
                    assertThat(row[grid]).isNotNull();
                    assertThat(row[thr]).isNull();
                } else {
                    assertThat(row[grid]).isNull();
                    long d = (Long) row[dur];
                    if (d > 0) {
                        assertThat(row[thr]).isEqualTo((Long) row[bytes] * (1_000_000_000L / d));
                    }
                }
                assertThat(row[tr.columnIndex("GreenCtx")]).isNull();
            }
        }
        assertThat(column(run("cuda_gpu_trace", trace(FUSER)), "Device")).containsOnly("NVIDIA H100 80GB HBM3 (0)");
        assertThat(column(run("cuda_gpu_trace", trace(TRAIN)), "Device")).allMatch(d -> ((String) d).matches(" \\(\\d+\\)"));
        assertThat(column(run("cuda_gpu_trace", trace(FUSER)), "Name")).contains("[CUDA memcpy Device-to-Host]", "[CUDA memset]");
    }

    @Test
    void apiTraceHasEveryCallInStartOrder() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            ResultTable tr = run("cuda_api_trace", t);
            assertThat(tr.size()).isEqualTo(t.cudaApi().size());
            assertSortedBy(tr, "Start");
        }
        ResultTable fuser = run("cuda_api_trace", trace(FUSER));
        assertThat(column(fuser, "Name")).contains("cudaLaunchKernel", "cudaGetDeviceProperties_v2_v12000")
                .doesNotContain("cudaLaunchKernel_v7000");
        assertThat(column(fuser, "Thread Name")).contains("test_matmul");
    }

    private static void assertSortedBy(ResultTable t, String label) {
        List<Object> v = column(t, label);
        for (int i = 1; i < v.size(); i++) {
            assertThat((Long) v.get(i)).as("%s row %d", t.reportName(), i).isGreaterThanOrEqualTo((Long) v.get(i - 1));
        }
    }

    @Test
    void pushPopTraceIsAConsistentForest() throws IOException {
        for (Path p : exports()) {
            Trace t = trace(p);
            if (!t.nvtx().present()) {
                continue;
            }
            NvtxTable nv = t.nvtx();
            ResultTable tr = run("nvtx_pushpop_trace", t);
            int pushPop = 0;
            for (int i = 0; i < nv.size(); i++) {
                pushPop += nv.isPushPop(i) ? 1 : 0;
            }
            assertThat(tr.size()).isEqualTo(pushPop);
            Map<Long, Object[]> byId = new HashMap<>();
            Map<Long, long[]> children = new HashMap<>(); // id -> {count, duration}
            int idCol = tr.columnIndex("RangeId");
            for (Object[] row : tr.rows()) {
                byId.put((Long) row[idCol], row);
            }
            for (int r = 0; r < tr.size(); r++) {
                Object[] row = tr.rows().get(r);
                long dur = longAt(tr, r, "Duration");
                assertThat(longAt(tr, r, "DurChild") + longAt(tr, r, "DurNonChild")).isEqualTo(dur);
                assertThat(longAt(tr, r, "End") - longAt(tr, r, "Start")).isEqualTo(dur);
                String name = (String) row[tr.columnIndex("Name")];
                assertThat(name).contains(":");
                long lvl = longAt(tr, r, "Lvl");
                assertThat(row[tr.columnIndex("NameTree")]).isEqualTo("--".repeat((int) lvl) + name);
                Object pid = row[tr.columnIndex("ParentId")];
                String stack = (String) row[tr.columnIndex("RangeStack")];
                if (pid == null) {
                    assertThat(lvl).isZero();
                    assertThat(stack).isEqualTo(":" + row[idCol]);
                    continue;
                }
                Object[] parent = byId.get((Long) pid);
                assertThat(parent).as("parent %s", pid).isNotNull();
                long ps = (Long) parent[tr.columnIndex("Start")];
                long pe = (Long) parent[tr.columnIndex("End")];
                assertThat(ps).isLessThanOrEqualTo(longAt(tr, r, "Start"));
                assertThat(pe).isGreaterThanOrEqualTo(longAt(tr, r, "End"));
                assertThat(parent[tr.columnIndex("TID")]).isEqualTo(row[tr.columnIndex("TID")]);
                assertThat(parent[tr.columnIndex("PID")]).isEqualTo(row[tr.columnIndex("PID")]);
                assertThat((Long) parent[tr.columnIndex("Lvl")]).isEqualTo(lvl - 1);
                assertThat(stack).isEqualTo(parent[tr.columnIndex("RangeStack")] + ":" + row[idCol]);
                long[] c = children.computeIfAbsent((Long) pid, k -> new long[2]);
                c[0]++;
                c[1] += dur;
            }
            for (int r = 0; r < tr.size(); r++) {
                long[] c = children.getOrDefault(longAt(tr, r, "RangeId"), new long[2]);
                assertThat(longAt(tr, r, "NumChild")).isEqualTo(c[0]);
                assertThat(longAt(tr, r, "DurChild")).isEqualTo(c[1]);
            }
            assertSortedBy(tr, "Start");
        }
    }

    @Test
    void pushPopParentIsTheTightestEnclosingRange() {
        Trace t = trace(FUSER);
        NvtxTable nv = t.nvtx();
        ResultTable tr = run("nvtx_pushpop_trace", t);
        for (int r = 0; r < tr.size(); r++) {
            int i = (int) longAt(tr, r, "RangeId") - 1;
            int best = -1;
            for (int p = 0; p < nv.size(); p++) {
                if (p != i && nv.isPushPop(p) && nv.globalTid(p) == nv.globalTid(i) && nv.startNs(p) <= nv.startNs(i)
                        && nv.endNs(p) >= nv.endNs(i)
                        && (best < 0 || nv.durationNs(p) < nv.durationNs(best))) {
                    best = p;
                }
            }
            Object parent = tr.cell(r, tr.columnIndex("ParentId"));
            assertThat(parent).as("range %d", i + 1).isEqualTo(best < 0 ? null : (Object) (long) (best + 1));
        }
        // ground truth of the Fuser log: one :KernelExecutor::compileFusion range of 346690728 ns
        int name = tr.columnIndex("Name");
        assertThat(tr.rows().stream().filter(row -> ":KernelExecutor::compileFusion".equals(row[name])).count()).isEqualTo(1);
    }

    @Test
    void gpuProjectionMatchesABruteForceProjection() {
        for (String rel : new String[] {TRAIN, WAN, FUSER}) {
            Trace t = trace(rel);
            ResultTable tr = run("nvtx_gpu_proj_trace", t);
            assertThat(tr.size()).isPositive();
            NvtxTable nv = t.nvtx();
            ApiCallTable api = t.cudaApi();
            // per launching call: first op start, last op end
            Map<Integer, long[]> calls = new HashMap<>();
            LaunchLinks l = t.launchLinksOrCompute();
            collect(calls, t.kernels(), l, 0);
            collect(calls, t.memcpys(), l, 1);
            collect(calls, t.memsets(), l, 2);
            Map<Long, List<Integer>> callsByThread = new HashMap<>();
            for (Integer a : calls.keySet()) {
                callsByThread.computeIfAbsent(api.globalTid(a), k -> new ArrayList<>()).add(a);
            }
            long lastId = 0;
            for (int r = 0; r < tr.size(); r++) {
                long id = longAt(tr, r, "RangeId");
                assertThat(id).isGreaterThan(lastId); // nsys prints projection rows in RangeId order
                lastId = id;
                int i = (int) id - 1;
                long s = nv.startNs(i);
                long e = nv.endNs(i);
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                int n = 0;
                for (int a : callsByThread.getOrDefault(nv.globalTid(i), List.of())) {
                    if (api.startNs(a) >= s && api.endNs(a) <= e) {
                        long[] op = calls.get(a);
                        first = Math.min(first, op[0]);
                        last = Math.max(last, op[1]);
                        n++;
                    }
                }
                assertThat(longAt(tr, r, "NumGPUOps")).as("range %d", id).isEqualTo(n);
                assertThat(longAt(tr, r, "Projected Start")).isEqualTo(first);
                assertThat(longAt(tr, r, "Projected Start") + longAt(tr, r, "Projected Duration")).isEqualTo(last);
                assertThat(longAt(tr, r, "Orig Start")).isEqualTo(s);
                assertThat(longAt(tr, r, "Orig Duration")).isEqualTo(e - s);
            }
            // the summary groups exactly these rows
            ResultTable sum = run("nvtx_gpu_proj_sum", t);
            assertThat(sumLong(sum, "Range Instances")).isEqualTo(tr.size());
            assertThat(sumLong(sum, "Total GPU Ops")).isEqualTo(sumLong(tr, "NumGPUOps"));
            assertThat(sumLong(sum, "Total Proj Time")).isEqualTo(sumLong(tr, "Projected Duration"));
            assertThat(sumLong(sum, "Total Range Time")).isEqualTo(sumLong(tr, "Orig Duration"));
            List<Object> totals = column(sum, "Total Proj Time");
            for (int k = 1; k < totals.size(); k++) {
                assertThat((Long) totals.get(k)).isLessThanOrEqualTo((Long) totals.get(k - 1));
            }
        }
    }

    /** Adds the ops of {@code table} (kernels: kind 0, memcpy 1, memset 2) to their launching call. */
    private static void collect(Map<Integer, long[]> calls, Object table, LaunchLinks l, int kind) {
        int n = kind == 0 ? ((KernelTable) table).size() : ((GpuActivityTable) table).size();
        for (int i = 0; i < n; i++) {
            int a = kind == 0 ? l.kernelApiRow(i) : kind == 1 ? l.memcpyApiRow(i) : l.memsetApiRow(i);
            if (a < 0) {
                continue;
            }
            long s = kind == 0 ? ((KernelTable) table).startNs(i) : ((GpuActivityTable) table).startNs(i);
            long e = kind == 0 ? ((KernelTable) table).endNs(i) : ((GpuActivityTable) table).endNs(i);
            long[] op = calls.computeIfAbsent(a, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            op[0] = Math.min(op[0], s);
            op[1] = Math.max(op[1], e);
        }
    }

    @Test
    void nvtxKernSumAccountsForEveryKernel() {
        for (String rel : new String[] {FUSER, TRAIN, WAN}) {
            Trace t = trace(rel);
            ResultTable sum = run("nvtx_kern_sum", t);
            KernelTable k = t.kernels();
            long outside = 0;
            long totalOutside = 0;
            int range = sum.columnIndex("NVTX Range");
            for (int r = 0; r < sum.size(); r++) {
                if (sum.cell(r, range) == null) {
                    outside += longAt(sum, r, "Kern Inst");
                    totalOutside += longAt(sum, r, "Total Time");
                    assertThat(longAt(sum, r, "NVTX Inst")).isZero();
                } else {
                    assertThat(longAt(sum, r, "NVTX Inst")).isPositive();
                    assertThat(sum.cell(r, sum.columnIndex("PID"))).isNotNull();
                }
                assertThat(longAt(sum, r, "Kern Inst")).isPositive();
            }
            // brute force: kernels whose launch lies in no range of its thread
            NvtxTable nv = t.nvtx();
            ApiCallTable api = t.cudaApi();
            LaunchLinks l = t.launchLinksOrCompute();
            long expectedOutside = 0;
            long expectedTime = 0;
            for (int i = 0; i < k.size(); i++) {
                int a = l.kernelApiRow(i);
                boolean inside = false;
                for (int p = 0; a >= 0 && p < nv.size() && !inside; p++) {
                    inside = (nv.isPushPop(p) || nv.isStartEnd(p)) && nv.globalTid(p) == api.globalTid(a)
                            && nv.startNs(p) <= api.startNs(a) && nv.endNs(p) >= api.endNs(a);
                }
                if (!inside) {
                    expectedOutside++;
                    expectedTime += k.durationNs(i);
                }
            }
            assertThat(outside).as("kernels outside ranges in %s", rel).isEqualTo(expectedOutside);
            assertThat(totalOutside).isEqualTo(expectedTime);
            // order: range name ascending with NULL first
            List<Object> names = column(sum, "NVTX Range");
            for (int r = 1; r < names.size(); r++) {
                assertThat(ReportText.compareText((String) names.get(r - 1), (String) names.get(r))).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void timeFilterKeepsOnlyOverlappingRows() {
        Trace t = trace(TRAIN);
        long[] span = t.spanNs();
        long mid = span[0] + (span[1] - span[0]) / 2;
        TraceFilter f = new TraceFilter(mid, span[1] + 1, 0, 0, "test");
        StatsContext c = new StatsContext(List.of(), f, NamingPolicy.forMetadata(t.metadata()));
        for (StatsReport r : ExtraReports.all()) {
            ResultTable all = r.compute(t, ctx(t));
            ResultTable part = r.compute(t, c);
            if (r.name().endsWith("_trace")) {
                assertThat(part.size()).as(r.name()).isLessThanOrEqualTo(all.size()).isPositive();
            }
        }
        ResultTable gpu = registry.get("cuda_gpu_trace").compute(t, c);
        for (int r = 0; r < gpu.size(); r++) {
            long s = longAt(gpu, r, "Start");
            assertThat(f.overlaps(s, s + longAt(gpu, r, "Duration"))).isTrue();
        }
    }

    @Test
    void textOrderIsCodePointOrder() {
        assertThat(ReportText.compareText(null, "a")).isNegative();
        assertThat(ReportText.compareText("a", null)).isPositive();
        assertThat(ReportText.compareText("\uFFFD", "\uD83D\uDE00")).isNegative(); // U+FFFD < U+1F600
        assertThat(ReportText.compareText("ab", "abc")).isNegative();
        assertThat(ReportText.xyz(1056, 1, 1)).isEqualTo("1056    1    1");
        assertThat(ReportText.device(null, 0)).isEqualTo(" (0)");
        assertThat(CudaGpuTraceReport.throughput(1, 2880)).isEqualTo(347222L);
        assertThat(CudaGpuTraceReport.throughput(1, 0)).isNull();
        assertThat(CudaGpuTraceReport.throughput(Long.MAX_VALUE / 2, 1)).isInstanceOf(Double.class);
    }
}
