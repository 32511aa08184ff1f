package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
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
 * {@code nvtx_gpu_proj_sum} — NVTX GPU Projection Summary: the projected ranges of
 * {@link NvtxGpuProjTraceReport} (same {@link NvtxGpuProjection}) grouped by (range name, style). Child time
 * is not subtracted, so totals can exceed the capture.
 *
 * <p>Columns: {@code Range}, {@code Style}, {@code Total Proj Time (ns)} (sum of projected durations),
 * {@code Total Range Time (ns)} (sum of the original NVTX durations), {@code Range Instances},
 * {@code Proj Avg (ns)}, {@code Proj Med (ns)}, {@code Proj Min (ns)}, {@code Proj Max (ns)},
 * {@code Proj StdDev (ns)} (of the projected durations; Avg/Med/StdDev rounded to 0.1, sample deviation),
 * {@code Total GPU Ops} (sum of NumGPUOps), {@code Avg GPU Ops}, {@code Avg Range Lvl},
 * {@code Avg Num Child} (means rounded to 0.1, stored as {@link Double} in integer columns so that they print
 * with one decimal, e.g. {@code 22.6}, {@code 3.0}). Order: total projected time DESC, ties by range name
 * (code point order) and style.
 *
 * <p>Source: the column list and descriptions of the nsys documentation for {@code nvtx_gpu_proj_sum} and
 * public CSV output of the report (one-decimal averages, rows by total projected time descending); the
 * script itself was not available, so the grouping key (name, style), the order and the rounding are
 * <em>inferred</em> from that output and from {@code nvtx_gpu_proj_trace.py}. SKIPPED texts as the trace.
 */
public final class NvtxGpuProjSumReport implements StatsReport {
    @Override public String name() { return "nvtx_gpu_proj_sum"; }
    @Override public String title() { return "NVTX GPU Projection Summary"; }

    @Override
    public Set<TableKind> needs(List<String> args) {
        return Set.of(TableKind.NVTX, TableKind.CUDA_API, TableKind.KERNEL, TableKind.MEMCPY, TableKind.MEMSET);
    }

    @Override
    public String missingData(Trace trace) {
        return NvtxGpuProjection.missing(trace);
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        NvtxGpuProjection p = NvtxGpuProjection.compute(trace, ctx.filter());
        NvtxTable t = p.nvtx;
        NvtxPushPopTraceReport.NameCache names = new NvtxPushPopTraceReport.NameCache(trace, t);
        Map<String, Integer> groupByKey = new HashMap<>();
        List<String> groupName = new ArrayList<>();
        List<String> groupStyle = new ArrayList<>();
        int[] byNameIdx = new int[16];
        int np = p.projected.length;
        int[] groupOf = new int[np];
        for (int x = 0; x < np; x++) {
            int r = p.projected[x];
            int ni = names.indexOf(r);
            int style = t.isPushPop(r) ? 0 : 1;
            int slot = 2 * ni + style;
            if (slot >= byNameIdx.length) {
                byNameIdx = Arrays.copyOf(byNameIdx, Math.max(slot + 1, byNameIdx.length * 2));
            }
            int g = byNameIdx[slot] - 1;
            if (g < 0) {
                String nm = names.name(ni);
                String st = style == 0 ? ReportText.PUSH_POP : ReportText.START_END;
                Integer e = groupByKey.get(st + "\u0000" + nm);
                if (e == null) {
                    e = groupName.size();
                    groupByKey.put(st + "\u0000" + nm, e);
                    groupName.add(nm);
                    groupStyle.add(st);
                }
                g = e;
                byNameIdx[slot] = g + 1;
            }
            groupOf[x] = g;
        }
        int ng = groupName.size();
        GroupedStats proj = new GroupedStats(ng, np);
        long[] origTotal = new long[ng];
        long[] ops = new long[ng];
        long[] levels = new long[ng];
        long[] children = new long[ng];
        for (int x = 0; x < np; x++) {
            int r = p.projected[x];
            int g = groupOf[x];
            proj.add(g, p.projDuration(r));
            origTotal[g] += p.origDuration(r);
            ops[g] += p.opCount[r];
            levels[g] += p.tree.level()[r];
            children[g] += p.numChild[r];
        }
        SummaryStats[] stats = proj.finish();
        List<Integer> order = new ArrayList<>(ng);
        for (int g = 0; g < ng; g++) {
            order.add(g);
        }
        order.sort((a, b) -> {
            int c = Long.compare(stats[b].total(), stats[a].total());
            if (c != 0) {
                return c;
            }
            c = ReportText.compareText(groupName.get(a), groupName.get(b));
            return c != 0 ? c : groupStyle.get(a).compareTo(groupStyle.get(b));
        });
        List<Object[]> rows = new ArrayList<>(ng);
        for (int g : order) {
            SummaryStats s = stats[g];
            double n = s.count();
            rows.add(new Object[] {
                groupName.get(g),
                groupStyle.get(g),
                s.total(),
                origTotal[g],
                s.count(),
                SummaryStats.round1(s.mean()),
                SummaryStats.round1(s.median()),
                s.min(),
                s.max(),
                SummaryStats.round1(s.stddev()),
                ops[g],
                SummaryStats.round1(ops[g] / n),
                SummaryStats.round1(levels[g] / n),
                SummaryStats.round1(children[g] / n)
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("Range", Kind.TEXT),
                new Column("Style", Kind.TEXT),
                new Column("Total Proj Time", Kind.DURATION),
                new Column("Total Range Time", Kind.DURATION),
                new Column("Range Instances", Kind.INTEGER),
                new Column("Proj Avg", Kind.DURATION),
                new Column("Proj Med", Kind.DURATION),
                new Column("Proj Min", Kind.DURATION),
                new Column("Proj Max", Kind.DURATION),
                new Column("Proj StdDev", Kind.DURATION),
                new Column("Total GPU Ops", Kind.INTEGER),
                new Column("Avg GPU Ops", Kind.INTEGER),
                new Column("Avg Range Lvl", Kind.INTEGER),
                new Column("Avg Num Child", Kind.INTEGER));
        return new ResultTable(name(), title(), cols, rows);
    }
}
