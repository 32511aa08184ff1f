package io.proflens.analysis.timers;

import java.util.List;

/**
 * One node of the timer hierarchy, with its steady-state and warm-up times.
 *
 * @param path          names from the root, e.g. {@code [backward_down, [DOWN] D0_prepare+memset]}
 * @param depth         0 for a top-level node
 * @param steadyMeanNs  mean over the steady iterations in which the node occurs, ns (rounded half-up); 0 when it
 *                      occurs only in warm-up
 * @param steadyCount   steady iterations in which it occurs
 * @param warmupMeanNs  mean over the warm-up iterations in which it occurs, ns, or {@code null}
 * @param sharePct      steady mean as percent of the steady internal total, 0-100 (a child's share is of the
 *                      total, not of its parent)
 * @param warmupRatio   warm-up mean / steady mean, or {@code null} without both
 */
public record TimerNode(List<String> path, int depth, long steadyMeanNs, int steadyCount, Long warmupMeanNs,
                        double sharePct, Double warmupRatio) {
    /** Copies the path. */
    public TimerNode {
        path = List.copyOf(path);
    }

    /** @return the last path element */
    public String name() {
        return path.get(path.size() - 1);
    }
}
