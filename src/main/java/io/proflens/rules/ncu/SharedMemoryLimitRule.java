package io.proflens.rules.ncu;

import static io.proflens.rules.ncu.NcuFindings.kb;

import io.proflens.analysis.ncu.KernelEfficiency;

/**
 * Shared-memory limit: shared memory is the resource with the lowest block limit and the theoretical occupancy is
 * below {@code maxTheoreticalOccupancyPct} (default 60%). The recommendation computes the shared memory per block
 * that would allow one more block per SM: {@code carve-out / (limit + 1) − driver reserve per block} (ncu Launch
 * Statistics "Shared Memory Configuration Size" and "Driver Shared Memory Per Block"; CUDA occupancy calculator).
 */
public final class SharedMemoryLimitRule extends BlockLimitRule {
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
    KernelEfficiency.OccupancyLimiter limiter() {
        return KernelEfficiency.OccupancyLimiter.SHARED_MEMORY;
    }

    @Override
    String limiterLabel() {
        return "shared memory";
    }

    @Override
    String usage(KernelEfficiency.Launch l) {
        if (Double.isNaN(l.sharedMemoryPerBlockBytes())) {
            return "";
        }
        StringBuilder t = new StringBuilder(kb(l.sharedMemoryPerBlockBytes())).append(" shared memory per block");
        if (!Double.isNaN(l.driverSharedMemoryPerBlockBytes())) {
            t.append(" (+").append(kb(l.driverSharedMemoryPerBlockBytes())).append(" driver reserve)");
        }
        if (!Double.isNaN(l.sharedMemoryConfigBytes())) {
            t.append(" of a ").append(kb(l.sharedMemoryConfigBytes())).append(" carve-out");
        }
        return t.toString();
    }

    @Override
    String recommendation() {
        return "Use less shared memory per block (smaller tiles, fewer pipeline stages, reuse buffers) or a larger "
                + "carve-out (cudaFuncSetAttribute PreferredSharedMemoryCarveout / "
                + "MaxDynamicSharedMemorySize) when the SM has more to give.";
    }

    /** @return "≤ 13.61 KB per block would allow 7 blocks/SM (theoretical 58.3%)", or "" when unknown */
    @Override
    String nextBlock(KernelEfficiency.Kernel k) {
        KernelEfficiency.Occupancy o = k.occupancy();
        KernelEfficiency.Launch l = k.launch();
        if (o.blocksPerSm() <= 0 || Double.isNaN(l.sharedMemoryConfigBytes())) {
            return "";
        }
        int n = o.blocksPerSm() + 1;
        if (cappedElsewhere(o, n)) {
            return "";
        }
        double drv = Double.isNaN(l.driverSharedMemoryPerBlockBytes()) ? 0 : l.driverSharedMemoryPerBlockBytes();
        double perBlock = Math.floor(l.sharedMemoryConfigBytes() / n) - drv;
        if (perBlock <= 0) {
            return "";
        }
        return allows(k, "≤ " + kb(perBlock) + " per block", n);
    }
}
