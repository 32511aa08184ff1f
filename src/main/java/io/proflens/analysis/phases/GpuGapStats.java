package io.proflens.analysis.phases;

/**
 * GPU gaps between consecutive occurrences of a series ({@link PhaseOccurrence#gpuGapToNextNs()} and
 * {@link PhaseOccurrence#gpuIdleToNextNs()}) over all consecutive pairs that both have GPU work: "the GPU is idle
 * 1.3 ms between two consecutive forwards".
 *
 * @param pairs      number of consecutive pairs measured (≥ 1)
 * @param meanGapNs  mean of {@code gpuStart(i+1) - gpuEnd(i)}, ns
 * @param minGapNs   smallest gap, ns
 * @param maxGapNs   largest gap, ns
 * @param meanIdleNs mean device idle time in those windows, ns
 * @param minIdleNs  smallest idle time, ns
 * @param maxIdleNs  largest idle time, ns
 */
public record GpuGapStats(int pairs, double meanGapNs, long minGapNs, long maxGapNs, double meanIdleNs,
                          long minIdleNs, long maxIdleNs) {
}
