package io.proflens.analysis.ncu;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ncu.NcuKernel;
import io.proflens.model.ncu.NcuMetric;
import io.proflens.model.ncu.NcuReport;
import io.proflens.model.ncu.NcuRuleResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How efficiently each profiled kernel uses the GPU, from its Nsight Compute metrics: speed-of-light throughputs and
 * the bound they imply, achieved vs theoretical occupancy with the limiting resource, launch configuration, waves
 * per SM with the partial last wave (tail effect), and roofline points.
 *
 * <p>Semantics follow the Nsight Compute Profiling Guide and ncu's own rules: a kernel whose compute and memory
 * throughputs are both below 60% of peak is latency-bound (rule {@code SOLBottleneck}); the occupancy limiter is the
 * resource with the lowest "Block Limit" (rule {@code TheoreticalOccupancy}); a wave is SMs × blocks per SM at the
 * theoretical limit and, with uniform blocks, a partial last wave takes 1/⌈waves⌉ of the runtime (rule
 * {@code TailEffect}); whole waves could save up to (⌈waves⌉ − waves)/⌈waves⌉ of it.
 *
 * @param kernels one entry per kernel of the report, in report order (process id, ID, name)
 */
public record KernelEfficiency(List<Kernel> kernels) {
    /** Below this, in % of peak, both throughputs mean latency-bound (ncu SOLBottleneck). */
    public static final double LATENCY_BELOW_PCT = 60;
    /** Compute and memory throughputs within this many points of each other are "balanced". */
    public static final double BALANCE_MARGIN_PCT = 10;
    /** Registers per SM on every architecture since Maxwell (CUDA C Programming Guide, compute capabilities). */
    public static final int REGISTERS_PER_SM = 65536;
    /** Register allocation granularity per thread (256 per warp, CUDA occupancy calculator). */
    public static final int REGISTER_GRANULARITY_PER_THREAD = 8;

    public KernelEfficiency {
        kernels = List.copyOf(kernels);
    }

    /** What limits a kernel's speed, from its speed-of-light throughputs. */
    public enum Bound {
        COMPUTE("compute-bound"), MEMORY("memory-bound"), BALANCED("compute and memory balanced"),
        LATENCY("latency-bound"), UNKNOWN("unknown");

        private final String label;

        Bound(String label) {
            this.label = label;
        }

        /** @return e.g. "memory-bound" */
        public String label() {
            return label;
        }
    }

    /** The resource behind a "Block Limit" of ncu's Occupancy section. */
    public enum OccupancyLimiter {
        REGISTERS("registers"), SHARED_MEMORY("shared memory"), WARPS("warps"), BLOCKS("blocks per SM"),
        BARRIERS("barriers");

        private final String label;

        OccupancyLimiter(String label) {
            this.label = label;
        }

        /** @return e.g. "shared memory" */
        public String label() {
            return label;
        }
    }

    /**
     * One "Block Limit" of the Occupancy section.
     *
     * @param limiter   the resource
     * @param blocksPerSm blocks per SM that resource allows
     */
    public record BlockLimit(OccupancyLimiter limiter, int blocksPerSm) {
    }

