package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cuda_kern_exec_sum[:base|:mangled]} — CUDA Kernel Launch &amp; Exec Time Summary. Semantics of nsys
 * {@code cuda_kern_exec_sum.py} (2021–2024): the launches of {@link KernelLaunchJoin} grouped by
 * (PID, TID of the launching thread, device, API name, kernel name).
 *
 * <p>Columns: {@code PID}, {@code TID}, {@code DevId}, {@code Count}, {@code QCount} (launches with a queue
 * time), then Avg, Med, Min, Max, StdDev (ns; Avg/Med/StdDev rounded to 0.1, sample deviation, 0.0 for one
 * value) of the total time ({@code TAvg … TStdDev}), the API time ({@code AAvg …}), the queue time
 * ({@code QAvg …}, over the non-NULL queue times only; all NULL when {@code QCount} is 0) and the kernel time
 * ({@code KAvg …}), then {@code API Name} ({@code _vNNNN} stripped) and {@code Kernel Name}. Order:
 * {@code TAvg} DESC (nsys {@code ORDER BY 6 DESC}); nsys leaves ties to SQLite, proflens orders them by PID,
 * TID, DevId, API name and kernel name.
 *
 * <p>Deviation: the {@code nvtx-name} argument is not supported.
 */
public final class CudaKernExecSumReport implements StatsReport {
    @Override public String name() { return "cuda_kern_exec_sum"; }
    @Override public String title() { return "CUDA Kernel Launch & Exec Time Summary"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.KERNEL, TableKind.CUDA_API); }

    @Override
    public String missingData(Trace trace) {
        return missing(trace);
    }

    /** Table checks of both kern_exec scripts, in their order. */
    static String missing(Trace trace) {
        if (!trace.kernels().present()) {
            return "does not contain CUDA kernel data.";
        }
        return trace.cudaApi().present() ? null : "does not contain CUDA API data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        KernelTable k = trace.kernels();
        ApiCallTable r = trace.cudaApi();
        KernelNames names = new KernelNames(k, ctx);
        KernelLaunchJoin j = KernelLaunchJoin.of(trace, ctx.filter());
        int nStrings = trace.strings().size();
        // API name id -> canonical index of the stripped name (equal strings after stripping share one index)
        int[] apiCanon = new int[nStrings + 1];
        java.util.Arrays.fill(apiCanon, -1);
        Map<String, Integer> apiCanonByName = new HashMap<>();
        List<String> apiCanonNames = new ArrayList<>();
        LongIntHashMap threadIdx = new LongIntHashMap(64);
        LongIntHashMap threadDevIdx = new LongIntHashMap(64);
        LongIntHashMap pairIdx = new LongIntHashMap(256);
        LongIntHashMap groupIdx = new LongIntHashMap(256);
        List<long[]> groups = new ArrayList<>(); // {pid, tid, dev, apiCanon, kernelNameId}
        int[] groupOf = new int[j.size];
        for (int m = 0; m < j.size; m++) {
            int ki = j.kernel[m];
            int ai = j.api[m];
            int nameId = r.nameId(ai);
            int slot = nameId < 0 ? nStrings : nameId;
            int ac = apiCanon[slot];
            if (ac < 0) {
                String s = NamingPolicy.stripApiVersion(trace.string(nameId));
                Integer c = apiCanonByName.get(s);
                if (c == null) {
                    c = apiCanonNames.size();
                    apiCanonNames.add(s);
                    apiCanonByName.put(s, c);
                }
                ac = c;
                apiCanon[slot] = ac;
            }
            int kn = names.nameId(ki);
            long gtid = r.globalTid(ai);
            long pidTid = gtid & 0xFFFFFFFFFFFFL;
            int t = idOf(threadIdx, pidTid);
            int td = idOf(threadDevIdx, ((long) t << 32) | (k.deviceId(ki) & 0xFFFFFFFFL));
            int p = idOf(pairIdx, ((long) ac << 32) | (kn & 0xFFFFFFFFL));
            long key = ((long) td << 32) | (p & 0xFFFFFFFFL);
            int g = groupIdx.putIfAbsent(key, groups.size());
            if (g < 0) {
                g = groups.size();
                groups.add(new long[] {GlobalIds.pid(gtid), GlobalIds.tid(gtid), k.deviceId(ki), ac, kn});
            }
            groupOf[m] = g;
        }
        int ng = groups.size();
        GroupedStats total = new GroupedStats(ng, j.size);
        GroupedStats apiDur = new GroupedStats(ng, j.size);
        GroupedStats queue = new GroupedStats(ng, j.size);
        GroupedStats kern = new GroupedStats(ng, j.size);
        for (int m = 0; m < j.size; m++) {
            int ki = j.kernel[m];
            int ai = j.api[m];
            int g = groupOf[m];
            total.add(g, KernelLaunchJoin.totalNs(k, r, ki, ai));
            apiDur.add(g, r.durationNs(ai));
            long q = KernelLaunchJoin.queueNs(k, r, ki, ai);
            if (q >= 0) {
                queue.add(g, q);
            }
            kern.add(g, k.durationNs(ki));
        }
        SummaryStats[] ts = total.finish();
        SummaryStats[] as = apiDur.finish();
        SummaryStats[] qs = queue.finish();
        SummaryStats[] ks = kern.finish();
        List<Integer> order = new ArrayList<>(ng);
        for (int g = 0; g < ng; g++) {
            order.add(g);
        }
        order.sort((a, b) -> {
            int c = Double.compare(SummaryStats.round1(ts[b].mean()), SummaryStats.round1(ts[a].mean()));
            if (c != 0) {
                return c;
            }
            long[] x = groups.get(a);
            long[] y = groups.get(b);
            for (int i = 0; i < 3; i++) {
                c = Long.compare(x[i], y[i]);
                if (c != 0) {
                    return c;
                }
            }
            c = ReportText.compareText(apiCanonNames.get((int) x[3]), apiCanonNames.get((int) y[3]));
            return c != 0 ? c : ReportText.compareText(trace.string((int) x[4]), trace.string((int) y[4]));
        });
        List<Object[]> rows = new ArrayList<>(ng);
        for (int g : order) {
            long[] key = groups.get(g);
            Object[] row = new Object[27];
            row[0] = key[0];
            row[1] = key[1];
            row[2] = key[2];
            row[3] = ts[g].count();
            row[4] = qs[g] == null ? 0L : qs[g].count();
            put(row, 5, ts[g]);
            put(row, 10, as[g]);
            put(row, 15, qs[g]);
            put(row, 20, ks[g]);
            row[25] = apiCanonNames.get((int) key[3]);
            row[26] = trace.string((int) key[4]);
            rows.add(row);
        }
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("PID", Kind.INTEGER));
        cols.add(new Column("TID", Kind.INTEGER));
        cols.add(new Column("DevId", Kind.INTEGER));
        cols.add(new Column("Count", Kind.INTEGER));
        cols.add(new Column("QCount", Kind.INTEGER));
        for (String p : new String[] {"T", "A", "Q", "K"}) {
            for (String s : new String[] {"Avg", "Med", "Min", "Max", "StdDev"}) {
                cols.add(new Column(p + s, Kind.DURATION));
            }
        }
        cols.add(new Column("API Name", Kind.TEXT));
        cols.add(new Column("Kernel Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }

    private static int idOf(LongIntHashMap map, long key) {
        int v = map.putIfAbsent(key, map.size());
        return v < 0 ? map.size() - 1 : v;
    }

    /** Avg, Med, Min, Max, StdDev at {@code at}; NULLs when there are no values. */
    private static void put(Object[] row, int at, SummaryStats s) {
        if (s == null) {
            return;
        }
        row[at] = SummaryStats.round1(s.mean());
        row[at + 1] = SummaryStats.round1(s.median());
        row[at + 2] = s.min();
        row[at + 3] = s.max();
        row[at + 4] = SummaryStats.round1(s.stddev());
    }
}
