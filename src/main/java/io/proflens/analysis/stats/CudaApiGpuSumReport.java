package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.List;
import java.util.Set;

/**
 * {@code cuda_api_gpu_sum[:base|:mangled]} — CUDA Summary (API/Kernels/MemOps). Like
 * {@link CudaGpuSumReport} plus every CUDA runtime and driver API call (category {@code CUDA_API}, name with
 * a trailing {@code _vNNNN} stripped by {@link NamingPolicy#stripApiVersion}), one percentage over the whole
 * union.
 *
 * <p>Columns: {@code Time (%)}, {@code Total Time (ns)}, {@code Instances}, {@code Avg (ns)},
 * {@code Med (ns)}, {@code Min (ns)}, {@code Max (ns)}, {@code StdDev (ns)}, {@code Category},
 * {@code Operation} (headers as in public nsys console output of this report). Order: total DESC; ties by
 * operation name (code point order), then category.
 *
 * <p>Source: the nsys documentation of {@code cuda_api_gpu_sum} and public console output; the script itself
 * was not available, so three points are <em>inferred</em> from {@code cuda_gpu_sum.py} and
 * {@code cuda_api_sum.py}: API rows are grouped by the stripped name string (two raw names that strip to the
 * same string form one row, where {@code cuda_api_sum} would print two); the SKIPPED text is
 * "does not contain CUDA trace data." when the export has neither CUDA API nor GPU tables; memcpy labels and
 * the {@code nvtx-name} argument as in {@link CudaGpuSumReport}.
 */
public final class CudaApiGpuSumReport implements StatsReport {
    @Override public String name() { return "cuda_api_gpu_sum"; }
    @Override public String title() { return "CUDA Summary (API/Kernels/MemOps)"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }

    @Override
    public Set<TableKind> needs(List<String> args) {
        return Set.of(TableKind.CUDA_API, TableKind.KERNEL, TableKind.MEMCPY, TableKind.MEMSET);
    }

    @Override
    public String missingData(Trace trace) {
        return trace.cudaApi().present() || trace.kernels().present() || trace.memcpys().present()
                || trace.memsets().present() ? null : "does not contain CUDA trace data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        return GpuUnionSummary.compute(name(), title(), trace, ctx, true);
    }
}