    /**
     * Occupancy of one kernel.
     *
     * @param achievedPct           achieved occupancy, % of max warps (NaN unknown)
     * @param theoreticalPct        theoretical occupancy, % (NaN unknown)
     * @param achievedWarpsPerSm    achieved active warps per SM (NaN unknown)
     * @param theoreticalWarpsPerSm theoretical active warps per SM (NaN unknown)
     * @param blockLimits           the known block limits, in {@link OccupancyLimiter} order
     * @param limiters              the resources with the lowest limit (ties all listed), empty when unknown
     * @param blocksPerSm           that lowest limit, -1 when unknown
     * @param gainPct               {@code (1 − achieved/theoretical) × 100}: the share of warp slots the kernel
     *                              could have filled but did not (ncu AchievedOccupancy estimate), NaN unknown, ≥ 0
     */
    public record Occupancy(double achievedPct, double theoreticalPct, double achievedWarpsPerSm,
                            double theoreticalWarpsPerSm, List<BlockLimit> blockLimits,
                            List<OccupancyLimiter> limiters, int blocksPerSm, double gainPct) {
        public Occupancy {
            blockLimits = List.copyOf(blockLimits);
            limiters = List.copyOf(limiters);
        }

        /** @return the first limiter, or null when unknown */
        public OccupancyLimiter limiter() {
            return limiters.isEmpty() ? null : limiters.get(0);
        }

        /** @return "shared memory" or "registers and shared memory", {@code ""} when unknown */
        public String limiterText() {
            return String.join(" and ", limiters.stream().map(OccupancyLimiter::label).toList());
        }

        /** @return the block limit of {@code l}, -1 when unknown */
        public int limit(OccupancyLimiter l) {
            return blockLimits.stream().filter(b -> b.limiter() == l).mapToInt(BlockLimit::blocksPerSm).findFirst()
                    .orElse(-1);
        }
    }

    /**
     * Launch configuration.
     *
     * @param gridBlocks                      blocks in the grid, -1 unknown
     * @param blockThreads                    threads per block, -1 unknown
     * @param registersPerThread              NaN unknown
     * @param sharedMemoryPerBlockBytes       static + dynamic shared memory per block, bytes, NaN unknown
     * @param driverSharedMemoryPerBlockBytes shared memory reserved by the driver per block, bytes, NaN unknown
     * @param sharedMemoryConfigBytes         the launch's shared memory carve-out per SM, bytes, NaN unknown
     * @param smCount                         SMs of the device (from ncu, else the caller's fallback), -1 unknown
     */
    public record Launch(long gridBlocks, long blockThreads, double registersPerThread,
                         double sharedMemoryPerBlockBytes, double driverSharedMemoryPerBlockBytes,
                         double sharedMemoryConfigBytes, int smCount) {
        /** @return warps per block (threads / 32 rounded up), -1 unknown */
        public long warpsPerBlock() {
            return blockThreads <= 0 ? -1 : (blockThreads + 31) / 32;
        }
    }

    /**
     * Waves of one launch: a wave is {@code blocksPerWave = SMs × blocks per SM} blocks running at once.
     *
     * @param waves                 blocks / blocksPerWave (> 0)
     * @param blocksPerWave         blocks one wave holds (> 0)
     * @param fullWaves             whole waves
     * @param partialWaveBlocks     blocks of the last, partial wave (0 when the grid fills whole waves)
     * @param partialWaveRuntimePct with uniform blocks, the partial wave's share of the runtime, 100/⌈waves⌉ (0 when
     *                              none); ncu TailEffect's "may account for up to X% of the total kernel runtime"
     * @param tailGainPct           {@code (⌈waves⌉ − waves)/⌈waves⌉ × 100}: runtime whole waves could save (0 when
     *                              none)
     * @param ncuWavesPerSm         ncu's "Waves Per SM" when printed, NaN otherwise
     * @param smCount               SMs used for the computation
     * @param blocksPerSm           blocks per SM used for the computation
     */
    public record Waves(double waves, long blocksPerWave, long fullWaves, long partialWaveBlocks,
                        double partialWaveRuntimePct, double tailGainPct, double ncuWavesPerSm, int smCount,
                        int blocksPerSm) {
        /** @return "1 full wave + 87 blocks", "2 full waves", "0 full waves + 224 blocks" */
        public String text() {
            String s = fullWaves + " full wave" + (fullWaves == 1 ? "" : "s");
            return partialWaveBlocks > 0 ? s + " + " + partialWaveBlocks + " blocks" : s;
        }

        /** @return whole waves after rounding up */
        public long ceilWaves() {
            return fullWaves + (partialWaveBlocks > 0 ? 1 : 0);
        }
    }

