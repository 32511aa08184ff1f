package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.RowSinks;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Ties keep the order in which the operations first appeared.
 */
public final class MemOpSumReport implements StreamableReport {
    private static final int MEMSET_GROUP = 256;
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
    public Accumulator accumulator(StatsContext ctx) {
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        // Copies and sets are separate tables that a reader may stream from two threads at once: each sink
        // owns its own state. Ties list copy kinds in order of first appearance, then the memsets.
        GroupedStats g = new GroupedStats(MEMSET_GROUP + 1, 0);
        GroupedStats setValues = new GroupedStats(1, 0);
        int[] firstSeen = new int[MEMSET_GROUP + 1];
        Arrays.fill(firstSeen, Integer.MAX_VALUE);
        firstSeen[MEMSET_GROUP] = MEMSET_GROUP + 1;
        int[] seen = {0};
        RowSinks.MemcpySink copies = (s, e, dev, cx, st, corr, pid, bytes, kind, src, dst) -> {
            if (all || f.keepProcessRow(s, e, pid)) {
                int k = kind & 0xFF;
                if (firstSeen[k] == Integer.MAX_VALUE) {
                    firstSeen[k] = seen[0]++;
                }
                g.add(k, bySize ? bytes : e - s);
            }
            return -1;
        };
        RowSinks.MemsetSink sets = (s, e, dev, cx, st, corr, pid, bytes, memKind, value) -> {
            if (all || f.keepProcessRow(s, e, pid)) {
                setValues.add(0, bySize ? bytes : e - s);
            }
            return -1;
        };
        return new Accumulator() {
            @Override
            public RowSinks sinks() {
                return new RowSinks(null, copies, sets, null, null, null);
            }

            @Override
            public ResultTable finish(Trace trace) {
                NamingPolicy naming = StreamableReport.naming(ctx, trace);
                g.mergeFrom(setValues, 0, MEMSET_GROUP);
                List<Integer> byAppearance = new ArrayList<>();
                for (int k = 0; k <= MEMSET_GROUP; k++) {
                    if (g.count(k) > 0) {
                        byAppearance.add(k);
                    }
                }
                byAppearance.sort((a, b) -> Integer.compare(firstSeen[a], firstSeen[b]));
                Map<String, Integer> groupOfName = new LinkedHashMap<>();
                for (int k : byAppearance) {
                    String nm = k == MEMSET_GROUP ? NamingPolicy.MEMSET_NAME : naming.memcpyName(k);
                    if (nm == null) {
                        continue; // unknown copy kind: nsys's inner join with ENUM_CUDA_MEMCPY_OPER drops it
                    }
                    Integer first = groupOfName.putIfAbsent(nm, k);
                    if (first != null) {
                        g.merge(k, first);
                    }
                }
                List<String> names = new ArrayList<>(groupOfName.keySet());
                List<SummaryStats> stats = new ArrayList<>();
                long grand = 0;
                for (int k : groupOfName.values()) {
                    SummaryStats s = g.stats(k);
                    stats.add(s);
                    grand += s.total();
                }
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    order.add(i);
                }
                order.sort((a, b) -> {
                    int c = Long.compare(stats.get(b).total(), stats.get(a).total());
                    return c != 0 ? c : Integer.compare(a, b);
                });
                List<Object[]> rows = new ArrayList<>();
                List<Column> cols;
                if (bySize) {
                    cols = List.of(new Column("Total", Kind.BYTES_MB), new Column("Count", Kind.INTEGER),
                            new Column("Avg", Kind.BYTES_MB), new Column("Med", Kind.BYTES_MB),
                            new Column("Min", Kind.BYTES_MB), new Column("Max", Kind.BYTES_MB),
                            new Column("StdDev", Kind.BYTES_MB), new Column("Operation", Kind.TEXT));
                    for (int i : order) {
                        SummaryStats s = stats.get(i);
                        rows.add(new Object[] {s.total(), s.count(), s.mean(), s.median(), s.min(), s.max(), s.stddev(),
                                names.get(i)});
                    }
                } else {
                    cols = SummaryRows.durationColumns("Count", true);
                    cols.add(new Column("Operation", Kind.TEXT));
                    for (int i : order) {
                        rows.add(SummaryRows.durationRow(stats.get(i), grand, true, names.get(i)));
                    }
                }
                return new ResultTable(name(), title(), cols, rows);
            }
        };
    }
}
