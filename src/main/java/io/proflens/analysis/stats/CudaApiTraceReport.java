package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.TableKind;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cuda_api_trace} — CUDA API Trace. Semantics of nsys {@code cuda_api_trace.py} (2020–2024): every
 * CUDA runtime and driver API call, one row each.
 *
 * <p>Columns: {@code Start (ns)} (timestamp), {@code Duration (ns)}, {@code Name} (with a trailing
 * {@code _vNNNN} stripped by {@link NamingPolicy#stripApiVersion}: the script applies the same
 * {@code CASE substr(name, -6, 2) WHEN '_v'} rule as {@code cuda_api_sum}), {@code Result} (return value),
 * {@code CorrID}, {@code Pid}, {@code Tid}, {@code T-Pri} (thread priority) and {@code Thread Name} (from
 * {@link Trace#threads()}; both NULL for a thread without a {@code ThreadNames} row). Order: start
 * (nsys {@code ORDER BY 1}); ties in table order.
 *
 * <p>Deviations: nsys also SKIPs when the export has no {@code ThreadNames} table; the model cannot tell an
 * absent table from an empty one, so proflens prints the report with empty thread columns. A thread with
 * several {@code ThreadNames} rows would repeat nsys's rows (left join); the model keeps one name per thread.
 */
public final class CudaApiTraceReport implements StatsReport {
    @Override public String name() { return "cuda_api_trace"; }
    @Override public String title() { return "CUDA API Trace"; }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.CUDA_API); }

    @Override
    public String missingData(Trace trace) {
        return trace.cudaApi().present() ? null : "does not contain CUDA trace data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        ApiCallTable t = trace.cudaApi();
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        int[] sel = new int[t.size()];
        int m = 0;
        for (int i = 0, n = t.size(); i < n; i++) {
            if (all || f.keepThreadRow(t.startNs(i), t.endNs(i), t.globalTid(i))) {
                sel[m++] = i;
            }
        }
        int[] order = PrimitiveSort.sortIndices(Arrays.copyOf(sel, m), (a, b) -> Long.compare(t.startNs(a), t.startNs(b)));
        Map<Long, ThreadInfo> threads = trace.threads();
        String[] names = new String[trace.strings().size() + 1];
        long lastTid = 0;
        ThreadInfo lastInfo = null;
        boolean haveLast = false;
        List<Object[]> rows = new ArrayList<>(m);
        for (int i : order) {
            long gtid = t.globalTid(i);
            if (!haveLast || gtid != lastTid) {
                lastTid = gtid;
                lastInfo = threads.get(gtid);
                haveLast = true;
            }
            rows.add(new Object[] {
                t.startNs(i),
                t.durationNs(i),
                CudaKernExecTraceReport.apiName(trace, names, t.nameId(i)),
                (long) t.returnValue(i),
                (long) t.correlationId(i),
                (long) GlobalIds.pid(gtid),
                (long) GlobalIds.tid(gtid),
                lastInfo == null ? null : (Object) (long) lastInfo.priority(),
                lastInfo == null ? null : lastInfo.name()
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("Start", Kind.TIMESTAMP),
                new Column("Duration", Kind.DURATION),
                new Column("Name", Kind.TEXT),
                new Column("Result", Kind.INTEGER),
                new Column("CorrID", Kind.INTEGER),
                new Column("Pid", Kind.INTEGER),
                new Column("Tid", Kind.INTEGER),
                new Column("T-Pri", Kind.INTEGER),
                new Column("Thread Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }
}