    /**
     * One point of ncu's roofline chart (GPU Speed Of Light Roofline Chart section).
     *
     * @param precision                "Single Precision", "Double Precision", ... (the chart's body item label)
     * @param achievedFlopPerSec       achieved FLOP/s: (FMA operations + ADD + MUL per cycle) × SM clock
     * @param dramBytesPerSec          achieved DRAM bandwidth, bytes/s
     * @param arithmeticIntensity      FLOP per DRAM byte
     * @param peakFlopPerSec           theoretical FLOP/s of this precision at the measured SM clock
     * @param peakDramBytesPerSec      theoretical DRAM bytes/s (bytes per cycle × DRAM clock)
     * @param ridgeIntensity           FLOP/byte where the roofs meet
     * @param bound                    MEMORY left of the ridge, COMPUTE right of it
     * @param pctOfRoof                achieved FLOP/s as % of the roof at this intensity
     */
    public record RooflinePoint(String precision, double achievedFlopPerSec, double dramBytesPerSec,
                                double arithmeticIntensity, double peakFlopPerSec, double peakDramBytesPerSec,
                                double ridgeIntensity, Bound bound, double pctOfRoof) {
    }

    /**
     * The efficiency of one kernel.
     *
     * @param source        the ncu kernel (all metrics, ncu's rule results)
     * @param durationNs    duration, ns (rounded), -1 unknown
     * @param computePct    SM throughput, % of peak (NaN unknown)
     * @param memoryPct     memory throughput, % of peak (NaN unknown)
     * @param dramPct       DRAM throughput % (NaN unknown)
     * @param l1Pct         L1/TEX throughput % (NaN unknown)
     * @param l2Pct         L2 throughput % (NaN unknown)
     * @param bound         from compute and memory throughput with the default limits
     * @param occupancy     occupancy and its limiter
     * @param launch        launch configuration
     * @param waves         waves and tail, null when grid, SM count or blocks per SM are unknown
     * @param roofline      roofline points with achieved FLOP/s > 0, in chart order
     */
    public record Kernel(NcuKernel source, long durationNs, double computePct, double memoryPct, double dramPct,
                         double l1Pct, double l2Pct, Bound bound, Occupancy occupancy, Launch launch, Waves waves,
                         List<RooflinePoint> roofline) {
        public Kernel {
            roofline = List.copyOf(roofline);
        }

        /** @return the kernel name as ncu printed it */
        public String name() {
            return source.name();
        }
    }

    /** @return {@link #of(NcuReport, int)} without a fallback SM count */
    public static KernelEfficiency of(NcuReport report) {
        return of(report, -1);
    }

    /**
     * @param report           the ncu report
     * @param smCountFallback  SMs of the profiled GPU when the report has no "# SMs" (e.g. from the device table of
     *                         the matching trace or the GPU's data sheet); ≤ 0 for none
     * @return one {@link Kernel} per report kernel, in report order
     */
    public static KernelEfficiency of(NcuReport report, int smCountFallback) {
        List<Kernel> out = new ArrayList<>();
        for (NcuKernel k : report.kernels()) {
            out.add(analyze(k, smCountFallback));
        }
        return new KernelEfficiency(out);
    }

    /**
     * @param computePct        SM throughput %
     * @param memoryPct         memory throughput %
     * @param latencyBelowPct   both below this → LATENCY
     * @param balanceMarginPct  within this many points → BALANCED
     * @return the bound; UNKNOWN when a throughput is NaN
     */
    public static Bound classify(double computePct, double memoryPct, double latencyBelowPct,
                                 double balanceMarginPct) {
        if (Double.isNaN(computePct) || Double.isNaN(memoryPct)) {
            return Bound.UNKNOWN;
        }
        if (Math.max(computePct, memoryPct) < latencyBelowPct) {
            return Bound.LATENCY;
        }
        if (Math.abs(computePct - memoryPct) <= balanceMarginPct) {
            return Bound.BALANCED;
        }
        return computePct > memoryPct ? Bound.COMPUTE : Bound.MEMORY;
    }

