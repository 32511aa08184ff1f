package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nvtx_kern_sum[:base|:mangled]} — NVTX Range Kernel Summary. Semantics of nsys
 * {@code nvtx_kern_sum.py} (2021–2024): each kernel is paired with <em>every</em> NVTX range (push/pop or
 * start/end, begun and ended on the same thread; see {@link NvtxRangeSweep}) that contains the whole CUDA API
 * call that launched it on the same thread — all ranges of a push/pop stack count, not just the innermost.
 * The pairs are grouped by (PID, TID, range name, style, kernel name).
 *
 * <p>Columns: {@code NVTX Range} ({@code coalesce(domain, '') || ':' || text}), {@code Style}, {@code PID},
 * {@code TID} (of the launching thread), {@code NVTX Inst} (distinct ranges), {@code Kern Inst} (distinct
 * kernels), {@code Total Time (ns)}, {@code Avg (ns)}, {@code Med (ns)}, {@code Min (ns)}, {@code Max (ns)},
 * {@code StdDev (ns)} (of the kernel durations of the pairs: a kernel inside two nested ranges of the same
 * name counts twice here but once in Kern Inst; Avg/Med/StdDev rounded to 0.1, sample deviation),
 * {@code Kernel Name} (demangled, {@code :base} short, {@code :mangled} mangled or demangled).
 * As in nsys (left joins, no WHERE), kernels launched outside every range form rows with NULL range and
 * style and {@code NVTX Inst} 0, and kernels whose launch call is not in the capture also have NULL PID/TID.
 * Order: range name, PID, TID ascending (NULL first), total time DESC (nsys {@code ORDER BY 1, 3, 4, 7 DESC});
 * remaining ties by style and kernel name. Names compare in code point order (SQLite's BINARY collation).
 *
 * <p>Deviations: tie rules of identical ranges as in {@link NvtxRangeSweep} (they do not change this report).
 */
public final class NvtxKernSumReport implements StatsReport {
    @Override public String name() { return "nvtx_kern_sum"; }
    @Override public String title() { return "NVTX Range Kernel Summary"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }

    @Override
    public Set<TableKind> needs(List<String> args) {
        return Set.of(TableKind.NVTX, TableKind.KERNEL, TableKind.CUDA_API);
    }

    @Override
    public String missingData(Trace trace) {
        if (!trace.nvtx().present()) {
            return "does not contain NV Tools Extension (NVTX) data.";
        }
        if (!trace.kernels().present()) {
            return "does not contain CUDA kernel data.";
        }
        return trace.cudaApi().present() ? null : "does not contain CUDA API data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        KernelTable k = trace.kernels();
        ApiCallTable api = trace.cudaApi();
        NvtxTable t = trace.nvtx();
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        LaunchLinks links = trace.launchLinksOrCompute();
        int nk = k.size();
        int na = api.size();
        // kept kernels and their (kept) launch call, -1 when none
        int[] kernApi = new int[nk];
        boolean[] kernKept = new boolean[nk];
        int[] perApi = new int[na + 1];
        for (int i = 0; i < nk; i++) {
            if (!all && !f.keepProcessRow(k.startNs(i), k.endNs(i), k.globalPid(i))) {
                continue;
            }
            kernKept[i] = true;
            int a = links.kernelApiRow(i);
            if (a >= 0 && !all && !f.keepThreadRow(api.startNs(a), api.endNs(a), api.globalTid(a))) {
                a = -1;
            }
            kernApi[i] = a;
            if (a >= 0) {
                perApi[a + 1]++;
            }
        }
        // CSR: kernels per launch call
        for (int a = 0; a < na; a++) {
            perApi[a + 1] += perApi[a];
        }
        int[] kernelsOfApi = new int[perApi[na]];
        int[] fill = Arrays.copyOf(perApi, na);
        int nCalls = 0;
        for (int i = 0; i < nk; i++) {
            if (kernKept[i] && kernApi[i] >= 0) {
                kernelsOfApi[fill[kernApi[i]]++] = i;
            }
        }
        int[] calls = new int[na];
        for (int a = 0; a < na; a++) {
            if (perApi[a + 1] > perApi[a]) {
                calls[nCalls++] = a;
            }
        }
        // (range, kernel) pairs
        IntPairs pairs = new IntPairs(Math.max(16, nk));
        boolean[] callInRange = new boolean[na];
        NvtxRangeSweep ranges = NvtxRangeSweep.projectionRanges(t, f);
        ranges.forEachContaining(api, Arrays.copyOf(calls, nCalls), (a, r) -> {
            callInRange[a] = true;
            for (int x = perApi[a]; x < perApi[a + 1]; x++) {
                pairs.add(r, kernelsOfApi[x]);
            }
        });
        for (int i = 0; i < nk; i++) {
            if (kernKept[i] && (kernApi[i] < 0 || !callInRange[kernApi[i]])) {
                pairs.add(-1, i);
            }
        }
        // groups
        KernelNames kn = new KernelNames(k, ctx);
        NvtxPushPopTraceReport.NameCache names = new NvtxPushPopTraceReport.NameCache(trace, t);
        Map<String, Integer> rangeKeyIdx = new HashMap<>();
        int[] rangeKeyBySlot = new int[16]; // 2 * name index + style -> range key + 1
        List<String> rkName = new ArrayList<>();
        List<String> rkStyle = new ArrayList<>();
        LongIntHashMap threadIdx = new LongIntHashMap(64);
        List<Long> threadKeys = new ArrayList<>();
        LongIntHashMap pairIdx = new LongIntHashMap(256);
        LongIntHashMap groupIdx = new LongIntHashMap(256);
        List<int[]> groups = new ArrayList<>(); // {threadIdx or -1, rangeKey or -1, kernel name id}
        int np = pairs.size;
        int[] groupOf = new int[np];
        for (int x = 0; x < np; x++) {
            int r = pairs.a[x];
            int ki = pairs.b[x];
            int rk = -1;
            if (r >= 0) {
                int slot = 2 * names.indexOf(r) + (t.isPushPop(r) ? 0 : 1);
                if (slot >= rangeKeyBySlot.length) {
                    rangeKeyBySlot = Arrays.copyOf(rangeKeyBySlot, Math.max(slot + 1, rangeKeyBySlot.length * 2));
                }
                rk = rangeKeyBySlot[slot] - 1;
                if (rk < 0) {
                    String nm = names.of(r);
                    String st = ReportText.style(t, r);
                    Integer e = rangeKeyIdx.get(st + "\u0000" + nm);
                    if (e == null) {
                        e = rkName.size();
                        rangeKeyIdx.put(st + "\u0000" + nm, e);
                        rkName.add(nm);
                        rkStyle.add(st);
                    }
                    rk = e;
                    rangeKeyBySlot[slot] = rk + 1;
                }
            }
            int a = kernApi[ki];
            int th = -1;
            if (a >= 0) {
                long pidTid = api.globalTid(a) & 0xFFFFFFFFFFFFL;
                th = threadIdx.putIfAbsent(pidTid, threadKeys.size());
                if (th < 0) {
                    th = threadKeys.size();
                    threadKeys.add(api.globalTid(a));
                }
            }
            int name = kn.nameId(ki);
            int pr = pairIdx.putIfAbsent(((long) (rk + 1) << 32) | (name & 0xFFFFFFFFL), pairIdx.size());
            if (pr < 0) {
                pr = pairIdx.size() - 1;
            }
            int g = groupIdx.putIfAbsent(((long) (th + 1) << 32) | pr, groups.size());
            if (g < 0) {
                g = groups.size();
                groups.add(new int[] {th, rk, name});
            }
            groupOf[x] = g;
        }
        int ng = groups.size();
        GroupedStats durations = new GroupedStats(ng, np);
        int[] nvtxInst = new int[ng];
        int[] kernInst = new int[ng];
        LongIntHashMap seenRange = new LongIntHashMap(np);
        LongIntHashMap seenKernel = new LongIntHashMap(np);
        for (int x = 0; x < np; x++) {
            int g = groupOf[x];
            int r = pairs.a[x];
            int ki = pairs.b[x];
            durations.add(g, k.durationNs(ki));
            if (r >= 0 && seenRange.putIfAbsent(((long) g << 32) | r, 0) < 0) {
                nvtxInst[g]++;
            }
            if (seenKernel.putIfAbsent(((long) g << 32) | ki, 0) < 0) {
                kernInst[g]++;
            }
        }
        SummaryStats[] stats = durations.finish();
        List<Integer> order = new ArrayList<>(ng);
        for (int g = 0; g < ng; g++) {
            order.add(g);
        }
        order.sort((x, y) -> {
            int[] a = groups.get(x);
            int[] b = groups.get(y);
            int c = ReportText.compareText(a[1] < 0 ? null : rkName.get(a[1]), b[1] < 0 ? null : rkName.get(b[1]));
            if (c != 0) {
                return c;
            }
            c = compareThread(a[0] < 0 ? null : threadKeys.get(a[0]), b[0] < 0 ? null : threadKeys.get(b[0]));
            if (c != 0) {
                return c;
            }
            c = Long.compare(stats[y].total(), stats[x].total());
            if (c != 0) {
                return c;
            }
            c = ReportText.compareText(a[1] < 0 ? null : rkStyle.get(a[1]), b[1] < 0 ? null : rkStyle.get(b[1]));
            return c != 0 ? c : ReportText.compareText(trace.string(a[2]), trace.string(b[2]));
        });
        List<Object[]> rows = new ArrayList<>(ng);
        for (int g : order) {
            int[] key = groups.get(g);
            Long gtid = key[0] < 0 ? null : threadKeys.get(key[0]);
            SummaryStats s = stats[g];
            rows.add(new Object[] {
                key[1] < 0 ? null : rkName.get(key[1]),
                key[1] < 0 ? null : rkStyle.get(key[1]),
                gtid == null ? null : (Object) (long) GlobalIds.pid(gtid),
                gtid == null ? null : (Object) (long) GlobalIds.tid(gtid),
                (long) nvtxInst[g],
                (long) kernInst[g],
                s.total(),
                SummaryStats.round1(s.mean()),
                SummaryStats.round1(s.median()),
                s.min(),
                s.max(),
                SummaryStats.round1(s.stddev()),
                trace.string(key[2])
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("NVTX Range", Kind.TEXT),
                new Column("Style", Kind.TEXT),
                new Column("PID", Kind.INTEGER),
                new Column("TID", Kind.INTEGER),
                new Column("NVTX Inst", Kind.INTEGER),
                new Column("Kern Inst", Kind.INTEGER),
                new Column("Total Time", Kind.DURATION),
                new Column("Avg", Kind.DURATION),
                new Column("Med", Kind.DURATION),
                new Column("Min", Kind.DURATION),
                new Column("Max", Kind.DURATION),
                new Column("StdDev", Kind.DURATION),
                new Column("Kernel Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }

    /** PID, then TID ascending; no thread (NULL) first. */
    private static int compareThread(Long a, Long b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        int c = Integer.compare(GlobalIds.pid(a), GlobalIds.pid(b));
        return c != 0 ? c : Integer.compare(GlobalIds.tid(a), GlobalIds.tid(b));
    }

    /** Growable pair list of ints. */
    private static final class IntPairs {
        int[] a;
        int[] b;
        int size;

        IntPairs(int capacity) {
            a = new int[capacity];
            b = new int[capacity];
        }

        void add(int x, int y) {
            if (size == a.length) {
                int c = (int) Math.min(Integer.MAX_VALUE - 8, size * 2L);
                a = Arrays.copyOf(a, c);
                b = Arrays.copyOf(b, c);
            }
            a[size] = x;
            b[size++] = y;
        }
    }
}
