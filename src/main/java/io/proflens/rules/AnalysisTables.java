package io.proflens.rules;

import io.proflens.analysis.ResultTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.List;

/** The analysis tables {@code proflens analyze} shows, in reading order, taken from a {@link RuleContext}. */
final class AnalysisTables {
    private AnalysisTables() {
    }

    static List<ResultTable> of(RuleContext ctx) {
        Trace t = ctx.trace();
        List<ResultTable> out = new ArrayList<>();
        boolean gpu = t.kernels().size() + t.memcpys().size() + t.memsets().size() > 0;
        if (gpu) {
            out.add(ctx.gpuTimeBreakdown().toTable());
        }
        if (t.kernels().size() > 0) {
            out.addAll(ctx.categoryBreakdown().toTables());
        }
        return out;
    }
}