    static Kernel analyze(NcuKernel k, int smCountFallback) {
        double dur = k.durationNs();
        double compute = k.computeThroughputPct();
        double memory = k.memoryThroughputPct();
        Occupancy occ = occupancy(k);
        double stat = k.staticSharedMemoryPerBlockBytes();
        double dyn = k.dynamicSharedMemoryPerBlockBytes();
        double shared = Double.isNaN(stat) && Double.isNaN(dyn) ? Double.NaN
                : (Double.isNaN(stat) ? 0 : stat) + (Double.isNaN(dyn) ? 0 : dyn);
        double sm = k.smCount();
        int smCount = !Double.isNaN(sm) && sm > 0 ? (int) sm : smCountFallback > 0 ? smCountFallback : -1;
        double grid = k.gridBlocks();
        double block = k.blockThreads();
        Launch launch = new Launch(Double.isNaN(grid) ? -1 : (long) grid, Double.isNaN(block) ? -1 : (long) block,
                k.registersPerThread(), shared, k.driverSharedMemoryPerBlockBytes(), k.sharedMemoryConfigBytes(),
                smCount);
        return new Kernel(k, Double.isNaN(dur) ? -1 : Math.round(dur), compute, memory, k.dramThroughputPct(),
                k.l1ThroughputPct(), k.l2ThroughputPct(),
                classify(compute, memory, LATENCY_BELOW_PCT, BALANCE_MARGIN_PCT), occ, launch,
                waves(launch, occ, k.wavesPerSm()), roofline(k));
    }

