package io.proflens.rules.ncu;

import static io.proflens.rules.ncu.NcuFindings.pct;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.rules.Finding;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Latency-bound: compute and memory throughput are both below {@code maxThroughputPct} of peak (default 60%, ncu
 * rule {@code SOLBottleneck}: "below 60.0% of peak typically indicate latency issues"); the kernel neither saturates
 * a pipeline nor the memory system, so it waits. Recoverable, as an upper bound: reaching the threshold on its
 * busiest unit would take {@code busiest/threshold} of the time.
 */
public final class LatencyBoundRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.latency-bound";
    }

    @Override
    public String title() {
        return "Latency-bound kernel";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: compute (SM) and memory throughput as % of peak (GPU Speed Of Light). Fires "
                + "when both are below 60% (ncu SOLBottleneck: latency issues), with occupancy, warps eligible per "
                + "scheduler and the grid's waves as evidence.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxThroughputPct", "%", KernelEfficiency.LATENCY_BELOW_PCT,
                "compute and memory throughput both below this mean latency-bound",
                "ncu SOLBottleneck rule (60% of peak)"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double max = limits.get("maxThroughputPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        int judged = 0;
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            if (Double.isNaN(k.computePct()) || Double.isNaN(k.memoryPct())) {
                continue;
            }
            judged++;
            double busiest = Math.max(k.computePct(), k.memoryPct());
            if (busiest >= max) {
                continue;
            }
            StringBuilder t = new StringBuilder("compute " + pct(k.computePct()) + ", memory " + pct(k.memoryPct())
                    + " of peak");
            KernelEfficiency.Occupancy o = k.occupancy();
            if (!Double.isNaN(o.achievedPct())) {
                t.append("; occupancy ").append(pct(o.achievedPct()));
                if (!Double.isNaN(o.theoreticalPct())) {
                    t.append(" of ").append(pct(o.theoreticalPct()));
                }
            }
            double eligible = k.source().value(null, "Eligible Warps Per Scheduler");
            double noEligible = k.source().value("%", "No Eligible");
            if (!Double.isNaN(eligible)) {
                t.append("; ").append(NcuFindings.num(eligible)).append(" eligible warps per scheduler");
                if (!Double.isNaN(noEligible)) {
                    t.append(", no eligible warp ").append(pct(noEligible)).append(" of cycles");
                }
            }
            if (k.waves() != null && k.waves().fullWaves() == 0) {
                t.append("; grid fills ").append(NcuFindings.num(k.waves().waves())).append(" of one wave");
            }
            long rec = Math.round(NcuFindings.timeNs(efficiency, k, join) * (1 - busiest / max));
            hits.add(new NcuFindings.Hit(k, Math.min(100, 25 + 50 * (max - busiest) / max), rec, t.toString()));
        }
        if (judged == 0) {
            return Finding.notApplicable(this, "no kernel has compute and memory throughput (collect the "
                    + "SpeedOfLight section)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "every kernel reaches " + pct(max) + " of peak compute or memory throughput ("
                    + judged + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = NcuFindings.rank(hits);
        NcuFindings.Hit w = ranked.get(0);
        String summary = hits.size() + " of " + judged + " kernel(s) latency-bound (compute and memory below "
                + pct(max) + " of peak); " + NcuFindings.shortName(w.kernel()) + ": " + w.text();
        return Finding.of(this, w.score(), summary, NcuFindings.evidence(ranked), List.of(),
                "The kernel waits rather than computes or moves data: more warps in flight (raise occupancy: see "
                        + "ncu.low-occupancy and the limiter), more independent work per thread (unrolling, "
                        + "vectorised loads), and for small grids more blocks (split-K, smaller tiles) or fusion with "
                        + "neighbouring kernels; ncu's Warp State Statistics name the dominant stall.",
                NcuFindings.recoverable(hits));
    }
}
