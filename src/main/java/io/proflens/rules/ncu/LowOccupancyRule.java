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
 * A kernel's achieved occupancy is below {@code minAchievedOccupancyPct} (default 60%, the target engineers monitor):
 * too few resident warps to hide memory and pipeline latency. Severity rises when the kernel is also latency-bound
 * (both throughputs below 60% of peak), because only then does more occupancy translate into speed; compute- or
 * memory-bound kernels at low occupancy are reported as info. No time estimate (see ncu.latency-bound).
 */
public final class LowOccupancyRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.low-occupancy";
    }

    @Override
    public String title() {
        return "Low achieved occupancy";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: achieved occupancy (active warps as % of the SM maximum). Fires below 60% "
                + "(monitoring target); a warning when the kernel is also latency-bound (compute and memory "
                + "throughput below 60% of peak, ncu SOLBottleneck), info otherwise. Names the occupancy limiter.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minAchievedOccupancyPct", "%", 60, "achieved occupancy expected at least",
                        "occupancy monitoring target used by GPU performance engineers"),
                new Threshold("latencyBoundBelowPct", "%", KernelEfficiency.LATENCY_BELOW_PCT,
                        "compute and memory throughput both below this mean latency-bound",
                        "ncu SOLBottleneck rule (60% of peak)"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double min = limits.get("minAchievedOccupancyPct");
        double lat = limits.get("latencyBoundBelowPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        int judged = 0;
        double lowest = Double.MAX_VALUE;
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            KernelEfficiency.Occupancy o = k.occupancy();
            if (Double.isNaN(o.achievedPct())) {
                continue;
            }
            judged++;
            lowest = Math.min(lowest, o.achievedPct());
            if (o.achievedPct() >= min) {
                continue;
            }
            boolean latencyBound = KernelEfficiency.classify(k.computePct(), k.memoryPct(), lat,
                    KernelEfficiency.BALANCE_MARGIN_PCT) == KernelEfficiency.Bound.LATENCY;
            StringBuilder t = new StringBuilder("achieved occupancy " + pct(o.achievedPct()));
            if (!Double.isNaN(o.theoreticalPct())) {
                t.append(" of a theoretical ").append(pct(o.theoreticalPct()));
            }
            if (!o.limiters().isEmpty()) {
                t.append(", limited by ").append(NcuFindings.limiterText(o));
            }
            if (!Double.isNaN(k.launch().registersPerThread())) {
                t.append(", ").append(Math.round(k.launch().registersPerThread())).append(" registers per thread");
            }
            if (!Double.isNaN(k.computePct()) && !Double.isNaN(k.memoryPct())) {
                t.append("; compute ").append(pct(k.computePct())).append(", memory ").append(pct(k.memoryPct()))
                        .append(latencyBound ? " of peak (latency-bound)" : " of peak");
            }
            double score = (latencyBound ? 50 : 25) + 25 * (min - o.achievedPct()) / Math.max(1e-9, min);
            hits.add(new NcuFindings.Hit(k, Math.min(100, score), 0, t.toString()));
        }
        if (judged == 0) {
            return Finding.notApplicable(this, "no kernel has an achieved occupancy (collect the Occupancy section)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "every kernel reaches " + pct(min) + " achieved occupancy (lowest "
                    + pct(lowest) + ")", List.of());
        }
        List<NcuFindings.Hit> ranked = new ArrayList<>(hits);
        ranked.sort(java.util.Comparator.comparingDouble(NcuFindings.Hit::score).reversed()
                .thenComparing(h -> h.kernel().name()).thenComparingLong(h -> h.kernel().source().id()));
        NcuFindings.Hit w = ranked.get(0);
        String summary = hits.size() + " of " + judged + " kernel(s) below " + pct(min) + " achieved occupancy; "
                + NcuFindings.shortName(w.kernel()) + ": " + w.text();
        return Finding.of(this, w.score(), summary, NcuFindings.evidence(ranked), List.of(),
                recommendation(w.kernel()), 0);
    }

    private static String recommendation(KernelEfficiency.Kernel k) {
        KernelEfficiency.OccupancyLimiter l = k.occupancy().limiter();
        String first = l == null ? "Collect the Occupancy and Launch Statistics sections to see what limits it."
                : switch (l) {
                    case REGISTERS -> "Registers limit it: cap them (__launch_bounds__, -maxrregcount; see "
                            + "ncu.register-pressure).";
                    case SHARED_MEMORY -> "Shared memory limits it: smaller tiles or fewer pipeline stages, or a larger "
                            + "carve-out (see ncu.shared-memory-limit).";
                    case WARPS -> "Warp slots limit it: the blocks are large; that is the hardware maximum.";
                    case BLOCKS -> "The per-SM block limit caps it: use larger blocks (more warps per block).";
                    case BARRIERS -> "Barriers limit it: fewer named barriers per block.";
                };
        return first + " Low occupancy costs time only when the kernel is latency-bound; then also raise "
                + "instruction-level parallelism (more independent loads per thread) or launch more blocks.";
    }
}
