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
 * Register pressure: registers are the resource with the lowest block limit and the theoretical occupancy is below
 * {@code maxTheoreticalOccupancyPct} (default 60%, the occupancy target) — ncu rule {@code TheoreticalOccupancy}:
 * "limited by the number of required registers". The recommendation computes the registers per thread that would
 * allow one more block per SM: {@code floor(65536 / ((limit + 1) × warps per block × 32) / 8) × 8} (64 Ki registers
 * per SM, allocated per warp in units of 256: CUDA occupancy calculator).
 */
public final class RegisterPressureRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.register-pressure";
    }

    @Override
    public String title() {
        return "Occupancy limited by registers";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: fires when registers set the lowest block limit of the Occupancy section "
                + "and the theoretical occupancy is below 60% (ncu TheoreticalOccupancy). Gives registers per thread "
                + "and the register budget that would fit one more block per SM (64K registers, 256 per warp).";
    }

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
            if (!o.limiters().contains(KernelEfficiency.OccupancyLimiter.REGISTERS) || o.theoreticalPct() >= max) {
                continue;
            }
            KernelEfficiency.Launch l = k.launch();
            StringBuilder t = new StringBuilder();
            if (!Double.isNaN(l.registersPerThread())) {
                t.append(Math.round(l.registersPerThread())).append(" registers per thread");
                if (l.blockThreads() > 0) {
                    t.append(" × ").append(l.blockThreads()).append(" threads per block");
                }
                t.append(" → ");
            }
            t.append(o.blocksPerSm()).append(" blocks/SM (lowest block limit: registers), theoretical occupancy ")
                    .append(pct(o.theoreticalPct()));
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
            return Finding.ok(this, "no kernel's occupancy is held below " + pct(max) + " by registers (" + judged
                    + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = new ArrayList<>(hits);
        ranked.sort(java.util.Comparator.comparingDouble(NcuFindings.Hit::score).reversed()
                .thenComparing(h -> h.kernel().name()).thenComparingLong(h -> h.kernel().source().id()));
        NcuFindings.Hit w = ranked.get(0);
        return Finding.of(this, w.score(), hits.size() + " of " + judged + " kernel(s) limited by registers; "
                + NcuFindings.shortName(w.kernel()) + ": " + w.text(), NcuFindings.evidence(ranked), List.of(),
                "Cap registers to fit more blocks: __launch_bounds__(threads, minBlocksPerSM) or -maxrregcount (or "
                        + "a library/tile configuration with a smaller register footprint); check that it does not "
                        + "spill to local memory. Worth it when the kernel is latency-bound (ncu.latency-bound).",
                0);
    }

    /** @return "≤ 80 registers per thread would allow 3 blocks/SM (theoretical 50.0%)", or "" when unknown */
    static String nextBlock(KernelEfficiency.Kernel k) {
        KernelEfficiency.Occupancy o = k.occupancy();
        long warps = k.launch().warpsPerBlock();
        if (warps <= 0 || o.blocksPerSm() <= 0) {
            return "";
        }
        int n = o.blocksPerSm() + 1;
        for (KernelEfficiency.BlockLimit b : o.blockLimits()) {
            if (b.limiter() != KernelEfficiency.OccupancyLimiter.REGISTERS && b.blocksPerSm() < n) {
                return ""; // another resource caps it at the current count
            }
        }
        long perThread = KernelEfficiency.REGISTERS_PER_SM / (n * warps * 32);
        perThread -= perThread % KernelEfficiency.REGISTER_GRANULARITY_PER_THREAD;
        if (perThread <= 0) {
            return "";
        }
        return "≤ " + perThread + " registers per thread would allow " + n + " blocks/SM (theoretical "
                + pct(o.theoreticalPct() * n / o.blocksPerSm()) + ")";
    }
}
