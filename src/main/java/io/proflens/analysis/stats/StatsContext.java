package io.proflens.analysis.stats;

import java.util.List;

/**
 * Everything a report needs besides the trace: its arguments ({@code cuda_gpu_kern_sum:base} → {@code [base]}),
 * the row filter and the naming policy.
 *
 * @param args   report arguments after the name, lower-case, in order given
 * @param filter row filter ({@link TraceFilter#NONE} for none)
 * @param naming version-dependent naming; {@code null} means "from the trace's metadata"
 * @param stripNvtxOpIds when {@code naming} is decided from the metadata: strip PyTorch op ids from NVTX names
 *                       (see {@link NamingPolicy#stripOpIds()})
 */
public record StatsContext(List<String> args, TraceFilter filter, NamingPolicy naming, boolean stripNvtxOpIds) {
    public StatsContext {
        args = List.copyOf(args);
    }

    /** A context without op-id stripping. */
    public StatsContext(List<String> args, TraceFilter filter, NamingPolicy naming) {
        this(args, filter, naming, false);
    }

    /** @return whether argument {@code a} was given. */
    public boolean has(String a) {
        return args.contains(a);
    }
}
