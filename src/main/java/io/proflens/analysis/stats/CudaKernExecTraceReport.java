package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code cuda_kern_exec_trace[:base|:mangled]} — CUDA Kernel Launch &amp; Exec Time Trace. One row per kernel
 * whose launching API call is in the capture (process-scoped correlation join, see {@link KernelLaunchJoin};
 * semantics of nsys {@code cuda_kern_exec_trace.py}, 2021–2024).
 *
 * <p>Columns: {@code API Start (ns)} (timestamp), {@code API Dur (ns)}, {@code Queue Start (ns)} (= API end,
 * NULL when the kernel started before the call returned), {@code Queue Dur (ns)} (NULL likewise),
 * {@code Kernel Start (ns)}, {@code Kernel Dur (ns)}, {@code Total Dur (ns)} ({@code max(api end, kernel end)
 * - api start}), {@code PID}, {@code TID} (of the launching thread), {@code DevId}, {@code API Function}
 * ({@code _vNNNN} suffix stripped), {@code GridXYZ}, {@code BlockXYZ} ({@code printf('%4d %4d %4d')}),
 * {@code Kernel Name} (demangled, {@code :base} short, {@code :mangled} mangled or demangled).
 * Order: API start (nsys {@code ORDER BY 1}); ties by kernel start, then kernel row.
 *
 * <p>Deviation: the {@code nvtx-name} argument is not supported.
 */
public final class CudaKernExecTraceReport implements StatsReport {
    @Override public String name() { return "cuda_kern_exec_trace"; }
    @Override public String title() { return "CUDA Kernel Launch & Exec Time Trace"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.KERNEL, TableKind.CUDA_API); }
    @Override public boolean needsLaunchConfig(List<String> args) { return true; }

    @Override
    public String missingData(Trace trace) {
        return CudaKernExecSumReport.missing(trace);
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        KernelTable k = trace.kernels();
        ApiCallTable r = trace.cudaApi();
        KernelNames names = new KernelNames(k, ctx);
        KernelLaunchJoin j = KernelLaunchJoin.of(trace, ctx.filter());
        int[] idx = PrimitiveSort.sortIndices(PrimitiveSort.identity(j.size), (a, b) -> {
            int c = Long.compare(r.startNs(j.api[a]), r.startNs(j.api[b]));
            if (c != 0) {
                return c;
            }
            c = Long.compare(k.startNs(j.kernel[a]), k.startNs(j.kernel[b]));
            return c != 0 ? c : Integer.compare(j.kernel[a], j.kernel[b]);
        });
        String[] apiNames = new String[trace.strings().size() + 1];
        List<Object[]> rows = new ArrayList<>(j.size);
        for (int m : idx) {
            int ki = j.kernel[m];
            int ai = j.api[m];
            long q = KernelLaunchJoin.queueNs(k, r, ki, ai);
            long gtid = r.globalTid(ai);
            rows.add(new Object[] {
                r.startNs(ai),
                r.durationNs(ai),
                q >= 0 ? r.endNs(ai) : null,
                q >= 0 ? q : null,
                k.startNs(ki),
                k.durationNs(ki),
                KernelLaunchJoin.totalNs(k, r, ki, ai),
                (long) GlobalIds.pid(gtid),
                (long) GlobalIds.tid(gtid),
                (long) k.deviceId(ki),
                apiName(trace, apiNames, r.nameId(ai)),
                ReportText.xyz(k.gridX(ki), k.gridY(ki), k.gridZ(ki)),
                ReportText.xyz(k.blockX(ki), k.blockY(ki), k.blockZ(ki)),
                trace.string(names.nameId(ki))
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("API Start", Kind.TIMESTAMP),
                new Column("API Dur", Kind.DURATION),
                new Column("Queue Start", Kind.TIMESTAMP),
                new Column("Queue Dur", Kind.DURATION),
                new Column("Kernel Start", Kind.TIMESTAMP),
                new Column("Kernel Dur", Kind.DURATION),
                new Column("Total Dur", Kind.DURATION),
                new Column("PID", Kind.INTEGER),
                new Column("TID", Kind.INTEGER),
                new Column("DevId", Kind.INTEGER),
                new Column("API Function", Kind.TEXT),
                new Column("GridXYZ", Kind.TEXT),
                new Column("BlockXYZ", Kind.TEXT),
                new Column("Kernel Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }

    /** Stripped API name of a name id, memoised in {@code cache} (index {@code length-1} for no name). */
    static String apiName(Trace trace, String[] cache, int nameId) {
        int slot = nameId < 0 ? cache.length - 1 : nameId;
        String s = cache[slot];
        if (s == null && nameId >= 0) {
            s = NamingPolicy.stripApiVersion(trace.string(nameId));
            cache[slot] = s;
        }
        return s;
    }
}
