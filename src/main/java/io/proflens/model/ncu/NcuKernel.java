package io.proflens.model.ncu;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One profiled kernel launch of an Nsight Compute report: its identity columns, every metric ncu printed for it
 * (unknown metrics included) and ncu's own rule results.
 *
 * <p>The typed accessors read the well-known metrics under the names ncu uses on the {@code details} page (section
 * metrics such as "Achieved Occupancy") and, when absent, on the {@code raw} page (metric ids such as
 * {@code sm__warps_active.avg.pct_of_peak_sustained_active}); names follow the Nsight Compute Profiling Guide and the
 * section files of ncu 2022-2025. They return the value in the unit their name states, NaN when the kernel has no such
 * metric (the section was not collected, or the value was {@code "n/a"}).
 *
 * @param id                the ncu "ID" column: the launch's sequence number among the profiled launches of its
 *                          process, 0-based (≥ 0)
 * @param processId         "Process ID", -1 when absent
 * @param processName       "Process Name", {@code ""} when absent
 * @param hostName          "Host Name", {@code ""} when absent
 * @param name              "Kernel Name" as printed (ncu's demangled form, namespaces and casts removed by ncu)
 * @param context           "Context", {@code ""} when absent
 * @param stream            "Stream", {@code ""} when absent
 * @param blockSize         "Block Size" column, null when absent (older ncu)
 * @param gridSize          "Grid Size" column, null when absent
 * @param device            "Device", {@code ""} when absent
 * @param computeCapability "CC" ({@code "12.0"}), {@code ""} when absent
 * @param metrics           every metric, one per {@link NcuMetric#key()}, in the order first read
 * @param rules             ncu's rule results, in the order read, duplicates (same section, name, text) removed
 * @param sources           the file names the kernel was read from, in the order given
 */
public record NcuKernel(long id, long processId, String processName, String hostName, String name, String context,
                        String stream, Dim3 blockSize, Dim3 gridSize, String device, String computeCapability,
                        List<NcuMetric> metrics, List<NcuRuleResult> rules, List<String> sources) {
    public NcuKernel {
        Objects.requireNonNull(name);
        metrics = List.copyOf(metrics);
        rules = List.copyOf(rules);
        sources = List.copyOf(sources);
    }

    /**
     * @param key a {@link NcuMetric#key()}, e.g. {@code "Occupancy / Achieved Occupancy"}
     * @return that metric
     */
    public Optional<NcuMetric> metric(String key) {
        for (NcuMetric m : metrics) {
            if (m.key().equals(key)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * @param label body item label ({@code ""} for none)
     * @param name  metric name
     * @return the first metric with that label and name in any section
     */
    public Optional<NcuMetric> metric(String label, String name) {
        for (NcuMetric m : metrics) {
            if (m.label().equals(label) && m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The numeric value of the first candidate present, in its base unit.
     *
     * @param baseUnit required {@link NcuMetric#baseUnit()} or null for any (tells "Memory Throughput" in % from the
     *                 one in byte/s)
     * @param names    metric names in order of preference; each is matched against every section
     * @return the value, NaN when no candidate has a numeric value
     */
    public double value(String baseUnit, String... names) {
        for (String n : names) {
            for (NcuMetric m : metrics) {
                if (m.name().equals(n) && m.numeric() && (baseUnit == null || baseUnit.equals(m.baseUnit()))) {
                    return m.value();
                }
            }
        }
        return Double.NaN;
    }

    /** @return kernel duration, ns ("Duration" / {@code gpu__time_duration.sum}) */
    public double durationNs() {
        return value("ns", "Duration", "gpu__time_duration.sum");
    }

    /** @return SM throughput, % of peak ("Compute (SM) Throughput" / {@code sm__throughput...pct_of_peak...}) */
    public double computeThroughputPct() {
        return value("%", "Compute (SM) Throughput", "sm__throughput.avg.pct_of_peak_sustained_elapsed");
    }

    /** @return memory throughput, % of peak ("Memory Throughput" in % / {@code gpu__compute_memory_throughput}) */
    public double memoryThroughputPct() {
        return value("%", "Memory Throughput", "gpu__compute_memory_throughput.avg.pct_of_peak_sustained_elapsed");
    }

    /** @return DRAM throughput, % of peak */
    public double dramThroughputPct() {
        return value("%", "DRAM Throughput", "gpu__dram_throughput.avg.pct_of_peak_sustained_elapsed",
                "dram__throughput.avg.pct_of_peak_sustained_elapsed");
    }

    /** @return L1/TEX cache throughput, % of peak */
    public double l1ThroughputPct() {
        return value("%", "L1/TEX Cache Throughput", "l1tex__throughput.avg.pct_of_peak_sustained_active");
    }

    /** @return L2 cache throughput, % of peak */
    public double l2ThroughputPct() {
        return value("%", "L2 Cache Throughput", "lts__throughput.avg.pct_of_peak_sustained_elapsed");
    }

    /** @return DRAM/memory bandwidth achieved, bytes/s (Memory Workload Analysis "Memory Throughput") */
    public double memoryBandwidthBytesPerSec() {
        return value("byte/s", "Memory Throughput", "DRAM Bandwidth", "dram__bytes.sum.per_second");
    }

    /** @return achieved occupancy, % of the SM's maximum warps */
    public double achievedOccupancyPct() {
        return value("%", "Achieved Occupancy", "sm__warps_active.avg.pct_of_peak_sustained_active");
    }

    /** @return theoretical occupancy, % of the SM's maximum warps */
    public double theoreticalOccupancyPct() {
        return value("%", "Theoretical Occupancy", "sm__maximum_warps_per_active_cycle_pct");
    }

    /** @return achieved active warps per SM */
    public double achievedWarpsPerSm() {
        return value(null, "Achieved Active Warps Per SM", "sm__warps_active.avg.per_cycle_active");
    }

    /** @return theoretical active warps per SM */
    public double theoreticalWarpsPerSm() {
        return value(null, "Theoretical Active Warps per SM");
    }

    /** @return blocks per SM allowed by the register file ("Block Limit Registers") */
    public double blockLimitRegisters() {
        return value(null, "Block Limit Registers", "launch__occupancy_limit_registers");
    }

    /** @return blocks per SM allowed by shared memory ("Block Limit Shared Mem") */
    public double blockLimitSharedMem() {
        return value(null, "Block Limit Shared Mem", "launch__occupancy_limit_shared_mem");
    }

    /** @return blocks per SM allowed by the warp slots ("Block Limit Warps") */
    public double blockLimitWarps() {
        return value(null, "Block Limit Warps", "launch__occupancy_limit_warps");
    }

    /** @return blocks per SM allowed by the SM's block slots ("Block Limit SM") */
    public double blockLimitSm() {
        return value(null, "Block Limit SM", "launch__occupancy_limit_blocks");
    }

    /** @return blocks per SM allowed by barriers ("Block Limit Barriers", ncu 2023+) */
    public double blockLimitBarriers() {
        return value(null, "Block Limit Barriers", "launch__occupancy_limit_barriers");
    }

    /** @return registers per thread (Launch Statistics) */
    public double registersPerThread() {
        return value(null, "Registers Per Thread", "launch__registers_per_thread");
    }

    /** @return static shared memory per block, bytes */
    public double staticSharedMemoryPerBlockBytes() {
        return value(null, "Static Shared Memory Per Block", "launch__shared_mem_per_block_static");
    }

    /** @return dynamic shared memory per block, bytes */
    public double dynamicSharedMemoryPerBlockBytes() {
        return value(null, "Dynamic Shared Memory Per Block", "launch__shared_mem_per_block_dynamic");
    }

    /** @return shared memory the driver reserves per block, bytes (1 KiB since Ampere) */
    public double driverSharedMemoryPerBlockBytes() {
        return value(null, "Driver Shared Memory Per Block", "launch__shared_mem_per_block_driver");
    }

    /** @return the SM's shared memory carve-out for this launch, bytes ("Shared Memory Configuration Size") */
    public double sharedMemoryConfigBytes() {
        return value(null, "Shared Memory Configuration Size", "launch__shared_mem_config_size");
    }

    /** @return number of SMs of the device ("# SMs" / {@code launch__sm_count}) */
    public double smCount() {
        return value(null, "# SMs", "launch__sm_count", "device__attribute_multiprocessor_count");
    }

    /** @return ncu's "Waves Per SM" */
    public double wavesPerSm() {
        return value(null, "Waves Per SM", "launch__waves_per_multiprocessor");
    }

    /** @return blocks in the grid: Launch Statistics "Grid Size", else the product of the "Grid Size" column */
    public double gridBlocks() {
        double v = value(null, "Grid Size", "launch__grid_size");
        return Double.isNaN(v) && gridSize != null ? gridSize.total() : v;
    }

    /** @return threads per block: Launch Statistics "Block Size", else the product of the "Block Size" column */
    public double blockThreads() {
        double v = value(null, "Block Size", "launch__block_size");
        return Double.isNaN(v) && blockSize != null ? blockSize.total() : v;
    }

    /** @return SM clock, Hz ("SM Frequency") */
    public double smFrequencyHz() {
        return value("Hz", "SM Frequency", "gpc__cycles_elapsed.avg.per_second");
    }

    /** @return DRAM clock, Hz ("DRAM Frequency") */
    public double dramFrequencyHz() {
        return value("Hz", "DRAM Frequency", "dram__cycles_elapsed.avg.per_second");
    }
}