    private static Occupancy occupancy(NcuKernel k) {
        List<BlockLimit> limits = new ArrayList<>();
        double[] v = {k.blockLimitRegisters(), k.blockLimitSharedMem(), k.blockLimitWarps(), k.blockLimitSm(),
            k.blockLimitBarriers()};
        OccupancyLimiter[] ls = OccupancyLimiter.values();
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < ls.length; i++) {
            if (!Double.isNaN(v[i]) && v[i] >= 0) {
                limits.add(new BlockLimit(ls[i], (int) Math.round(v[i])));
                min = Math.min(min, (int) Math.round(v[i]));
            }
        }
        List<OccupancyLimiter> limiters = new ArrayList<>();
        for (BlockLimit b : limits) {
            if (b.blocksPerSm() == min) {
                limiters.add(b.limiter());
            }
        }
        double ach = k.achievedOccupancyPct();
        double theo = k.theoreticalOccupancyPct();
        double gain = Double.isNaN(ach) || Double.isNaN(theo) || theo <= 0 ? Double.NaN
                : Math.max(0, (1 - ach / theo) * 100);
        return new Occupancy(ach, theo, k.achievedWarpsPerSm(), k.theoreticalWarpsPerSm(), limits, limiters,
                limits.isEmpty() ? -1 : min, gain);
    }

    private static Waves waves(Launch l, Occupancy o, double ncuWaves) {
        long grid = l.gridBlocks();
        if (grid <= 0) {
            return null;
        }
        long perWave;
        int sms = l.smCount();
        int bps = o.blocksPerSm();
        if (sms > 0 && bps > 0) {
            perWave = (long) sms * bps;
        } else if (!Double.isNaN(ncuWaves) && ncuWaves > 0) {
            perWave = Math.max(1, Math.round(grid / ncuWaves)); // ncu's own waves: recover the wave size
        } else {
            return null;
        }
        double waves = (double) grid / perWave;
        long full = grid / perWave;
        long partial = grid % perWave;
        long ceil = full + (partial > 0 ? 1 : 0);
        double runtimePct = partial > 0 ? 100.0 / ceil : 0;
        double gain = partial > 0 ? (ceil - waves) / ceil * 100 : 0;
        return new Waves(waves, perWave, full, partial, runtimePct, gain, ncuWaves, sms, bps);
    }

    private static List<RooflinePoint> roofline(NcuKernel k) {
        Set<String> precisions = new LinkedHashSet<>();
        for (NcuMetric m : k.metrics()) {
            if (m.label().endsWith(" Achieved Value")) {
                precisions.add(m.label().substring(0, m.label().length() - " Achieved Value".length()));
            }
        }
        List<RooflinePoint> out = new ArrayList<>();
        for (String p : precisions) {
            String ach = p + " Achieved Value";
            String roof = p + " Roofline";
            double opsPerCycle = 0;
            double peakOpsPerCycle = 0;
            for (NcuMetric m : k.metrics()) {
                if (!m.numeric()) {
                    continue;
                }
                if (m.label().equals(ach) && (m.name().endsWith("Operations Per Cycle")
                        || m.name().endsWith("Thread Instructions Executed Per Cycle") && !m.name().contains("FMA"))) {
                    opsPerCycle += m.value(); // FMA "operations" are already 2 per instruction
                } else if (m.label().equals(roof) && m.name().startsWith("Theoretical")
                        && m.name().endsWith("Operations")) {
                    peakOpsPerCycle += m.value();
                }
            }
            double smHz = labelled(k, ach, "SM Frequency");
            double bw = labelled(k, ach, "DRAM Bandwidth");
            double peakSmHz = labelled(k, roof, "SM Frequency");
            double bytesPerCycle = labelled(k, roof, "Theoretical DRAM Bytes Accessible");
            double dramHz = labelled(k, roof, "DRAM Frequency");
            double flops = opsPerCycle * smHz;
            if (!(flops > 0) || !(bw > 0)) {
                continue;
            }
            double peak = peakOpsPerCycle * (Double.isNaN(peakSmHz) ? smHz : peakSmHz);
            double peakBw = bytesPerCycle * dramHz;
            double ai = flops / bw;
            double ridge = peak / peakBw;
            double roofAtAi = Math.min(peak, ai * peakBw);
            out.add(new RooflinePoint(p, flops, bw, ai, peak, peakBw, ridge,
                    ai < ridge ? Bound.MEMORY : Bound.COMPUTE, roofAtAi > 0 ? flops / roofAtAi * 100 : Double.NaN));
        }
        return out;
    }

    private static double labelled(NcuKernel k, String label, String name) {
        return k.metric(label, name).map(NcuMetric::value).orElse(Double.NaN);
    }

    /**
     * @return {@code ncu_kernels}: one row per kernel, longest first (then name, ID); and {@code ncu_metrics}: every
     *         metric of every kernel as read (kernels in report order, metrics in file order), unknown ones included
     */
    public List<ResultTable> toTables() {
        List<Kernel> sorted = new ArrayList<>(kernels);
        sorted.sort(Comparator.comparingLong(Kernel::durationNs).reversed().thenComparing(Kernel::name)
                .thenComparingLong(x -> x.source().processId()).thenComparingLong(x -> x.source().id()));
        List<Object[]> rows = new ArrayList<>();
        for (Kernel k : sorted) {
            Occupancy o = k.occupancy();
            Launch l = k.launch();
            RooflinePoint rp = k.roofline().isEmpty() ? null : k.roofline().get(0);
            rows.add(new Object[] {k.source().processId() < 0 ? null : k.source().processId(), k.source().id(),
                k.name(), k.durationNs() < 0 ? null : k.durationNs(), pct(k.computePct()), pct(k.memoryPct()),
                k.bound().label(), pct(o.achievedPct()), pct(o.theoreticalPct()),
                o.limiters().isEmpty() ? null : o.limiterText(), o.blocksPerSm() < 0 ? null : (long) o.blocksPerSm(),
                Double.isNaN(l.registersPerThread()) ? null : Math.round(l.registersPerThread()),
                Double.isNaN(l.sharedMemoryPerBlockBytes()) ? null : round(l.sharedMemoryPerBlockBytes() / 1000, 2),
                l.gridBlocks() < 0 ? null : l.gridBlocks(), l.blockThreads() < 0 ? null : l.blockThreads(),
                k.waves() == null ? null : round(k.waves().waves(), 2), k.waves() == null ? null : k.waves().text(),
                k.waves() == null ? null : round(k.waves().tailGainPct(), 1), pct(k.l1Pct()), pct(k.l2Pct()),
                pct(k.dramPct()), rp == null ? null : round(rp.arithmeticIntensity(), 3),
                rp == null ? null : rp.precision() + ": " + rp.bound().label() + ", "
                        + String.format(Locale.ROOT, "%.1f%%", rp.pctOfRoof()) + " of roof"});
        }
        ResultTable kernelsTable = new ResultTable("ncu_kernels", "Nsight Compute Kernel Efficiency", List.of(
                new Column("PID", Kind.INTEGER), new Column("ID", Kind.INTEGER), new Column("Kernel", Kind.TEXT),
                new Column("Duration", Kind.DURATION), new Column("Compute Throughput", Kind.PERCENT),
                new Column("Memory Throughput", Kind.PERCENT), new Column("Bound", Kind.TEXT),
                new Column("Achieved Occupancy", Kind.PERCENT), new Column("Theoretical Occupancy", Kind.PERCENT),
                new Column("Occupancy Limiter", Kind.TEXT), new Column("Blocks/SM", Kind.INTEGER),
                new Column("Registers/Thread", Kind.INTEGER), new Column("Shared Mem/Block (KB)", Kind.NUMBER),
                new Column("Grid Blocks", Kind.INTEGER), new Column("Block Threads", Kind.INTEGER),
                new Column("Waves/SM", Kind.NUMBER), new Column("Waves", Kind.TEXT),
                new Column("Tail Gain", Kind.PERCENT), new Column("L1 Throughput", Kind.PERCENT),
                new Column("L2 Throughput", Kind.PERCENT), new Column("DRAM Throughput", Kind.PERCENT),
                new Column("Arithmetic Intensity (FLOP/B)", Kind.NUMBER), new Column("Roofline", Kind.TEXT)), rows);
        List<Object[]> mrows = new ArrayList<>();
        for (Kernel k : kernels) {
            for (NcuMetric m : k.source().metrics()) {
                mrows.add(new Object[] {k.source().processId() < 0 ? null : k.source().processId(), k.source().id(),
                    k.name(), m.section(), m.label(), m.name(), m.text(), m.unit(),
                    m.numeric() ? m.value() : null, m.baseUnit()});
            }
        }
        ResultTable metricsTable = new ResultTable("ncu_metrics", "Nsight Compute Metrics", List.of(
                new Column("PID", Kind.INTEGER), new Column("ID", Kind.INTEGER), new Column("Kernel", Kind.TEXT),
                new Column("Section", Kind.TEXT), new Column("Label", Kind.TEXT), new Column("Metric", Kind.TEXT),
                new Column("Value", Kind.TEXT), new Column("Unit", Kind.TEXT), new Column("Base Value", Kind.NUMBER),
                new Column("Base Unit", Kind.TEXT)), mrows);
        return List.of(kernelsTable, metricsTable);
    }

    /** @return ncu's own rule results of {@code k} whose name is {@code name} (e.g. "TheoreticalOccupancy") */
    public static List<NcuRuleResult> ncuRules(Kernel k, String name) {
        return k.source().rules().stream().filter(r -> r.name().equals(name)).toList();
    }

    private static Double pct(double v) {
        return Double.isNaN(v) ? null : round(v, 1);
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
