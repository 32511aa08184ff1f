package io.proflens.analysis.stats;

import java.util.List;

/**
 * Everything a report needs besides the trace: its arguments ({@code cuda_gpu_kern_sum:base} → {@code [base]}),
 * the row filter and the naming policy.
 *
 * @param args   report arguments after the name, lower-case, in order given
 * @param filter row filter ({@link TraceFilter#NONE} for none)
 * @param naming version-dependent naming; {@code null} means "from the trace's metadata"
 */
public record StatsContext(List<String> args, TraceFilter filter, NamingPolicy naming) {
    public StatsContext {
        args = List.copyOf(args);
    }

    /** @return whether argument {@code a} was given. */
    public boolean has(String a) {
        return args.contains(a);
    }
}
