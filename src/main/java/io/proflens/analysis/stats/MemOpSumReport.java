package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.ingest.ImportOptions.TableKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cuda_gpu_mem_time_sum} and {@code cuda_gpu_mem_size_sum} — CUDA GPU MemOps Summary by time and by
 * size. Memcpy rows are named {@code [CUDA memcpy <label>]} (label style by nsys version, see
 * {@link NamingPolicy}; rows with an unknown copy kind are dropped as nsys's inner join drops them) and
 * memset rows {@code [CUDA memset]}; grouped by that name.
 * <ul>
 *   <li>by time: {@code Time (%)}, {@code Total Time}, {@code Count}, {@code Avg}, {@code Med}, {@code Min},
 *       {@code Max}, {@code StdDev}, {@code Operation}; total DESC;</li>
 *   <li>by size: {@code Total (MB)}, {@code Count}, {@code Avg (MB)}, {@code Med}, {@code Min}, {@code Max},
 *       {@code StdDev (MB)}, {@code Operation}; no percent, no rounding (cells hold bytes; renderers print
 *       MB = 10^6 B with 3 decimals); total bytes DESC.</li>
 * </ul>
 */
public final class MemOpSumReport implements StatsReport {
    private final boolean bySize;

    private MemOpSumReport(boolean bySize) {
        this.bySize = bySize;
    }

    public static MemOpSumReport byTime() { return new MemOpSumReport(false); }
    public static MemOpSumReport bySize() { return new MemOpSumReport(true); }

    @Override public String name() { return bySize ? "cuda_gpu_mem_size_sum" : "cuda_gpu_mem_time_sum"; }

    @Override
    public String title() {
        return bySize ? "CUDA GPU MemOps Summary (by Size)" : "CUDA GPU MemOps Summary (by Time)";
    }

    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.MEMCPY, TableKind.MEMSET); }

    @Override
    public String missingData(Trace trace) {
        return trace.memcpys().present() || trace.memsets().present() ? null : "does not contain GPU memory data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        Map<String, Integer> groupIds = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        int[] kindGroup = new int[256];
        java.util.Arrays.fill(kindGroup, -1);
        GroupedStats g = new GroupedStats(32, mc.size() + ms.size());
        for (int i = 0, n = mc.size(); i < n; i++) {
            if (!all && !f.keepProcessRow(mc.startNs(i), mc.endNs(i), mc.globalPid(i))) {
                continue;
            }
            int kind = mc.copyKind(i) & 0xFF;
            int gid = kindGroup[kind];
            if (gid < 0) {
                String nm = ctx.naming().memcpyName(mc.copyKind(i));
                if (nm == null) {
                    continue;
                }
                gid = groupIds.computeIfAbsent(nm, k -> {
                    names.add(k);
                    return names.size() - 1;
                });
                kindGroup[kind] = gid;
            }
            g.add(gid, bySize ? mc.bytes(i) : mc.durationNs(i));
        }
        int memsetGroup = -1;
        for (int i = 0, n = ms.size(); i < n; i++) {
            if (!all && !f.keepProcessRow(ms.startNs(i), ms.endNs(i), ms.globalPid(i))) {
                continue;
            }
            if (memsetGroup < 0) {
                memsetGroup = groupIds.computeIfAbsent(NamingPolicy.MEMSET_NAME, k -> {
                    names.add(k);
                    return names.size() - 1;
                });
            }
            g.add(memsetGroup, bySize ? ms.bytes(i) : ms.durationNs(i));
        }
        SummaryStats[] stats = g.finish();
        long grand = SummaryRows.grandTotal(stats);
        List<Integer> order = new ArrayList<>();
        for (int id = 0; id < names.size(); id++) {
            if (stats[id] != null) {
                order.add(id);
            }
        }
        order.sort((a, b) -> {
            int c = Long.compare(stats[b].total(), stats[a].total());
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Object[]> rows = new ArrayList<>();
        List<Column> cols;
        if (bySize) {
            cols = List.of(new Column("Total", Kind.BYTES_MB), new Column("Count", Kind.INTEGER),
                    new Column("Avg", Kind.BYTES_MB), new Column("Med", Kind.BYTES_MB), new Column("Min", Kind.BYTES_MB),
                    new Column("Max", Kind.BYTES_MB), new Column("StdDev", Kind.BYTES_MB),
                    new Column("Operation", Kind.TEXT));
            for (int id : order) {
                SummaryStats s = stats[id];
                rows.add(new Object[] {s.total(), s.count(), s.mean(), s.median(), s.min(), s.max(), s.stddev(),
                        names.get(id)});
            }
        } else {
            cols = SummaryRows.durationColumns("Count", true);
            cols.add(new Column("Operation", Kind.TEXT));
            for (int id : order) {
                rows.add(SummaryRows.durationRow(stats[id], grand, true, names.get(id)));
            }
        }
        return new ResultTable(name(), title(), cols, rows);
    }
}
