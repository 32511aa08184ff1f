package io.proflens.analysis.api;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Host-side cost of the CUDA API: time in blocking synchronization calls (by function and by calling thread and
 * NVTX range) and the cost of kernel launches (API duration, queue delay, kernels shorter than their launch call).
 *
 * <p><b>API time.</b> {@code apiTimeNs} is the sum of the durations of all rows of {@link Trace#cudaApi()}
 * (runtime and driver calls alike, as {@code cuda_api_sum} counts them; rows without an end count as calls with no
 * time). Driver calls nested in runtime calls are therefore counted twice when the capture traced both.
 *
 * <p><b>Synchronization</b> calls are the host-blocking {@link ApiNames#SYNCHRONIZATION_CALLS} after
 * {@link ApiNames#baseName} (so {@code cudaStreamSynchronize_v3020} counts). {@code cudaStreamWaitEvent} does not
 * count: it enqueues a GPU-side wait and returns at once. The nsys {@code cuda_api_sync} rule lists only
 * {@code cudaDeviceSynchronize%}/{@code cudaStreamSynchronize%} (nsys-reference.md §8); proflens adds the event,
 * context and driver variants. The <em>caller</em> of a sync call is the innermost NVTX push/pop range on the
 * calling thread that contains the call's start ({@code null} when the trace has no NVTX ranges or none encloses
 * the call).
 *
 * <p><b>Launches</b> are the calls in {@link ApiNames#LAUNCH_CALLS}. A kernel is attributed to its launching call
 * through {@link Trace#launchLinksOrCompute()} (correlation id scoped by process, nsys {@code cuda_kern_exec_sum};
 * nsys-reference.md §7.7). Queue delay has the {@code cuda_kern_exec_sum} meaning: {@code kernel start − launch
 * call end}, and launches whose kernel started before the call returned have no queue time (NULL in nsys) and are
 * left out of the queue statistics ({@code queuedKernels} counts the others). <em>Tiny kernels</em> follow HTA's
 * {@code get_cuda_kernel_launch_stats} "short kernels" test {@code gpu_dur < cpu_dur}: the kernel's GPU duration
 * is shorter than its launch call's duration, i.e. the GPU finished sooner than the CPU could issue it. Kernels of
 * graph launches ({@link ApiNames#GRAPH_LAUNCH_CALLS}) are not compared: one call issues a whole graph. HTA differs
 * in scope (see {@code CudaApiAnalysisTest}): it also counts {@code cudaMemcpyAsync}/{@code cudaMemsetAsync} with
 * their copies, uses only {@code cudaLaunchKernel}/{@code cudaLaunchKernelExC}, rounds times to whole µs and keeps
 * negative launch delays.
 *
 * @param apiCalls       rows of {@link Trace#cudaApi()}
 * @param apiTimeNs      sum of their durations, ns
 * @param syncCalls      synchronization calls
 * @param syncTimeNs     their summed duration, ns
 * @param syncByName     per base name; total time descending, then name
 * @param syncByCaller   per (calling thread, caller range name); total time descending, then globalTid, then caller
 *                       (no caller first)
 * @param launchByApi    per launch API base name that has calls or kernels; API time descending, then name
 * @param allLaunches    the same figures over all launch APIs, {@code apiName} {@code "all launch APIs"}
 * @param kernels        rows of {@link Trace#kernels()}
 * @param kernelTimeNs   summed GPU duration of all kernels, ns
 * @param unlinkedKernels kernels whose launching call is not in the capture
 * @param otherApiKernels kernels linked to a call that is not a launch API
 */
public record CudaApiAnalysis(long apiCalls, long apiTimeNs, long syncCalls, long syncTimeNs, List<SyncByName> syncByName,
                              List<SyncByCaller> syncByCaller, List<LaunchStats> launchByApi, LaunchStats allLaunches,
                              long kernels, long kernelTimeNs, long unlinkedKernels, long otherApiKernels) {

    /** Name of the overall row of {@link #allLaunches()}. */
    public static final String ALL_LAUNCHES = "all launch APIs";

    /** Copies the lists (immutable); see the record components for units and order. */
    public CudaApiAnalysis {
        syncByName = List.copyOf(syncByName);
        syncByCaller = List.copyOf(syncByCaller);
        launchByApi = List.copyOf(launchByApi);
        Objects.requireNonNull(allLaunches);
    }

    /**
     * Synchronization calls of one function.
     *
     * @param name       base name, e.g. {@code cudaStreamSynchronize}
     * @param calls      number of calls
     * @param totalNs    summed duration, ns
     * @param avgNs      mean duration, ns
     * @param medianNs   median duration, ns (middle pair averaged)
     * @param maxNs      longest call, ns
     * @param apiTimePct {@code totalNs} as percent (0-100) of all CUDA API time; 0 when there is none
     */
    public record SyncByName(String name, long calls, long totalNs, double avgNs, double medianNs, long maxNs,
                             double apiTimePct) {
    }

    /**
     * Synchronization calls of one thread inside one NVTX range.
     *
     * @param globalTid   calling thread ({@link GlobalIds} layout)
     * @param pid         process id
     * @param tid         thread id
     * @param threadName  name from {@link Trace#threads()}, {@code null} when unknown
     * @param caller      display name of the innermost enclosing NVTX push/pop range (nsys naming of the trace's
     *                    version), {@code null} when none
     * @param calls       number of calls
     * @param totalNs     summed duration, ns
     * @param syncTimePct {@code totalNs} as percent (0-100) of all synchronization time
     */
    public record SyncByCaller(long globalTid, int pid, int tid, String threadName, String caller, long calls,
                               long totalNs, double syncTimePct) {
    }

    /**
     * Launch figures of one launch API (or of all).
     *
     * @param apiName        base name, or {@link #ALL_LAUNCHES}
     * @param calls          launch calls in the capture
     * @param apiTimeNs      their summed duration, ns
     * @param apiMeanNs      mean call duration, ns; NaN without calls
     * @param apiMedianNs    median call duration, ns; NaN without calls
     * @param kernels        kernels linked to these calls
     * @param queuedKernels  of those, kernels that started at or after their call returned
     * @param queueMeanNs    mean of {@code kernel start − call end} over the queued kernels, ns; NaN when none
     * @param queueMedianNs  median of the same, ns; NaN when none
     * @param queueMaxNs     maximum of the same, ns; 0 when none
     * @param comparedKernels kernels checked for tininess (all linked kernels except those of graph launches)
     * @param tinyKernels    compared kernels whose GPU duration is shorter than their launch call's duration
     * @param tinyKernelNs   summed GPU duration of the tiny kernels, ns
     * @param kernelNs       summed GPU duration of the linked kernels, ns
     */
    public record LaunchStats(String apiName, long calls, long apiTimeNs, double apiMeanNs, double apiMedianNs,
                              long kernels, long queuedKernels, double queueMeanNs, double queueMedianNs,
                              long queueMaxNs, long comparedKernels, long tinyKernels, long tinyKernelNs,
                              long kernelNs) {
        /** @return tiny kernels as percent (0-100) of the compared kernels; 0 when none were compared. */
        public double tinyKernelPct() {
            return comparedKernels == 0 ? 0.0 : 100.0 * tinyKernels / comparedKernels;
        }
    }

    /** @return synchronization time as percent (0-100) of all CUDA API time; 0 without API time. */
    public double syncApiTimePct() {
        return pct(syncTimeNs, apiTimeNs);
    }

    /** @return GPU time of the tiny kernels as percent (0-100) of the GPU time of all kernels; 0 without kernels. */
    public double tinyKernelTimePct() {
        return pct(allLaunches.tinyKernelNs(), kernelTimeNs);
    }

    private static double pct(long part, long whole) {
        return whole == 0 ? 0.0 : 100.0 * part / whole;
    }

    private static final int OTHER = 0;
    private static final int SYNC0 = 1;
    private static final int LAUNCH0 = 1000;

    /**
     * Computes the analysis. O(n log n) in the synchronization calls, O(n) otherwise; never throws on an imported
     * trace (absent tables give zero figures and empty lists).
     *
     * @param trace the trace
     * @return the analysis
     */
    public static CudaApiAnalysis of(Trace trace) {
        ApiCallTable api = trace.cudaApi();
        NameIdClasses classes = new NameIdClasses(trace.strings(), CudaApiAnalysis::classify);
        int nSync = ApiNames.SYNCHRONIZATION_CALLS.size();
        int nLaunch = ApiNames.LAUNCH_CALLS.size();
        GroupedValues syncDur = new GroupedValues(nSync);
        GroupedValues launchDur = new GroupedValues(nLaunch);
        long apiNs = 0;
        int[] syncRows = new int[16];
        int nSyncRows = 0;
        for (int i = 0, n = api.size(); i < n; i++) {
            long d = api.hasEnd(i) ? api.durationNs(i) : 0;
            apiNs += d;
            int c = classes.classOf(api.nameId(i));
            if (c == OTHER) {
                continue;
            }
            if (c >= LAUNCH0) {
                launchDur.add(c - LAUNCH0, d);
            } else {
                syncDur.add(c - SYNC0, d);
                if (nSyncRows == syncRows.length) {
                    syncRows = Arrays.copyOf(syncRows, nSyncRows * 2);
                }
                syncRows[nSyncRows++] = i;
            }
        }
        SummaryStats[] sync = syncDur.finish();
        List<SyncByName> byName = new ArrayList<>();
        for (int g = 0; g < nSync; g++) {
            SummaryStats s = sync[g];
            if (s != null) {
                byName.add(new SyncByName(ApiNames.SYNCHRONIZATION_CALLS.get(g), s.count(), s.total(), s.mean(),
                        s.median(), s.max(), pct(s.total(), apiNs)));
            }
        }
        byName.sort(Comparator.comparingLong(SyncByName::totalNs).reversed().thenComparing(SyncByName::name));
        long syncCalls = sync[nSync] == null ? 0 : sync[nSync].count();
        long syncNs = sync[nSync] == null ? 0 : sync[nSync].total();
        List<SyncByCaller> byCaller = callers(trace, api, syncRows, nSyncRows, syncNs);

        // kernels
        KernelTable k = trace.kernels();
        LaunchLinks links = k.size() == 0 ? null : trace.launchLinksOrCompute();
        GroupedValues queue = new GroupedValues(nLaunch);
        long[] kernels = new long[nLaunch + 1];
        long[] kernelNs = new long[nLaunch + 1];
        long[] compared = new long[nLaunch + 1];
        long[] tiny = new long[nLaunch + 1];
        long[] tinyNs = new long[nLaunch + 1];
        long kernelTime = 0;
        long unlinked = 0;
        long otherApi = 0;
        boolean[] graph = new boolean[nLaunch];
        for (int g = 0; g < nLaunch; g++) {
            graph[g] = ApiNames.isGraphLaunch(ApiNames.LAUNCH_CALLS.get(g));
        }
        for (int i = 0, n = k.size(); i < n; i++) {
            long kd = k.durationNs(i);
            kernelTime += kd;
            int a = links.kernelApiRow(i);
            if (a < 0) {
                unlinked++;
                continue;
            }
            int c = classes.classOf(api.nameId(a));
            if (c < LAUNCH0) {
                otherApi++;
                continue;
            }
            int g = c - LAUNCH0;
            kernels[g]++;
            kernelNs[g] += kd;
            if (api.hasEnd(a)) {
                long q = k.startNs(i) - api.endNs(a);
                if (q >= 0) {
                    queue.add(g, q);
                }
                if (!graph[g]) {
                    compared[g]++;
                    if (kd < api.durationNs(a)) {
                        tiny[g]++;
                        tinyNs[g] += kd;
                    }
                }
            }
        }
        for (int g = 0; g < nLaunch; g++) {
            kernels[nLaunch] += kernels[g];
            kernelNs[nLaunch] += kernelNs[g];
            compared[nLaunch] += compared[g];
            tiny[nLaunch] += tiny[g];
            tinyNs[nLaunch] += tinyNs[g];
        }
        SummaryStats[] ls = launchDur.finish();
        SummaryStats[] qs = queue.finish();
        List<LaunchStats> byApi = new ArrayList<>();
        LaunchStats all = null;
        for (int g = 0; g <= nLaunch; g++) {
            SummaryStats l = ls[g];
            SummaryStats q = qs[g];
            if (g < nLaunch && l == null && kernels[g] == 0) {
                continue;
            }
            LaunchStats st = new LaunchStats(g == nLaunch ? ALL_LAUNCHES : ApiNames.LAUNCH_CALLS.get(g),
                    l == null ? 0 : l.count(), l == null ? 0 : l.total(), l == null ? Double.NaN : l.mean(),
                    l == null ? Double.NaN : l.median(), kernels[g], q == null ? 0 : q.count(),
                    q == null ? Double.NaN : q.mean(), q == null ? Double.NaN : q.median(), q == null ? 0 : q.max(),
                    compared[g], tiny[g], tinyNs[g], kernelNs[g]);
            if (g == nLaunch) {
                all = st;
            } else {
                byApi.add(st);
            }
        }
        byApi.sort(Comparator.comparingLong(LaunchStats::apiTimeNs).reversed()
                .thenComparing(Comparator.comparingLong(LaunchStats::kernelNs).reversed())
                .thenComparing(LaunchStats::apiName));
        return new CudaApiAnalysis(api.size(), apiNs, syncCalls, syncNs, byName, byCaller, byApi, all, k.size(),
                kernelTime, unlinked, otherApi);
    }

    private static int classify(String recorded) {
        String base = ApiNames.baseName(recorded);
        int s = ApiNames.SYNCHRONIZATION_CALLS.indexOf(base);
        if (s >= 0) {
            return SYNC0 + s;
        }
        int l = ApiNames.LAUNCH_CALLS.indexOf(base);
        return l >= 0 ? LAUNCH0 + l : OTHER;
    }

    /** Groups the sync rows by (thread, innermost NVTX range name). */
    private static List<SyncByCaller> callers(Trace trace, ApiCallTable api, int[] rows, int n, long syncNs) {
        if (n == 0) {
            return List.of();
        }
        NvtxTable nvtx = trace.nvtx();
        InnermostRanges ranges = new InnermostRanges(nvtx);
        // PyTorch emit_nvtx puts per-call ids into range names; strip them so that one operator is one caller
        NamingPolicy naming = NamingPolicy.forMetadata(trace.metadata()).withStripOpIds(true);
        LongIntHashMap threadIdx = new LongIntHashMap(64);
        List<Long> threads = new ArrayList<>();
        LongIntHashMap nameIdx = new LongIntHashMap(64);
        List<String> names = new ArrayList<>();
        LongIntHashMap groupIdx = new LongIntHashMap(64);
        long[] groupKey = new long[16];
        long[] calls = new long[16];
        long[] total = new long[16];
        int groups = 0;
        for (int j = 0; j < n; j++) {
            int i = rows[j];
            long gtid = api.globalTid(i);
            int t = threadIdx.putIfAbsent(gtid, threads.size());
            if (t < 0) {
                t = threads.size();
                threads.add(gtid);
            }
            int name = -1;
            int r = ranges.isEmpty() ? -1 : ranges.innermost(gtid, api.startNs(i));
            if (r >= 0) {
                long key = ((long) (nvtx.domainNameId(r) + 1) << 33) ^ ((nvtx.domainId(r) != 0 ? 1L : 0L) << 32)
                        ^ (nvtx.textId(r) & 0xFFFFFFFFL);
                name = nameIdx.putIfAbsent(key, names.size());
                if (name < 0) {
                    name = names.size();
                    names.add(naming.nvtxName(trace.string(nvtx.domainNameId(r)), nvtx.domainId(r),
                            trace.string(nvtx.textId(r))));
                }
            }
            long gk = ((long) t << 32) | ((name + 1) & 0xFFFFFFFFL);
            int g = groupIdx.putIfAbsent(gk, groups);
            if (g < 0) {
                g = groups++;
                if (g == calls.length) {
                    groupKey = Arrays.copyOf(groupKey, g * 2);
                    calls = Arrays.copyOf(calls, g * 2);
                    total = Arrays.copyOf(total, g * 2);
                }
                groupKey[g] = gk;
            }
            calls[g]++;
            total[g] += api.hasEnd(i) ? api.durationNs(i) : 0;
        }
        // different range rows can share a display name: merge groups by (thread, caller string)
        List<SyncByCaller> raw = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            long gtid = threads.get((int) (groupKey[g] >>> 32));
            int name = (int) (groupKey[g] & 0xFFFFFFFFL) - 1;
            ThreadInfo ti = trace.threads().get(gtid);
            raw.add(new SyncByCaller(gtid, GlobalIds.pid(gtid), GlobalIds.tid(gtid), ti == null ? null : ti.name(),
                    name < 0 ? null : names.get(name), calls[g], total[g], 0));
        }
        Comparator<SyncByCaller> byKey = Comparator.comparingLong(SyncByCaller::globalTid)
                .thenComparing(SyncByCaller::caller, Comparator.nullsFirst(Comparator.naturalOrder()));
        raw.sort(byKey);
        List<SyncByCaller> merged = new ArrayList<>();
        for (SyncByCaller c : raw) {
            SyncByCaller last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && byKey.compare(last, c) == 0) {
                merged.set(merged.size() - 1, new SyncByCaller(last.globalTid(), last.pid(), last.tid(),
                        last.threadName(), last.caller(), last.calls() + c.calls(), last.totalNs() + c.totalNs(), 0));
            } else {
                merged.add(c);
            }
        }
        List<SyncByCaller> out = new ArrayList<>(merged.size());
        for (SyncByCaller c : merged) {
            out.add(new SyncByCaller(c.globalTid(), c.pid(), c.tid(), c.threadName(), c.caller(), c.calls(),
                    c.totalNs(), pct(c.totalNs(), syncNs)));
        }
        out.sort(Comparator.comparingLong(SyncByCaller::totalNs).reversed().thenComparing(byKey));
        return out;
    }

    /**
     * @return {@code cuda_api_sync} (per function: Name, Calls, Total Time, Avg, Med, Max, API Time %),
     *         {@code cuda_api_sync_callers} (PID, TID, Thread, Caller, Calls, Total Time, Sync Time %) and
     *         {@code kernel_launch} (one row per launch API, then the {@link #ALL_LAUNCHES} row); durations in ns,
     *         means and medians rounded to 0.1 ns, percentages to 0.1; NULL cells where a figure has no values
     */
    public List<ResultTable> toTables() {
        List<Object[]> sRows = new ArrayList<>();
        for (SyncByName s : syncByName) {
            sRows.add(new Object[] {s.name(), s.calls(), s.totalNs(), SummaryStats.round1(s.avgNs()),
                SummaryStats.round1(s.medianNs()), s.maxNs(), SummaryStats.round1(s.apiTimePct())});
        }
        ResultTable sync = new ResultTable("cuda_api_sync", "CUDA API Synchronization", List.of(
                new Column("Name", Kind.TEXT), new Column("Calls", Kind.INTEGER), new Column("Total Time", Kind.DURATION),
                new Column("Avg", Kind.DURATION), new Column("Med", Kind.DURATION), new Column("Max", Kind.DURATION),
                new Column("API Time", Kind.PERCENT)), sRows);
        List<Object[]> cRows = new ArrayList<>();
        for (SyncByCaller c : syncByCaller) {
            cRows.add(new Object[] {(long) c.pid(), (long) c.tid(), c.threadName(), c.caller(), c.calls(), c.totalNs(),
                SummaryStats.round1(c.syncTimePct())});
        }
        ResultTable callers = new ResultTable("cuda_api_sync_callers", "CUDA API Synchronization by Caller", List.of(
                new Column("PID", Kind.INTEGER), new Column("TID", Kind.INTEGER), new Column("Thread", Kind.TEXT),
                new Column("Caller", Kind.TEXT), new Column("Calls", Kind.INTEGER), new Column("Total Time", Kind.DURATION),
                new Column("Sync Time", Kind.PERCENT)), cRows);
        List<Object[]> lRows = new ArrayList<>();
        for (LaunchStats l : launchByApi) {
            lRows.add(launchRow(l));
        }
        lRows.add(launchRow(allLaunches));
        ResultTable launch = new ResultTable("kernel_launch", "Kernel Launch Overhead", List.of(
                new Column("API Name", Kind.TEXT), new Column("Calls", Kind.INTEGER), new Column("API Time", Kind.DURATION),
                new Column("API Avg", Kind.DURATION), new Column("API Med", Kind.DURATION),
                new Column("Kernels", Kind.INTEGER), new Column("Queued", Kind.INTEGER),
                new Column("Queue Avg", Kind.DURATION), new Column("Queue Med", Kind.DURATION),
                new Column("Queue Max", Kind.DURATION), new Column("Tiny Kernels", Kind.INTEGER),
                new Column("Tiny Share", Kind.PERCENT), new Column("Tiny GPU Time", Kind.DURATION),
                new Column("Tiny Time Share", Kind.PERCENT)), lRows);
        return List.of(sync, callers, launch);
    }

    private Object[] launchRow(LaunchStats l) {
        boolean q = l.queuedKernels() > 0;
        return new Object[] {l.apiName(), l.calls(), l.apiTimeNs(), nanOrRound(l.apiMeanNs()),
            nanOrRound(l.apiMedianNs()), l.kernels(), l.queuedKernels(), nanOrRound(l.queueMeanNs()),
            nanOrRound(l.queueMedianNs()), q ? (Object) l.queueMaxNs() : null, l.tinyKernels(),
            l.comparedKernels() == 0 ? null : (Object) SummaryStats.round1(l.tinyKernelPct()), l.tinyKernelNs(),
            kernelTimeNs == 0 ? null : (Object) SummaryStats.round1(pct(l.tinyKernelNs(), kernelTimeNs))};
    }

    private static Object nanOrRound(double v) {
        return Double.isNaN(v) ? null : SummaryStats.round1(v);
    }
}
