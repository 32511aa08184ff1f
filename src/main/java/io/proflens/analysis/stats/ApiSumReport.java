package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.ingest.ImportOptions.TableKind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cuda_api_sum} (CUDA API Summary) and {@code osrt_sum} (OS Runtime Summary): calls grouped by
 * function name id; columns {@code Time (%)}, {@code Total Time}, {@code Num Calls}, {@code Avg}, {@code Med},
 * {@code Min}, {@code Max}, {@code StdDev}, {@code Name}; ordered by total DESC. nsys leaves ties to SQLite;
 * proflens breaks them by name id ascending (first-registered string first; nsys-reference.md §2.3).
 * {@code cuda_api_sum} lists runtime and driver calls and strips {@code _vNNNN} suffixes
 * ({@link NamingPolicy#stripApiVersion}); {@code osrt_sum} keeps event class 27 only.
 */
public final class ApiSumReport implements StatsReport {
    private final boolean osrt;

    private ApiSumReport(boolean osrt) {
        this.osrt = osrt;
    }

    /** @return the {@code cuda_api_sum} report. */
    public static ApiSumReport cudaApiSum() {
        return new ApiSumReport(false);
    }

    /** @return the {@code osrt_sum} report. */
    public static ApiSumReport osrtSum() {
        return new ApiSumReport(true);
    }

    @Override public String name() { return osrt ? "osrt_sum" : "cuda_api_sum"; }
    @Override public String title() { return osrt ? "OS Runtime Summary" : "CUDA API Summary"; }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(osrt ? TableKind.OSRT : TableKind.CUDA_API); }

    private ApiCallTable table(Trace t) {
        return osrt ? t.osRuntime() : t.cudaApi();
    }

    @Override
    public String missingData(Trace trace) {
        if (table(trace).present()) {
            return null;
        }
        return osrt ? "does not contain OS Runtime trace data." : "does not contain CUDA trace data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        ApiCallTable t = table(trace);
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        GroupedStats g = new GroupedStats(trace.strings().size() + 1, t.size());
        int none = trace.strings().size();
        for (int i = 0, n = t.size(); i < n; i++) {
            if (osrt && t.eventClass(i) != ApiCallTable.CLASS_OS_RUNTIME) {
                continue;
            }
            if (all || f.keepThreadRow(t.startNs(i), t.endNs(i), t.globalTid(i))) {
                int id = t.nameId(i);
                g.add(id < 0 ? none : id, t.durationNs(i));
            }
        }
        SummaryStats[] stats = g.finish();
        long grand = SummaryRows.grandTotal(stats);
        List<Integer> groups = new ArrayList<>();
        for (int id = 0; id < stats.length; id++) {
            if (stats[id] != null) {
                groups.add(id);
            }
        }
        groups.sort((a, b) -> {
            int c = Long.compare(stats[b].total(), stats[a].total());
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Object[]> rows = new ArrayList<>(groups.size());
        for (int id : groups) {
            String nm = id == none ? null : trace.string(id);
            rows.add(SummaryRows.durationRow(stats[id], grand, true, osrt ? nm : NamingPolicy.stripApiVersion(nm)));
        }
        List<Column> cols = SummaryRows.durationColumns("Num Calls", true);
        cols.add(new Column("Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }
}
