package io.proflens.rules.ncu;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.ncu.NcuFindings.kb;
import static io.proflens.rules.ncu.NcuFindings.num;
import static io.proflens.rules.ncu.NcuFindings.pct;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.rules.Finding;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Tail effect: the grid does not fill whole waves. A wave is SMs × blocks per SM (at the theoretical limit); with
 * blocks of uniform duration the partial last wave takes 1/⌈waves⌉ of the runtime while running few blocks (ncu rule
 * {@code TailEffect}: "may account for up to 50.0% of the total kernel runtime"), and a grid of whole waves could
 * save (⌈waves⌉ − waves)/⌈waves⌉ of it. A grid smaller than one wave leaves SMs idle for the whole kernel (ncu
 * {@code SOLBottleneck}: "grid is too small to fill the available resources"). Fires when that saving is at least
 * {@code minTailGainPct}.
 */
public final class PartialWaveRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.partial-wave";
    }

    @Override
    public String title() {
        return "Partial last wave (tail effect)";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: waves = grid blocks / (SMs x blocks per SM at the occupancy limit). A "
                + "partial last wave takes 1/ceil(waves) of the runtime with uniform blocks (ncu TailEffect); whole "
                + "waves could save (ceil(waves) - waves)/ceil(waves). Fires when that is at least 10%, and "
                + "suggests grid sizes that fill whole waves.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minTailGainPct", "%", 10,
                "runtime share that whole waves could save, at least",
                "ncu TailEffect rule; below 10% the tail is within block-duration variance"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double min = limits.get("minTailGainPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        int judged = 0;
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            KernelEfficiency.Waves w = k.waves();
            if (w == null) {
                continue;
            }
            judged++;
            if (w.partialWaveBlocks() == 0 || w.tailGainPct() < min) {
                continue;
            }
            String wave = count(w.blocksPerWave()) + " blocks per wave" + (w.smCount() > 0 && w.blocksPerSm() > 0
                    ? " = " + w.smCount() + " SMs × " + w.blocksPerSm() + " blocks/SM" : "");
            String t;
            if (w.fullWaves() == 0) {
                t = "grid of " + count(k.launch().gridBlocks()) + " blocks fills " + num(w.waves()) + " of one wave ("
                        + wave + "): " + pct(w.tailGainPct()) + " of the SM slots stay idle for the whole kernel";
            } else {
                t = w.text() + " (" + count(k.launch().gridBlocks()) + " blocks, " + wave + ", " + num(w.waves())
                        + " waves): the partial wave may take up to " + pct(w.partialWaveRuntimePct())
                        + " of the runtime, whole waves could gain up to " + pct(w.tailGainPct()) + " of "
                        + NcuFindings.timeText(efficiency, k, join);
            }
            long rec = Math.round(NcuFindings.timeNs(efficiency, k, join) * w.tailGainPct() / 100);
            hits.add(new NcuFindings.Hit(k, Math.min(100, 25 + w.tailGainPct()), rec, t));
        }
        if (judged == 0) {
            return Finding.notApplicable(this, "no kernel has grid size, SM count and blocks per SM (collect the "
                    + "LaunchStats and Occupancy sections)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "no kernel loses " + pct(min) + " or more to a partial last wave (" + judged
                    + " judged)", List.of());
        }
        List<NcuFindings.Hit> ranked = NcuFindings.rank(hits);
        NcuFindings.Hit top = ranked.get(0);
        String summary = hits.size() + " of " + judged + " kernel(s) with a costly partial wave; "
                + NcuFindings.shortName(top.kernel()) + ": " + top.text();
        return Finding.of(this, top.score(), summary, NcuFindings.evidence(ranked), List.of(),
                recommendation(top.kernel()), NcuFindings.recoverable(hits));
    }

    /** Grid sizes that fill whole waves, and the blocks per SM that would fit the grid in fewer waves. */
    static String recommendation(KernelEfficiency.Kernel k) {
        KernelEfficiency.Waves w = k.waves();
        long perWave = w.blocksPerWave();
        long grid = k.launch().gridBlocks();
        StringBuilder s = new StringBuilder("Size the grid in whole waves of " + count(perWave) + " blocks: ");
        if (w.fullWaves() > 0) {
            s.append(count(w.fullWaves() * perWave)).append(" (").append(w.fullWaves()).append(" wave")
                    .append(w.fullWaves() == 1 ? "" : "s").append(", larger tiles) or ");
        }
        s.append(count(w.ceilWaves() * perWave)).append(" (").append(w.ceilWaves()).append(" wave")
                .append(w.ceilWaves() == 1 ? "" : "s").append(", smaller tiles or split-K)");
        if (w.smCount() > 0 && w.fullWaves() > 0) {
            long needed = (grid + (long) w.smCount() * w.fullWaves() - 1) / ((long) w.smCount() * w.fullWaves());
            s.append("; or fit all ").append(count(grid)).append(" blocks in ").append(w.fullWaves()).append(" wave")
                    .append(w.fullWaves() == 1 ? "" : "s").append(" with ").append(needed).append(" blocks/SM");
            KernelEfficiency.Launch l = k.launch();
            if (k.occupancy().limiter() == KernelEfficiency.OccupancyLimiter.SHARED_MEMORY
                    && !Double.isNaN(l.sharedMemoryConfigBytes())) {
                double drv = Double.isNaN(l.driverSharedMemoryPerBlockBytes()) ? 0 : l.driverSharedMemoryPerBlockBytes();
                s.append(" (shared memory ≤ ").append(kb(Math.floor(l.sharedMemoryConfigBytes() / needed) - drv))
                        .append(" per block)");
            }
        }
        return s.append(". Persistent-thread or stream-K scheduling removes the tail for any size.").toString();
    }
}
