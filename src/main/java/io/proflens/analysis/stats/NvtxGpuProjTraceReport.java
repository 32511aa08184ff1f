package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.GlobalIds;
import io.proflens.model.NvtxTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code nvtx_gpu_proj_trace} — NVTX GPU Projection Trace. Semantics of nsys {@code nvtx_gpu_proj_trace.py}
 * (2021–2024), computed by {@link NvtxGpuProjection}: each push/pop or start/end range that begins and ends
 * on the same thread and encloses at least one CUDA API call that launched GPU work, projected onto the GPU.
 *
 * <p>Columns: {@code Name} ({@code coalesce(domain, '') || ':' || text}), {@code Projected Start (ns)} (first
 * start of the enclosed GPU operations), {@code Projected Duration (ns)} (last end − first start),
 * {@code Orig Start (ns)}, {@code Orig Duration (ns)} (the NVTX range; a missing end replaced by the largest
 * range timestamp), {@code Style} ({@code PushPop}|{@code StartEnd}), {@code PID}, {@code TID},
 * {@code NumGPUOps} (distinct launching calls), {@code Lvl} (from 0), {@code NumChild} (projected ranges
 * directly below), {@code RangeId} (NVTX rowid = 1-based row), {@code ParentId} (tightest enclosing range of
 * the set on the same thread, projected or not; NULL for roots), {@code RangeStack} ({@code :id:id…}).
 *
 * <p>Order: RangeId ascending. The script ends with {@code ORDER BY "Projected Start", "Projected Duration"
 * DESC}, but its column aliases carry a unit suffix ({@code "Projected Start:ts_ns"}), so SQLite resolves the
 * two quoted names as string constants and the rows keep the order of the projection's
 * {@code GROUP BY rt.rangeId}, i.e. RangeId (checked with SQLite 3.40 on the same query shape). proflens
 * reproduces what nsys prints rather than what the script appears to intend.
 *
 * <p>Deviations: tie rules of the tightest container and identical ranges as in {@link NvtxRangeSweep}.
 */
public final class NvtxGpuProjTraceReport implements StatsReport {
    @Override public String name() { return "nvtx_gpu_proj_trace"; }
    @Override public String title() { return "NVTX GPU Projection Trace"; }

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
        int[] parent = p.tree.parent();
        int[] level = p.tree.level();
        String[] stacks = new String[t.size()];
        NvtxPushPopTraceReport.NameCache names = new NvtxPushPopTraceReport.NameCache(trace, t);
        List<Object[]> rows = new ArrayList<>(p.projected.length);
        for (int r : p.projected) {
            long gtid = t.globalTid(r);
            int par = parent[r];
            rows.add(new Object[] {
                names.of(r),
                p.projStart[r],
                p.projDuration(r),
                t.startNs(r),
                p.origDuration(r),
                ReportText.style(t, r),
                (long) GlobalIds.pid(gtid),
                (long) GlobalIds.tid(gtid),
                (long) p.opCount[r],
                (long) level[r],
                (long) p.numChild[r],
                (long) (r + 1),
                par >= 0 ? (Object) (long) (par + 1) : null,
                ReportText.rangeStack(i -> parent[i], stacks, r)
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("Name", Kind.TEXT),
                new Column("Projected Start", Kind.TIMESTAMP),
                new Column("Projected Duration", Kind.DURATION),
                new Column("Orig Start", Kind.TIMESTAMP),
                new Column("Orig Duration", Kind.DURATION),
                new Column("Style", Kind.TEXT),
                new Column("PID", Kind.INTEGER),
                new Column("TID", Kind.INTEGER),
                new Column("NumGPUOps", Kind.INTEGER),
                new Column("Lvl", Kind.INTEGER),
                new Column("NumChild", Kind.INTEGER),
                new Column("RangeId", Kind.INTEGER),
                new Column("ParentId", Kind.INTEGER),
                new Column("RangeStack", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }
}
