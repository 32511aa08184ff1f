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
 * Shared-memory limit: shared memory is the resource with the lowest block limit and the theoretical occupancy is
 * below {@code maxTheoreticalOccupancyPct} (default 60%). The recommendation computes the shared memory per block
 * that would allow one more block per SM: {@code carve-out / (limit + 1) − driver reserve per block} (ncu Launch
 * Statistics "Shared Memory Configuration Size" and "Driver Shared Memory Per Block"; CUDA occupancy calculator).
 */
public final class SharedMemoryLimitRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.shared-memory-limit";
    }

    @Override
    public String title() {
        return "Occupancy limited by shared memory";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: fires when shared memory sets the lowest block limit of the Occupancy "
                + "section and the theoretical occupancy is below 60%. Gives the shared memory per block, the "
                + "carve-out, and the per-block size that would fit one more block per SM.";
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
            if (!o.limiters().contains(KernelEfficiency.OccupancyLimiter.SHARED_MEMORY) || o.theoreticalPct() >= max) {
                continue;
            }
            KernelEfficiency.Launch l = k.launch();
            StringBuilder t = new StringBuilder();
            if (!Double.isNaN(l.sharedMemoryPerBlockBytes())) {
                t.append(kb(l.sharedMemoryPerBlockBytes())).append(" shared memory per block");
                if (!Double.isNaN(l.driverSharedMemoryPerBlockBytes())) {
                    t.append(" (+").append(kb(l.driverSharedMemoryPerBlockBytes())).append(" driver reserve)");
                }
                if (!Double.isNaN(l.sharedMemoryConfigBytes())) {
                    t.append(" of a ").append(kb(l.sharedMemoryConfigBytes())).append(" carve-out");
                }
                t.append(" → ");
            }
            t.append(o.blocksPerSm()).append(" blocks/SM (lowest block limit: shared memory), theoretical occupancy ")
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
            return Finding.ok(this, "no kernel's occupancy is held below " + pct(max) + " by shared memory ("
                    + judged + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = new ArrayList<>(hits);
        ranked.sort(java.util.Comparator.comparingDouble(NcuFindings.Hit::score).reversed()
                .thenComparing(h -> h.kernel().name()).thenComparingLong(h -> h.kernel().source().id()));
        NcuFindings.Hit w = ranked.get(0);
        return Finding.of(this, w.score(), hits.size() + " of " + judged + " kernel(s) limited by shared memory; "
                + NcuFindings.shortName(w.kernel()) + ": " + w.text(), NcuFindings.evidence(ranked), List.of(),
                "Use less shared memory per block (smaller tiles, fewer pipeline stages, reuse buffers) or a larger "
                        + "carve-out (cudaFuncSetAttribute PreferredSharedMemoryCarveout / "
                        + "MaxDynamicSharedMemorySize) when the SM has more to give.",
                0);
    }

    /** @return "≤ 13.61 KB per block would allow 7 blocks/SM (theoretical 58.3%)", or "" when unknown */
    static String nextBlock(KernelEfficiency.Kernel k) {
        KernelEfficiency.Occupancy o = k.occupancy();
        KernelEfficiency.Launch l = k.launch();
        if (o.blocksPerSm() <= 0 || Double.isNaN(l.sharedMemoryConfigBytes())) {
            return "";
        }
        int n = o.blocksPerSm() + 1;
        for (KernelEfficiency.BlockLimit b : o.blockLimits()) {
            if (b.limiter() != KernelEfficiency.OccupancyLimiter.SHARED_MEMORY && b.blocksPerSm() < n) {
                return "";
            }
        }
        double drv = Double.isNaN(l.driverSharedMemoryPerBlockBytes()) ? 0 : l.driverSharedMemoryPerBlockBytes();
        double perBlock = Math.floor(l.sharedMemoryConfigBytes() / n) - drv;
        if (perBlock <= 0) {
            return "";
        }
        return "≤ " + kb(perBlock) + " per block would allow " + n + " blocks/SM (theoretical "
                + pct(o.theoreticalPct() * n / o.blocksPerSm()) + ")";
    }
}
