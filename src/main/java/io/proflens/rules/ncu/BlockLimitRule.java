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
 * The shared judgement of the rules about one occupancy limiter (registers, shared memory): a kernel fires when that
 * resource sets its lowest block limit and its theoretical occupancy is below {@code maxTheoreticalOccupancyPct}
 * (default 60%, the occupancy target); the finding names the resource use, the blocks per SM, the occupancy and the
 * budget that would fit one more block. Subclasses give the limiter, how its use reads, that budget and the advice.
 */
abstract class BlockLimitRule implements NcuRule {
    /** @return the limiter this rule judges */
    abstract KernelEfficiency.OccupancyLimiter limiter();

    /** @return the limiter as the text names it: "registers", "shared memory" */
    abstract String limiterLabel();

    /** @return how the kernel uses the resource ("82 registers per thread × 128 threads per block"), or "" */
    abstract String usage(KernelEfficiency.Launch launch);

    /** @return the budget that allows one more block per SM, or "" when unknown */
    abstract String nextBlock(KernelEfficiency.Kernel k);

    /** @return what to change */
    abstract String recommendation();

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxTheoreticalOccupancyPct", "%", 60,
                "theoretical occupancy below this is worth raising",
                "occupancy monitoring target used by GPU performance engineers"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double max = limits.get("maxTheoreticalOccupancyPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        int judged = 0;
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            KernelEfficiency.Occupancy o = k.occupancy();
            if (o.limiters().isEmpty() || Double.isNaN(o.theoreticalPct())) {
                continue;
            }
            judged++;
            if (!o.limiters().contains(limiter()) || o.theoreticalPct() >= max) {
                continue;
            }
            StringBuilder t = new StringBuilder();
            String usage = usage(k.launch());
            if (!usage.isEmpty()) {
                t.append(usage).append(" → ");
            }
            t.append(o.blocksPerSm()).append(" blocks/SM (lowest block limit: ").append(limiterLabel())
                    .append("), theoretical occupancy ").append(pct(o.theoreticalPct()));
            if (!Double.isNaN(o.achievedPct())) {
                t.append(", achieved ").append(pct(o.achievedPct()));
            }
            String next = nextBlock(k);
            if (!next.isEmpty()) {
                t.append("; ").append(next);
            }
            hits.add(new NcuFindings.Hit(k, Math.min(100, 25 + 50 * (max - o.theoreticalPct()) / max), 0,
                    t.toString()));
        }
        if (judged == 0) {
            return Finding.notApplicable(this, "no kernel has block limits and theoretical occupancy (collect the "
                    + "Occupancy section)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "no kernel's occupancy is held below " + pct(max) + " by " + limiterLabel() + " ("
                    + judged + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = new ArrayList<>(hits);
        ranked.sort(java.util.Comparator.comparingDouble(NcuFindings.Hit::score).reversed()
                .thenComparing(h -> h.kernel().name()).thenComparingLong(h -> h.kernel().source().id()));
        NcuFindings.Hit w = ranked.get(0);
        return Finding.of(this, w.score(), hits.size() + " of " + judged + " kernel(s) limited by " + limiterLabel()
                + "; " + NcuFindings.shortName(w.kernel()) + ": " + w.text(), NcuFindings.evidence(ranked), List.of(),
                recommendation(), 0);
    }

    /**
     * @param k         the kernel
     * @param perBlock  the budget text for {@code n} blocks ("≤ 80 registers per thread")
     * @param n         blocks per SM the budget allows
     * @return "&lt;budget&gt; would allow n blocks/SM (theoretical x%)"
     */
    static String allows(KernelEfficiency.Kernel k, String perBlock, int n) {
        KernelEfficiency.Occupancy o = k.occupancy();
        return perBlock + " would allow " + n + " blocks/SM (theoretical "
                + pct(o.theoreticalPct() * n / o.blocksPerSm()) + ")";
    }

    /** @return whether another resource caps the kernel below {@code n} blocks per SM */
    boolean cappedElsewhere(KernelEfficiency.Occupancy o, int n) {
        for (KernelEfficiency.BlockLimit b : o.blockLimits()) {
            if (b.limiter() != limiter() && b.blocksPerSm() < n) {
                return true;
            }
        }
        return false;
    }
}
