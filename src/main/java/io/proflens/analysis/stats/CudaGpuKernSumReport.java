package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.RowSinks;
import io.proflens.model.StringTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cuda_gpu_kern_sum[:base|:mangled]} — CUDA GPU Kernel Summary. Kernels grouped by name string
 * (demangled; {@code :base} short; {@code :mangled} mangled, else demangled); columns {@code Time (%)},
 * {@code Total Time}, {@code Instances}, {@code Avg}, {@code Med}, {@code Min}, {@code Max}, {@code StdDev},
 * {@code Name}; ordered by total DESC, instances ASC, name ASC (nsys {@code ORDER BY 2 DESC, 3, "Name"}).
 * Percent is of the listed rows.
 */
public final class CudaGpuKernSumReport implements StreamableReport {
    @Override public String name() { return "cuda_gpu_kern_sum"; }
    @Override public String title() { return "CUDA GPU Kernel Summary"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.KERNEL); }

    @Override
    public String missingData(Trace trace) {
        return trace.kernels().present() ? null : "does not contain CUDA kernel data.";
    }

    @Override
    public Accumulator accumulator(StatsContext ctx) {
        int mode = ctx.has("base") ? 1 : ctx.has("mangled") ? 2 : 0;
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        GroupedStats g = new GroupedStats(1024, 0);
        RowSinks.KernelSink sink = (s, e, dev, cx, st, corr, pid, dem, sh, man) -> {
            if (all || f.keepProcessRow(s, e, pid)) {
                int id = mode == 1 ? sh : mode == 2 && man != StringTable.NONE ? man : dem;
                g.add(id, e - s);
            }
            return -1;
        };
        return new Accumulator() {
            @Override
            public RowSinks sinks() {
                return new RowSinks(sink, null, null, null, null, null);
            }

            @Override
            public ResultTable finish(Trace trace) {
                SummaryStats[] stats = g.finish();
                long grand = SummaryRows.grandTotal(stats);
                List<Integer> groups = SummaryRows.nonEmptyGroups(stats);
                groups.sort((a, b) -> {
                    int c = Long.compare(stats[b].total(), stats[a].total());
                    if (c != 0) {
                        return c;
                    }
                    c = Long.compare(stats[a].count(), stats[b].count());
                    return c != 0 ? c : trace.string(a).compareTo(trace.string(b));
                });
                List<Object[]> rows = new ArrayList<>(groups.size());
                for (int id : groups) {
                    rows.add(SummaryRows.durationRow(stats[id], grand, true, trace.string(id)));
                }
                List<Column> cols = SummaryRows.durationColumns("Instances", true);
                cols.add(new Column("Name", Kind.TEXT));
                return new ResultTable(name(), title(), cols, rows);
            }
        };
    }
}
