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
        if ((t.nvtx().size() > 0 || t.cpuRanges().size() > 0) && t.kernels().size() > 0 && ctx.anatomy().hasLayers()) {
            out.addAll(ctx.anatomy().toTables());
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
        io.proflens.model.ncu.NcuReport ncu = ctx.ncu();
        if (ncu != null && !ncu.kernels().isEmpty()) {
            io.proflens.analysis.ncu.KernelEfficiency e = ctx.analysis("ncuEfficiency", () ->
                    io.proflens.analysis.ncu.KernelEfficiency.of(ncu, io.proflens.rules.ncu.NcuRule.smCountFromTrace(t, ncu)));
            out.add(e.toTables().get(0)); // ncu_kernels (ncu_metrics, every metric, only in json)
            if (t.kernels().size() > 0) {
                io.proflens.analysis.ncu.NcuJoin j = ctx.analysis("ncuJoin", () -> io.proflens.analysis.ncu.NcuJoin.of(ncu, t));
                out.add(j.toTable());
            }
        }
        return out;
    }

    /**
     * Series that only charts need (not printed by {@code analyze}): {@code gpu_utilization_over_time} with one row
     * per (device, nsys gpu_time_util chunk): GPU label, chunk start (ns), busy % (union of GPU ops in the chunk).
     */
    static List<ResultTable> charts(RuleContext ctx) {
        List<ResultTable> out = new ArrayList<>();
        if (ctx.hasGpuWork()) {
            List<Object[]> rows = new ArrayList<>();
            for (io.proflens.analysis.gputime.GpuUtilization.Device d : ctx.gpuUtilization().devices()) {
                String label = "pid " + d.pid() + " GPU " + d.deviceId();
                for (io.proflens.analysis.gputime.GpuUtilization.Chunk c : d.chunkSeries()) {
                    rows.add(new Object[] {label, c.startNs(), c.busyPct()});
                }
            }
            out.add(new ResultTable("gpu_utilization_over_time", "GPU Utilization over Time", List.of(
                    new ResultTable.Column("GPU", ResultTable.Kind.TEXT),
                    new ResultTable.Column("Chunk Start", ResultTable.Kind.TIMESTAMP),
                    new ResultTable.Column("Busy", ResultTable.Kind.PERCENT)), rows));
        }
        return out;
    }
}
