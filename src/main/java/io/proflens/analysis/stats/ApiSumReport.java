package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.RowSinks;
import io.proflens.model.TableKind;
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
public final class ApiSumReport implements StreamableReport {
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

    @Override
    public String missingData(Trace trace) {
        if ((osrt ? trace.osRuntime() : trace.cudaApi()).present()) {
            return null;
        }
        return osrt ? "does not contain OS Runtime trace data." : "does not contain CUDA trace data.";
    }

    @Override
    public Accumulator accumulator(StatsContext ctx) {
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        // group 0 holds calls without a name; group id + 1 otherwise
        GroupedStats g = new GroupedStats(1024, 0);
        RowSinks.ApiCallSink sink = (s, e, tid, corr, nameId, eventClass, ret, nest) -> {
            if (osrt && eventClass != ApiCallTable.CLASS_OS_RUNTIME) {
                return -1;
            }
            if (all || f.keepThreadRow(s, e, tid)) {
                g.add(nameId < 0 ? 0 : nameId + 1, e - s);
            }
            return -1;
        };
        return new Accumulator() {
            @Override
            public RowSinks sinks() {
                return osrt ? new RowSinks(null, null, null, null, null, sink) : new RowSinks(null, null, null, sink, null, null);
            }

            @Override
            public ResultTable finish(Trace trace) {
                SummaryStats[] stats = g.finish();
                long grand = SummaryRows.grandTotal(stats);
                List<Integer> groups = SummaryRows.nonEmptyGroups(stats);
                groups.sort((a, b) -> {
                    int c = Long.compare(stats[b].total(), stats[a].total());
                    return c != 0 ? c : Integer.compare(a, b);
                });
                List<Object[]> rows = new ArrayList<>(groups.size());
                for (int id : groups) {
                    String nm = id == 0 ? null : trace.string(id - 1);
                    rows.add(SummaryRows.durationRow(stats[id], grand, true, osrt ? nm : NamingPolicy.stripApiVersion(nm)));
                }
                List<Column> cols = SummaryRows.durationColumns("Num Calls", true);
                cols.add(new Column("Name", Kind.TEXT));
                return new ResultTable(name(), title(), cols, rows);
            }
        };
    }
}
