package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;

/**
 * A report computed by an {@link Accumulator} that consumes rows one at a time, so it can run while the
 * reader streams a table (one scan per table feeding every report, nothing stored) as well as over a stored
 * trace ({@link #compute}, which replays the stored rows into the same accumulator: one code path, so
 * streaming equals eager by construction and by test).
 */
public interface StreamableReport extends StatsReport {
    /** Consumes rows of the tables it needs and builds the result. */
    interface Accumulator {
        /** @return the sinks of the tables this accumulator consumes (others {@code null}). */
        RowSinks sinks();

        /**
         * @param trace the trace (its strings and metadata; streamed tables are empty in it)
         * @return the report
         */
        ResultTable finish(Trace trace);
    }

    /**
     * @param ctx arguments, row filter and naming ({@code ctx.naming()} may be {@code null}: decided from the
     *            trace's metadata at {@link Accumulator#finish})
     * @return a fresh accumulator
     */
    Accumulator accumulator(StatsContext ctx);

    @Override
    default ResultTable compute(Trace trace, StatsContext ctx) {
        Accumulator a = accumulator(ctx);
        RowSinks s = a.sinks();
        if (s.kernels() != null) {
            trace.kernels().replay(s.kernels());
        }
        if (s.memcpys() != null) {
            trace.memcpys().replay(s.memcpys());
        }
        if (s.memsets() != null) {
            trace.memsets().replay(s.memsets());
        }
        if (s.cudaApi() != null) {
            trace.cudaApi().replay(s.cudaApi());
        }
        if (s.nvtx() != null) {
            trace.nvtx().replay(s.nvtx());
        }
        if (s.osRuntime() != null) {
            trace.osRuntime().replay(s.osRuntime());
        }
        return a.finish(trace);
    }

    /** @return the naming to use for {@code trace}. */
    static NamingPolicy naming(StatsContext ctx, Trace trace) {
        return ctx.naming() != null ? ctx.naming()
                : NamingPolicy.forMetadata(trace.metadata()).withStripOpIds(ctx.stripNvtxOpIds());
    }
}
