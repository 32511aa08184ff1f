package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.List;
import java.util.Set;

/**
 * One {@code nsys stats} report, re-implemented over the trace model with nsys's semantics, headers and
 * order. Implementations are stateless.
 */
public interface StatsReport {
    /** @return the nsys report name, e.g. {@code cuda_gpu_kern_sum}. */
    String name();

    /** @return the nsys display name, e.g. "CUDA GPU Kernel Summary". */
    String title();

    /** @return the arguments this report accepts after its name (e.g. {@code base}, {@code mangled}). */
    default Set<String> acceptedArgs() {
        return Set.of();
    }

    /** @return the event tables the importer must load for this report. */
    Set<TableKind> needs(List<String> args);

    /** @return whether kernel grid/block/register columns are needed. */
    default boolean needsLaunchConfig(List<String> args) {
        return false;
    }

    /**
     * @return {@code null} when the trace has this report's data, else the reason nsys prints after
     *         {@code SKIPPED: <file> }, e.g. {@code "does not contain CUDA kernel data."}
     */
    String missingData(Trace trace);

    /**
     * Computes the report. Only called when {@link #missingData} returned {@code null}.
     *
     * @return the table (may have no rows)
     */
    ResultTable compute(Trace trace, StatsContext ctx);
}
