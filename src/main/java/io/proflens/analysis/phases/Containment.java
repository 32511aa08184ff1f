package io.proflens.analysis.phases;

/**
 * How much of the main iteration its direct children explain: per iteration, the union of its direct child ranges
 * clipped to the iteration; summed over iterations.
 *
 * @param parentLabel                 label of the main iteration key
 * @param iterations                  number of iterations
 * @param parentTotalNs               total duration of the iterations, ns
 * @param coveredNs                   total time covered by direct children, ns ({@code ≤ parentTotalNs})
 * @param remainderNs                 {@code parentTotalNs - coveredNs}: time in no named child, ns
 * @param remainderPct                remainder as percent of {@code parentTotalNs}, 0-100
 * @param meanRemainderPerIterationNs {@code remainderNs / iterations}, ns
 * @param childrenSumNs               plain sum of direct child durations, ns (exceeds {@code coveredNs} only when
 *                                    children overlap, which push/pop nesting rules out on one thread)
 */
public record Containment(String parentLabel, int iterations, long parentTotalNs, long coveredNs, long remainderNs,
                          double remainderPct, double meanRemainderPerIterationNs, long childrenSumNs) {
}
