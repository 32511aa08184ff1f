package io.proflens.rules.ncu;

import static io.proflens.rules.ncu.NcuFindings.kb;
import static io.proflens.rules.ncu.NcuFindings.pct;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.rules.Finding;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel's achieved occupancy is well below its theoretical occupancy: warps that could be resident are not, from
 * scheduling overhead, imbalance between blocks or a partial last wave (ncu rule {@code AchievedOccupancy}). Fires
 * when achieved < {@code minAchievedOfTheoreticalPct} % of theoretical (default 90: smaller gaps are measurement
 * noise). Estimated gain, as ncu estimates it: {@code 1 − achieved/theoretical} of the kernel's time.
 */
public final class OccupancyBelowTheoreticalRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.occupancy-below-theoretical";
    }

    @Override
    public String title() {
        return "Achieved occupancy below theoretical";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: achieved occupancy against the theoretical occupancy its resources allow, "
                + "with the resource that sets the theoretical limit (registers, shared memory, warps, blocks). Fires "
                + "when achieved is below 90% of theoretical; the estimated gain is 1 - achieved/theoretical of the "
                + "kernel's time (ncu AchievedOccupancy).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minAchievedOfTheoreticalPct", "%", 90,
                "achieved occupancy expected at least, as % of the theoretical occupancy",
                "ncu AchievedOccupancy rule; gaps under 10% are within run-to-run noise"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double min = limits.get("minAchievedOfTheoreticalPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        int judged = 0;
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            KernelEfficiency.Occupancy o = k.occupancy();
            if (Double.isNaN(o.achievedPct()) || Double.isNaN(o.theoreticalPct()) || o.theoreticalPct() <= 0) {
                continue;
            }
            judged++;
            if (o.achievedPct() >= o.theoreticalPct() * min / 100) {
                continue;
            }
            StringBuilder t = new StringBuilder("achieved occupancy " + pct(o.achievedPct()) + " vs theoretical "
                    + pct(o.theoreticalPct()));
            if (!o.limiters().isEmpty()) {
                t.append(", theoretical limited by ").append(NcuFindings.limiterText(o));
                if (o.limiter() == KernelEfficiency.OccupancyLimiter.SHARED_MEMORY
                        && !Double.isNaN(k.launch().sharedMemoryPerBlockBytes())) {
                    t.append(": ").append(kb(k.launch().sharedMemoryPerBlockBytes())).append(" shared memory per block");
                } else if (o.limiter() == KernelEfficiency.OccupancyLimiter.REGISTERS
                        && !Double.isNaN(k.launch().registersPerThread())) {
                    t.append(": ").append(Math.round(k.launch().registersPerThread())).append(" registers per thread");
                }
            }
            t.append("; up to ").append(pct(o.gainPct())).append(" of ").append(NcuFindings.timeText(efficiency, k,
                    join)).append(" to gain");
            if (k.waves() != null && k.waves().partialWaveBlocks() > 0 && k.waves().fullWaves() > 0) {
                t.append(" (").append(k.waves().text()).append(": the partial last wave runs at lower occupancy)");
            }
            long rec = Math.round(NcuFindings.timeNs(efficiency, k, join) * o.gainPct() / 100);
            hits.add(new NcuFindings.Hit(k, Math.min(100, 25 + 2 * o.gainPct()), rec, t.toString()));
        }
        if (judged == 0) {
            return Finding.notApplicable(this, "no kernel has achieved and theoretical occupancy (collect the "
                    + "Occupancy section: ncu --section Occupancy)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "every kernel reaches at least " + pct(min) + " of its theoretical occupancy ("
                    + judged + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = NcuFindings.rank(hits);
        NcuFindings.Hit w = ranked.get(0);
        String summary = hits.size() + " of " + judged + " kernel(s) below " + pct(min) + " of theoretical occupancy; "
                + NcuFindings.shortName(w.kernel()) + ": " + w.text();
        return Finding.of(this, w.score(), summary, NcuFindings.evidence(ranked), List.of(),
                "Achieved below theoretical means resident-warp slots stay empty during the run: balance the work "
                        + "per block (no long-running stragglers), fill whole waves (see ncu.partial-wave), and check "
                        + "ncu's Warp State Statistics for barrier/sync stalls. Raising the theoretical limit helps "
                        + "only once achieved is close to it.",
                NcuFindings.recoverable(hits));
    }
}
