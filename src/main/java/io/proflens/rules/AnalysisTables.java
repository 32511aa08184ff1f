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
        if (gpu) {
            out.addAll(ctx.gpuUtilization().toTables());
            out.add(ctx.idleAttribution().toTable());
        }
        if (t.kernels().size() > 0) {
            out.addAll(ctx.categoryBreakdown().toTables());
        }
        if (t.kernels().size() > 0 && ctx.commOverlap().ranks().stream().anyMatch(r -> r.communicationNs() > 0)) {
            out.add(ctx.commOverlap().toTable());
        }
        if (t.nvtx().size() > 0) {
            out.addAll(ctx.phases().toTables());
        }
        if (t.memcpys().size() > 0) {
            out.addAll(ctx.memoryTransfers().toTables());
        }
        if (t.cudaApi().size() > 0) {
            out.addAll(ctx.cudaApi().toTables());
        }
        if (t.osRuntime().size() > 0) {
            out.addAll(ctx.osRuntime().toTables());
        }
        return out;
    }
}
