package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.RowSinks;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A report over several ranks (one trace per rank, e.g. one nsys export or Kineto trace per GPU process), in
 * the two forms of {@code nsys recipe}: per rank (the report's rows of every rank, with a leading {@code Rank}
 * column, ranks ascending, each rank's rows in the report's order) and combined (the report computed over the
 * rows of all ranks together, e.g. one {@code cuda_gpu_kern_sum} row per kernel name over all ranks).
 *
 * <p>Names are strings, not ids: each trace interns its own, so the combined form maps every rank's ids into
 * one union {@link StringTable} while the rows stream into a single accumulator.
 */
public final class MultiRankStats {
    private MultiRankStats() {
    }

    /**
     * @param ranks rank number of each trace (parallel to {@code traces})
     * @return the per-rank table, or {@code null} when no rank has the report's data
     */
    public static ResultTable perRank(StatsReport report, List<Trace> traces, List<Integer> ranks, StatsContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        List<Column> cols = null;
        String title = report.title();
        for (int r = 0; r < traces.size(); r++) {
            Trace t = traces.get(r);
            if (report.missingData(t) != null) {
                continue;
            }
            ResultTable one = report.compute(t, ctx);
            if (cols == null) {
                cols = new ArrayList<>();
                cols.add(new Column("Rank", Kind.INTEGER));
                cols.addAll(one.columns());
            }
            for (Object[] row : one.rows()) {
                Object[] out = new Object[row.length + 1];
                out[0] = (long) ranks.get(r);
                System.arraycopy(row, 0, out, 1, row.length);
                rows.add(out);
            }
        }
        return cols == null ? null : new ResultTable(report.name(), title + " (per rank)", cols, rows);
    }

    /**
     * @return the report over the rows of all ranks, or {@code null} when the report cannot combine (it is
     *         not a {@link StreamableReport}) or no rank has its data
     */
    public static ResultTable combined(StatsReport report, List<Trace> traces, StatsContext ctx) {
        if (!(report instanceof StreamableReport)) {
            return null;
        }
        boolean any = false;
        for (Trace t : traces) {
            any |= report.missingData(t) == null;
        }
        if (!any) {
            return null;
        }
        StreamableReport.Accumulator acc = ((StreamableReport) report).accumulator(ctx);
        RowSinks target = acc.sinks();
        StringTable union = new StringTable();
        for (Trace t : traces) {
            int[] map = new int[t.strings().size()];
            for (int i = 0; i < map.length; i++) {
                map[i] = union.intern(t.string(i));
            }
            RowSinks s = remap(target, map);
            if (s.kernels() != null) {
                t.kernels().replay(s.kernels());
            }
            if (s.memcpys() != null) {
                t.memcpys().replay(s.memcpys());
            }
            if (s.memsets() != null) {
                t.memsets().replay(s.memsets());
            }
            if (s.cudaApi() != null) {
                t.cudaApi().replay(s.cudaApi());
            }
            if (s.nvtx() != null) {
                t.nvtx().replay(s.nvtx());
            }
            if (s.osRuntime() != null) {
                t.osRuntime().replay(s.osRuntime());
            }
        }
        ResultTable r = acc.finish(unionTrace(traces, union));
        return new ResultTable(r.reportName(), r.title() + " (all ranks)", r.columns(), r.rows());
    }

    /** A trace with no rows: the union strings and the first rank's metadata, tables present where any rank has them. */
    private static Trace unionTrace(List<Trace> traces, StringTable union) {
        boolean k = false;
        boolean mc = false;
        boolean ms = false;
        boolean api = false;
        boolean sy = false;
        boolean nv = false;
        boolean os = false;
        for (Trace t : traces) {
            k |= t.kernels().present();
            mc |= t.memcpys().present();
            ms |= t.memsets().present();
            api |= t.cudaApi().present();
            sy |= t.syncs().present();
            nv |= t.nvtx().present();
            os |= t.osRuntime().present();
        }
        Trace first = traces.get(0);
        return new Trace(first.metadata(), union, KernelTable.empty(k), MemcpyTable.empty(mc), MemsetTable.empty(ms),
                ApiCallTable.empty(api), SyncTable.empty(sy), NvtxTable.empty(nv), ApiCallTable.empty(os),
                Map.of(), Map.of(), List.of(), List.of(), null);
    }

    private static int m(int[] map, int id) {
        return id < 0 || id >= map.length ? id : map[id];
    }

    /** Sinks that translate a rank's string ids into the union table's before forwarding. */
    static RowSinks remap(RowSinks t, int[] map) {
        RowSinks.KernelSink k = t.kernels() == null ? null
                : (s, e, d, cx, st, corr, pid, dem, sh, man) -> t.kernels().kernel(s, e, d, cx, st, corr, pid,
                        m(map, dem), m(map, sh), m(map, man));
        RowSinks.ApiCallSink a = t.cudaApi() == null ? null
                : (s, e, tid, corr, name, cls, ret, nest) -> t.cudaApi().call(s, e, tid, corr, m(map, name), cls, ret, nest);
        RowSinks.ApiCallSink o = t.osRuntime() == null ? null
                : (s, e, tid, corr, name, cls, ret, nest) -> t.osRuntime().call(s, e, tid, corr, m(map, name), cls, ret, nest);
        RowSinks.NvtxSink n = t.nvtx() == null ? null
                : (s, e, type, text, dom, domName, tid, endTid) -> t.nvtx().nvtx(s, e, type, m(map, text), dom,
                        m(map, domName), tid, endTid);
        return new RowSinks(k, t.memcpys(), t.memsets(), a, n, o);
    }
}
