package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.List;
import java.util.Set;

/**
 * {@code cuda_gpu_sum[:base|:mangled]} — CUDA GPU Summary (Kernels/MemOps). Semantics of nsys
 * {@code cuda_gpu_sum.py} (2020–2024): the union of kernels (category {@code CUDA_KERNEL}, named as in
 * {@code cuda_gpu_kern_sum}: demangled, {@code :base} short, {@code :mangled} mangled falling back to
 * demangled) and memory operations (category {@code MEMORY_OPER}, {@code [CUDA memcpy <label>]} and
 * {@code [CUDA memset]} as in {@code cuda_gpu_mem_time_sum}), grouped by name, one percentage over all rows.
 *
 * <p>Columns: {@code Time (%)}, {@code Total Time (ns)}, {@code Instances}, {@code Avg (ns)},
 * {@code Med (ns)}, {@code Min (ns)}, {@code Max (ns)}, {@code StdDev (ns)} (Avg/Med/StdDev rounded to
 * 0.1 ns, sample standard deviation), {@code Category}, {@code Operation}. Order: total DESC (nsys
 * {@code ORDER BY 2 DESC}); nsys leaves ties to SQLite, proflens orders them by operation name (code point
 * order) and category.
 *
 * <p>Deviations: the {@code nvtx-name} argument is not supported. nsys SKIPs with "does not contain
 * ENUM_CUDA_MEMCPY_OPER table." on exports without that enum (nsys 2020/2021); proflens uses its built-in
 * copy of the enum there (as {@link MemOpSumReport} does) and prints the report. Memcpy rows with an unknown
 * copy kind are dropped, as nsys's inner join drops them.
 */
public final class CudaGpuSumReport implements StatsReport {
    @Override public String name() { return "cuda_gpu_sum"; }
    @Override public String title() { return "CUDA GPU Summary (Kernels/MemOps)"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }

    @Override
    public Set<TableKind> needs(List<String> args) {
        return Set.of(TableKind.KERNEL, TableKind.MEMCPY, TableKind.MEMSET);
    }

    @Override
    public String missingData(Trace trace) {
        return trace.kernels().present() || trace.memcpys().present() || trace.memsets().present() ? null
                : "does not contain GPU kernel/memory operations data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        return GpuUnionSummary.compute(name(), title(), trace, ctx, false);
    }
}
