package io.proflens.rules.ncu;

import io.proflens.analysis.ncu.KernelEfficiency;

/**
 * Register pressure: registers are the resource with the lowest block limit and the theoretical occupancy is below
 * {@code maxTheoreticalOccupancyPct} (default 60%, the occupancy target) — ncu rule {@code TheoreticalOccupancy}:
 * "limited by the number of required registers". The recommendation computes the registers per thread that would
 * allow one more block per SM: {@code floor(65536 / ((limit + 1) × warps per block × 32) / 8) × 8} (64 Ki registers
 * per SM, allocated per warp in units of 256: CUDA occupancy calculator).
 */
public final class RegisterPressureRule extends BlockLimitRule {
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
    KernelEfficiency.OccupancyLimiter limiter() {
        return KernelEfficiency.OccupancyLimiter.REGISTERS;
    }

    @Override
    String limiterLabel() {
        return "registers";
    }

    @Override
    String usage(KernelEfficiency.Launch l) {
        if (Double.isNaN(l.registersPerThread())) {
            return "";
        }
        String u = Math.round(l.registersPerThread()) + " registers per thread";
        return l.blockThreads() > 0 ? u + " × " + l.blockThreads() + " threads per block" : u;
    }

    @Override
    String recommendation() {
        return "Cap registers to fit more blocks: __launch_bounds__(threads, minBlocksPerSM) or -maxrregcount (or "
                + "a library/tile configuration with a smaller register footprint); check that it does not "
                + "spill to local memory. Worth it when the kernel is latency-bound (ncu.latency-bound).";
    }

    /** @return "≤ 80 registers per thread would allow 3 blocks/SM (theoretical 50.0%)", or "" when unknown */
    @Override
    String nextBlock(KernelEfficiency.Kernel k) {
        KernelEfficiency.Occupancy o = k.occupancy();
        long warps = k.launch().warpsPerBlock();
        if (warps <= 0 || o.blocksPerSm() <= 0) {
            return "";
        }
        int n = o.blocksPerSm() + 1;
        if (cappedElsewhere(o, n)) {
            return ""; // another resource caps it at the current count
        }
        long perThread = KernelEfficiency.REGISTERS_PER_SM / (n * warps * 32);
        perThread -= perThread % KernelEfficiency.REGISTER_GRANULARITY_PER_THREAD;
        if (perThread <= 0) {
            return "";
        }
        return allows(k, "≤ " + perThread + " registers per thread", n);
    }
}
